/**
 * `http://` and `https://` inputs: a URL names one file. Its size and range support come from a HEAD request
 * (`Content-Length`, `Accept-Ranges: bytes`); a server with ranges is read in byte-range splits, one without in a
 * single split. Bodies are asked for without content encoding, so byte offsets are the file's own.
 */
import { Readable } from 'node:stream';
import type { FileStatus, FileSystem } from './FileSystem.js';

/** The URL without user:password, for messages. */
function shown(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return url;
  }
}

export class HttpFileSystem implements FileSystem {
  async list(url: string): Promise<FileStatus[]> {
    let res: Response;
    try {
      res = await fetch(url, { method: 'HEAD', headers: { 'accept-encoding': 'identity' }, redirect: 'follow' });
    } catch (err) {
      throw new Error(`HEAD ${shown(url)} failed: ${(err as Error).message}`);
    }
    if (res.status === 404 || res.status === 410) return [];
    if (!res.ok) throw new Error(`HEAD ${shown(url)} answered HTTP ${res.status}`);
    const length = res.headers.get('content-length');
    const size = length !== null && /^[0-9]+$/.test(length) ? Number(length) : -1;
    const rangeable = size >= 0 && (res.headers.get('accept-ranges') ?? '').toLowerCase().split(',').some((v) => v.trim() === 'bytes');
    // An unknown size is read whole (the split's end is then only a bound).
    return [{ path: url, size: size >= 0 ? size : Number.MAX_SAFE_INTEGER, rangeable }];
  }

  async open(url: string, start: number, end?: number): Promise<Readable> {
    const ranged = start > 0 || end !== undefined;
    const headers: Record<string, string> = { 'accept-encoding': 'identity' };
    if (ranged) headers.range = `bytes=${start}-${end !== undefined ? end - 1 : ''}`;
    let res: Response;
    try {
      res = await fetch(url, { headers, redirect: 'follow' });
    } catch (err) {
      throw new Error(`GET ${shown(url)} failed: ${(err as Error).message}`);
    }
    if (!res.ok) throw new Error(`GET ${shown(url)} answered HTTP ${res.status}`);
    if (ranged && res.status !== 206 && start > 0) {
      await res.body?.cancel();
      throw new Error(`GET ${shown(url)} ignored the range request (HTTP ${res.status} instead of 206), though the server announced Accept-Ranges: bytes`);
    }
    // (a 200 for a range from byte 0 is the whole file: the reader stops at the split's end)
    if (!res.body) return Readable.from([]);
    return Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
  }
}
