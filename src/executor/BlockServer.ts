import { closeSync, openSync, readSync, realpathSync } from 'node:fs';
import { sep } from 'node:path';
import type net from 'node:net';
import { listen, type Connection, type Message } from '../rpc/Connection.js';
import { getLogger } from '../util/logging.js';

const log = getLogger('BlockServer');

/** Reads `length` bytes at `start` of a file under `root`; refuses anything outside it. */
export function readSegment(root: string, path: string, start: number, length: number): Buffer {
  const real = realpathSync(path);
  const base = realpathSync(root);
  if (!real.startsWith(base + sep)) throw new Error(`'${path}' is not a block of this server`);
  const fd = openSync(real, 'r');
  try {
    const buf = Buffer.allocUnsafe(length);
    const n = readSync(fd, buf, 0, length, start);
    if (n !== length) throw new Error(`short read of ${path}: ${n} of ${length} bytes`);
    return buf;
  } finally {
    closeSync(fd);
  }
}

/** Serves this executor's shuffle files to reducers on other executors. */
export async function startBlockServer(host: string, port: number, root: string, secret: string | undefined): Promise<net.Server> {
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
