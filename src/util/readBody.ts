import type { IncomingMessage } from 'node:http';

/** A request body over its cap: answered 413, and the rest is never read. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`The request body is larger than ${limit} bytes.`);
  }
}

/**
 * Reads a request body of at most `limit` bytes. A declared Content-Length above it fails before any byte is read;
 * a body that grows past it while arriving fails as soon as it does, so memory never holds more than `limit`.
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLargeError(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > limit) throw new BodyTooLargeError(limit);
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks, size);
}
