import { Connection, type Message } from './Connection.js';
import type { MapStatus } from '../core/plan.js';
import { FetchFailedError, localFetcher, type BlockFetcher } from '../shuffle/ShuffleReader.js';

/**
 * Fetches shuffle segments from other executors' block servers (or an external shuffle service) over framed TCP,
 * one connection per server, requests matched by id. A failed fetch is a FetchFailedError, so the scheduler
 * recomputes the lost map output.
 */
export class BlockClient {
  private readonly conns = new Map<string, Promise<Connection>>();
  private readonly pending = new Map<number, { resolve: (b: Buffer) => void; reject: (e: Error) => void }>();
  private nextReq = 0;

  constructor(
    private readonly secret: string | undefined,
    private readonly who: string,
  ) {}

  private connection(host: string, port: number): Promise<Connection> {
    const key = `${host}:${port}`;
    let c = this.conns.get(key);
    if (!c) {
      c = Connection.connect(host, port, this.secret, this.who, 5000).then((conn) => {
        conn.on('message', (m: Message) => {
          const p = this.pending.get(m.reqId as number);
          if (!p) return;
          this.pending.delete(m.reqId as number);
          if (m.t === 'block') p.resolve(Buffer.from(m.data as Uint8Array));
          else p.reject(new Error(String(m.message)));
        });
        conn.on('close', (reason: string) => {
          this.conns.delete(key);
          for (const [id, p] of this.pending) {
            this.pending.delete(id);
            p.reject(new Error(`connection to ${key} closed: ${reason}`));
          }
        });
        return conn;
      });
      c.catch(() => this.conns.delete(key));
      this.conns.set(key, c);
    }
    return c;
  }

  async fetch(status: MapStatus, reduce: number, extra: Record<string, unknown> = {}): Promise<Buffer> {
    const start = status.offsets[reduce]!;
    const length = status.offsets[reduce + 1]! - start;
    if (length === 0) return Buffer.alloc(0);
    const addr = status.address!;
    try {
      const conn = await this.connection(addr.host, addr.port);
      const reqId = this.nextReq++;
      return await new Promise<Buffer>((resolve, reject) => {
        this.pending.set(reqId, { resolve, reject });
        conn.send({ t: 'fetchBlock', reqId, path: status.path, start, length, ...extra });
      });
    } catch (err) {
      throw new FetchFailedError(status.shuffleId, status.mapId, status.executorId, (err as Error).message);
    }
  }

  close(): void {
    for (const c of this.conns.values()) void c.then((x) => x.close(), () => undefined);
    this.conns.clear();
  }
}

/** Reads this executor's own outputs from disk and everything else from its server. */
export function clusterFetcher(executorId: string, client: BlockClient): BlockFetcher {
  return (status, reduce) => (status.executorId === executorId && !status.external ? localFetcher(status, reduce) : client.fetch(status, reduce, status.external ? { appId: status.external.appId } : {}));
}
