/**
 * Shuffle data on disk: a sequence of frames, each a 4-byte length and one batch of records as recordCodec.ts
 * encodes it (packed columns for strings, numbers and `[k, v]` pairs of those, v8 for the rest; frames of plain v8
 * arrays read as before), sealed on its own when `spark.io.encryption.enabled` (src/util/ioEncryption.ts).
 */
import { ioEncryptionOn, openIo, sealIo } from '../util/ioEncryption.js';
import { decodeRecords, encodeRecords } from './recordCodec.js';

export function frame(records: unknown[]): Buffer {
  if (!ioEncryptionOn()) {
    // The header is reserved in the encoding's own buffer: no copy of the body.
    const out = encodeRecords(records, 4);
    out.writeUInt32LE(out.length - 4, 0);
    return out;
  }
  const body = sealIo(encodeRecords(records));
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
    yield decodeRecords(openIo(buf.subarray(off, off + len)));
    off += len;
  }
}
