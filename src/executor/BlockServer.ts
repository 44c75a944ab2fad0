import { closeSync, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { sep } from 'node:path';
import type net from 'node:net';
import { listen, type Connection, type Message, type RpcAuthLike } from '../rpc/Connection.js';
import { getLogger } from '../util/logging.js';

const log = getLogger('BlockServer');

/** Reads `length` bytes at `start` of a file under `root`; refuses anything outside it. */
export function readSegment(root: string, path: string, start: number, length: number): Buffer {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(length) || start < 0 || length < 0) {
    throw new Error(`a block segment needs whole, non-negative start and length, but got ${String(start).slice(0, 24)} and ${String(length).slice(0, 24)}`);
  }
  const real = realpathSync(path);
  const base = realpathSync(root);
  if (!real.startsWith(base + sep)) throw new Error(`'${String(path).slice(0, 256)}' is not a block of this server`);
  const fd = openSync(real, 'r');
  try {
    // Checked before allocating: a request cannot make the server reserve more than the file holds.
    const size = fstatSync(fd).size;
    if (start + length > size) throw new Error(`segment ${start}+${length} is beyond the end of the block (${size} bytes)`);
    const buf = Buffer.allocUnsafe(length);
    const n = readSync(fd, buf, 0, length, start);
    if (n !== length) throw new Error(`short read of ${path}: ${n} of ${length} bytes`);
    return buf;
  } finally {
    closeSync(fd);
  }
}

/** Serves this executor's shuffle files to reducers on other executors. */
export async function startBlockServer(host: string, port: number, root: string, secret: RpcAuthLike): Promise<net.Server> {
  return listen(host, port, secret, (conn: Connection) => {
    conn.on('authFailed', (why: string) => log.warn({ why }, 'refused a block fetch connection'));
    conn.on('message', (m: Message) => {
      if (m.t !== 'fetchBlock') return;
      try {
        const data = readSegment(root, String(m.path), Number(m.start), Number(m.length));
        conn.send({ t: 'block', reqId: m.reqId, data });
      } catch (err) {
        conn.send({ t: 'blockError', reqId: m.reqId, message: (err as Error).message });
      }
    });
  });
}
