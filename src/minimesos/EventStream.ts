import type { ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { encodeRecord } from '../mesos/recordio.js';

/**
 * One streaming response (a scheduler subscription or an executor subscription): 200, chunked, RecordIO records
 * of JSON events. `chunkSplit` re-chunks records at random points so clients' framers are exercised.
 */
export class EventStream {
  readonly id = randomUUID();
  private closed = false;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly closeListeners: (() => void)[] = [];
  private readonly chunkSplit: boolean;

  constructor(
    private readonly res: ServerResponse,
    opts: { streamIdHeader?: boolean; chunkSplit?: boolean } = {},
  ) {
    this.chunkSplit = opts.chunkSplit ?? false;
    const headers: Record<string, string> = { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' };
    if (opts.streamIdHeader) headers['Mesos-Stream-Id'] = this.id;
    res.writeHead(200, headers);
    res.flushHeaders();
    res.on('close', () => this.markClosed());
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  send(event: unknown): void {
    if (this.closed) return;
    const rec = encodeRecord(JSON.stringify(event));
    if (this.chunkSplit && rec.length > 2) {
      const cut = 1 + Math.floor(Math.random() * (rec.length - 1));
      this.res.write(rec.subarray(0, cut));
      this.res.write(rec.subarray(cut));
    } else this.res.write(rec);
  }

  startHeartbeats(intervalMs: number, event: unknown = { type: 'HEARTBEAT' }): void {
    this.send(event);
    this.heartbeat = setInterval(() => this.send(event), intervalMs);
    this.heartbeat.unref();
  }

  /** Stops sending (simulates a stalled connection: the socket stays open, no bytes flow). */
  stall(): void {
    clearInterval(this.heartbeat);
    this.closed = true;
  }

  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  close(): void {
    if (!this.closed) this.res.end();
    this.markClosed();
    this.res.destroy();
  }

  private markClosed(): void {
    clearInterval(this.heartbeat);
    const wasOpen = !this.closed || this.closeListeners.length > 0;
    this.closed = true;
    if (wasOpen) for (const l of this.closeListeners.splice(0)) l();
  }
}
