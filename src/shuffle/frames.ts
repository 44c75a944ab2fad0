/**
 * Shuffle data on disk: a sequence of frames, each a 4-byte length and a v8-serialized array of records (sealed on
 * its own when `spark.io.encryption.enabled`, src/util/ioEncryption.ts).
 */
import { serialize, deserialize } from 'node:v8';
import { openIo, sealIo } from '../util/ioEncryption.js';

export function frame(records: unknown[]): Buffer {
  const body = sealIo(serialize(records));
  const head = Buffer.allocUnsafe(4);
  head.writeUInt32LE(body.length, 0);
  return Buffer.concat([head, body]);
}

export function* unframe(buf: Buffer): Generator<unknown[]> {
  let off = 0;
  while (off + 4 <= buf.length) {
    const len = buf.readUInt32LE(off);
    off += 4;
    if (off + len > buf.length) throw new Error(`truncated shuffle frame: ${len} bytes announced, ${buf.length - off} present`);
    yield deserialize(openIo(buf.subarray(off, off + len))) as unknown[];
    off += len;
  }
}
