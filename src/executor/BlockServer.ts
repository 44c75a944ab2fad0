import { close, closeSync, fstatSync, openSync, read, realpathSync } from 'node:fs';
import { promisify } from 'node:util';
import { sep } from 'node:path';
import type net from 'node:net';
import { listen, type Connection, type ListenOptions, type Message, type RpcAuthLike } from '../rpc/Connection.js';
import { DEFAULT_AUTH_TIMEOUT_MS } from './cryptoEnv.js';
import { getLogger } from '../util/logging.js';
import { SegmentBuffers } from './segmentBuffers.js';

const log = getLogger('BlockServer');
const readAsync = promisify(read);

/** Opens the file of a segment of `length` bytes at `start` under `root`, after checking the request; returns its fd. */
function openSegment(root: string, path: string, start: number, length: number): number {
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
    return fd;
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

/**
 * Reads `length` bytes at `start` of a file under `root`, refusing anything outside it. The copy itself runs on
 * libuv's thread pool: the event loop goes on sending earlier blocks (and answering other requests) meanwhile.
 */
export async function readSegmentAsync(root: string, path: string, start: number, length: number, buffers?: SegmentBuffers): Promise<Buffer> {
  const fd = openSegment(root, path, start, length);
  const buf = buffers ? buffers.take(length) : Buffer.allocUnsafe(length);
  try {
    let have = 0;
    while (have < length) {
      const { bytesRead } = await readAsync(fd, buf, have, length - have, start + have);
      if (bytesRead === 0) throw new Error(`short read of ${path}: ${have} of ${length} bytes`);
      have += bytesRead;
    }
    return buf;
  } catch (err) {
    buffers?.give(buf);
    throw err;
  } finally {
    close(fd, () => undefined);
  }
}

/**
 * Answers a fetch with the block's bytes: as a raw payload after the reply (no v8 serialization or copy) when the
 * client asked for it with `raw`, else inside the reply as `data` (clients from before raw payloads).
 */
export function sendBlock(conn: Connection, request: Message, data: Buffer, written: () => void = () => undefined): void {
  if (request.raw === true) {
    conn.sendWithPayload({ t: 'block', reqId: request.reqId }, data, written);
  } else {
    conn.send({ t: 'block', reqId: request.reqId, data });
    written();
  }
}

/**
 * Answers a `fetchBlock` request for a file under `root`: the block, or a `blockError` saying why not. The block is
 * read into one of `buffers`, given back once the socket has it.
 */
export function serveBlock(conn: Connection, request: Message, root: string, buffers: SegmentBuffers): void {
  readSegmentAsync(root, String(request.path), Number(request.start), Number(request.length), buffers)
    .then(
      (data) => sendBlock(conn, request, data, () => buffers.give(data)),
      (err: Error) => conn.send({ t: 'blockError', reqId: request.reqId, message: err.message }),
    )
    .catch((err: Error) => log.warn({ err: err.message }, 'could not answer a block fetch'));
}

/**
 * Serves this executor's shuffle files to reducers on other executors. `handshakeTimeoutMs` is
 * `spark.network.auth.rpcTimeout` (the executor reads it from its environment), as for the driver's endpoint.
 */
export async function startBlockServer(host: string, port: number, root: string, secret: RpcAuthLike, opts: ListenOptions = { handshakeTimeoutMs: DEFAULT_AUTH_TIMEOUT_MS }): Promise<net.Server> {
  const buffers = new SegmentBuffers();
  return listen(host, port, secret, (conn: Connection) => {
    conn.on('authFailed', (why: string) => log.warn({ why }, 'refused a block fetch connection'));
    conn.on('message', (m: Message) => {
      if (m.t === 'fetchBlock') serveBlock(conn, m, root, buffers);
    });
  }, opts);
}
