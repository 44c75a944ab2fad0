import http from 'node:http';
import type { IncomingMessage } from 'node:http';

/** A non-success answer from a Mesos endpoint, with the text the master or agent gave. */
export class MesosHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly what: string,
  ) {
    super(`${what}: HTTP ${status}${body ? `: ${body.trim()}` : ''}`);
    this.name = 'MesosHttpError';
  }
}

export interface Endpoint {
  host: string;
  port: number;
}

export interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export const JSON_CONTENT_TYPE = 'application/json';

/** Calls go on pooled keep-alive connections, never on the subscription's own connection. */
const callAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });

export function basicAuth(principal: string, secret: string): string {
  return `Basic ${Buffer.from(`${principal}:${secret}`, 'utf8').toString('base64')}`;
}

/** POSTs a JSON body and reads the whole answer. Rejects on network errors and on timeout. */
export function post(ep: Endpoint, path: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: ep.host, port: ep.port, path, method: 'POST', agent: callAgent,
        headers: { 'Content-Type': JSON_CONTENT_TYPE, Accept: JSON_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(body), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer from ${ep.host}:${ep.port}${path} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Opens a streaming POST on a connection of its own (the subscription). */
export function openStream(
  ep: Endpoint,
  path: string,
  body: string,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: ep.host, port: ep.port, path, method: 'POST', agent: false, signal,
      headers: { 'Content-Type': JSON_CONTENT_TYPE, Accept: JSON_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(body), Connection: 'close', ...headers },
    });
    req.on('response', resolve);
    req.on('error', reject);
    req.end(body);
  });
}

export function readAll(res: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/**
 * Resolves a 307 `Location` (protocol-relative `//host:port/path`, or absolute) to the new endpoint.
 */
export function redirectTarget(location: string | undefined, current: Endpoint): Endpoint | undefined {
  if (!location) return undefined;
  try {
    const u = new URL(location, `http://${current.host}:${current.port}/`);
    return { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || 80) };
  } catch {
    return undefined;
  }
}
