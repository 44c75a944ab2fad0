import type { IncomingMessage, ServerResponse } from 'node:http';

export function readBody(req: IncomingMessage, limit = 64 * 1024 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let n = 0;
    req.on('data', (c: Buffer) => {
      n += c.length;
      if (n > limit) reject(new Error('request body too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Mesos answers errors as plain text. */
export function text(res: ServerResponse, status: number, body = '', headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  res.end(body);
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  const s = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(s) });
  res.end(s);
}

/** Checks HTTP basic credentials against a list; undefined list = authentication off. */
export function authenticate(req: IncomingMessage, creds: { principal: string; secret: string }[] | undefined): { ok: boolean; principal?: string } {
  if (!creds) return { ok: true };
  const h = req.headers.authorization;
  if (!h || !h.startsWith('Basic ')) return { ok: false };
  const decoded = Buffer.from(h.slice(6), 'base64').toString('utf8');
  const parts = decoded.split(':');
  if (parts.length !== 2) return { ok: false };
  const [principal, secret] = parts as [string, string];
  return creds.some((c) => c.principal === principal && c.secret === secret) ? { ok: true, principal } : { ok: false };
}
