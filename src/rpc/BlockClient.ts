import { Connection, type Message, type RpcAuthLike } from './Connection.js';
import type { MapStatus } from '../core/plan.js';
import { FetchFailedError, localFetcher, type BlockFetcher } from '../shuffle/ShuffleReader.js';

/** `spark.network.timeout`'s default, for callers that do not pass one. */
export const DEFAULT_FETCH_TIMEOUT_MS = 120_000;
/** Longest wait for a connection (lower when the fetch timeout is). */
const CONNECT_TIMEOUT_MS = 5000;

interface Pending {
  server: string;
  resolve: (b: Buffer) => void;
  reject: (e: Error) => void;
}

/**
 * Fetches shuffle segments from other executors' block servers (or an external shuffle service) over framed TCP,
 * one connection per server, requests matched by id. A failed fetch is a FetchFailedError, so the scheduler
 * recomputes the lost map output; so is a fetch the server leaves unanswered for the timeout
 * (`spark.network.timeout`), after which the connection is dropped.
 */
export class BlockClient {
  private readonly conns = new Map<string, Promise<Connection>>();
  private readonly pending = new Map<number, Pending>();
  private nextReq = 0;

  constructor(
    private readonly secret: RpcAuthLike,
    private readonly who: string,
    private readonly defaultTimeoutMs = DEFAULT_FETCH_TIMEOUT_MS,
  ) {}

  private connection(host: string, port: number, timeoutMs: number): Promise<Connection> {
    const key = `${host}:${port}`;
    let c = this.conns.get(key);
    if (!c) {
      c = Connection.connect(host, port, this.secret, this.who, Math.min(CONNECT_TIMEOUT_MS, timeoutMs)).then((conn) => {
        conn.on('message', (m: Message) => {
          const p = this.pending.get(m.reqId as number);
          if (!p) return;
          this.pending.delete(m.reqId as number);
          // A raw payload is the bytes as received; `data` inside the message is how servers before it answered.
          if (m.t === 'block') p.resolve(Buffer.isBuffer(m.payload) ? m.payload : Buffer.from(m.data as Uint8Array));
          else p.reject(new Error(String(m.message)));
        });
        conn.on('close', (reason: string) => {
          if (this.conns.get(key) === c) this.conns.delete(key);
          // Only the requests sent to this server are lost with its connection.
          for (const [id, p] of this.pending) {
            if (p.server !== key) continue;
            this.pending.delete(id);
            p.reject(new Error(`connection to ${key} closed: ${reason}`));
          }
        });
        return conn;
      });
      c.catch(() => {
        if (this.conns.get(key) === c) this.conns.delete(key);
      });
      this.conns.set(key, c);
    }
    return c;
  }

  async fetch(status: MapStatus, reduce: number, extra: Record<string, unknown> = {}, timeoutMs = this.defaultTimeoutMs): Promise<Buffer> {
    const start = status.offsets[reduce]!;
    const length = status.offsets[reduce + 1]! - start;
    if (length === 0) return Buffer.alloc(0);
    const addr = status.address!;
    const server = `${addr.host}:${addr.port}`;
    try {
      const conn = await this.connection(addr.host, addr.port, timeoutMs);
      const reqId = this.nextReq++;
      return await new Promise<Buffer>((resolve, reject) => {
        const sent = Date.now();
        // As Spark's idle timeout: the server must stay silent for the whole timeout, not merely be slow.
        const check = () => {
          if (!this.pending.has(reqId)) return;
          // Any byte from the server counts: a large block still arriving is progress, not silence.
          const idle = Date.now() - Math.max(sent, conn.lastReceivedAt);
          if (idle < timeoutMs) {
            timer = setTimeout(check, timeoutMs - idle);
            return;
          }
          // The server stopped answering: every request waiting on it fails for that reason (not as a bare
          // "closed locally"), and later fetches connect afresh rather than queue behind it.
          const why = `no answer from ${server} within ${timeoutMs} ms (spark.network.timeout)`;
          for (const [id, p] of this.pending) {
            if (p.server !== server) continue;
            this.pending.delete(id);
            p.reject(new Error(why));
          }
          conn.close();
        };
        let timer = setTimeout(check, timeoutMs);
        this.pending.set(reqId, {
          server,
          resolve: (b) => {
            clearTimeout(timer);
            resolve(b);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        });
        conn.send({ t: 'fetchBlock', reqId, path: status.path, start, length, raw: true, ...extra });
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
  return (status, reduce, timeoutMs) =>
    status.executorId === executorId && !status.external
      ? localFetcher(status, reduce)
      : client.fetch(status, reduce, status.external ? { appId: status.external.appId } : {}, timeoutMs);
}
