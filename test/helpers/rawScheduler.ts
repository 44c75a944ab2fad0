/**
 * A raw HTTP peer for conformance tests: literal JSON bodies, no project client code, RecordIO parsed by hand
 * here (deliberately independent of src/mesos/recordio.ts).
 */
import http from 'node:http';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export function rawPost(base: string, path: string, body: string, headers: Record<string, string> = { 'Content-Type': 'application/json' }): Promise<RawResponse> {
  const u = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { ...headers, 'Content-Length': Buffer.byteLength(body) }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** An open subscription: events parsed from the RecordIO body as they come. */
export class RawSubscription {
  readonly events: Record<string, any>[] = [];
  streamId = '';
  status = 0;
  headers: http.IncomingHttpHeaders = {};
  private buf = Buffer.alloc(0);
  private req: http.ClientRequest | undefined;
  private waiters: (() => void)[] = [];
  ended = false;

  static open(base: string, body: string, headers: Record<string, string> = {}): Promise<RawSubscription> {
    const s = new RawSubscription();
    const u = new URL('/api/v1/scheduler', base);
    return new Promise((resolve, reject) => {
      s.req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', agent: false, headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...headers } }, (res) => {
        s.status = res.statusCode!;
        s.headers = res.headers;
        s.streamId = String(res.headers['mesos-stream-id'] ?? '');
        res.on('data', (c: Buffer) => s.feed(c));
        res.on('end', () => {
          s.ended = true;
          s.wake();
        });
        res.on('error', () => undefined);
        resolve(s);
      });
      s.req.on('error', reject);
      s.req.end(body);
    });
  }

  private feed(c: Buffer) {
    this.buf = Buffer.concat([this.buf, c]);
    for (;;) {
      const nl = this.buf.indexOf(10);
      if (nl < 0) break;
      const len = Number(this.buf.subarray(0, nl).toString());
      if (this.buf.length < nl + 1 + len) break;
      this.events.push(JSON.parse(this.buf.subarray(nl + 1, nl + 1 + len).toString('utf8')));
      this.buf = this.buf.subarray(nl + 1 + len);
    }
    this.wake();
  }

  private wake() {
    for (const w of this.waiters.splice(0)) w();
  }

  async waitFor(pred: (e: Record<string, any>) => boolean, timeoutMs = 10_000): Promise<Record<string, any>> {
    const deadline = Date.now() + timeoutMs;
    let seen = 0;
    for (;;) {
      for (; seen < this.events.length; seen++) if (pred(this.events[seen]!)) return this.events[seen]!;
      if (this.ended) throw new Error(`stream ended; events: ${JSON.stringify(this.events.map((e) => e.type))}`);
      if (Date.now() > deadline) throw new Error(`timed out; events so far: ${JSON.stringify(this.events.map((e) => e.type))}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  close(): void {
    this.req?.destroy();
  }
}
