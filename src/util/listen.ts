import http from 'node:http';
import https from 'node:https';
import type { TlsOptions } from 'node:tls';

/**
 * An HTTP server on `port`, or the next free one of `retries` after it (Spark's `spark.port.maxRetries`); port 0
 * takes any free port. Throws when none is free. With `tls`, it serves HTTPS (`spark.ssl.<namespace>`).
 */
export async function listenWithRetries(host: string, port: number, retries: number, handler: http.RequestListener, tls?: TlsOptions): Promise<http.Server> {
  let last: unknown;
  for (let i = 0; i <= (port === 0 ? 0 : retries); i++) {
    try {
      return await new Promise<http.Server>((resolve, reject) => {
        const s: http.Server = tls ? https.createServer(tls, handler) : http.createServer(handler);
        // Bounded waits for slow or stalled clients.
        s.headersTimeout = 20_000;
        s.requestTimeout = 60_000;
        s.once('error', reject);
        s.listen(port === 0 ? 0 : port + i, host, () => resolve(s));
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      last = err;
    }
  }
  throw new Error(`no free port in ${port}..${port + retries} on ${host}: ${(last as Error).message}`);
}
