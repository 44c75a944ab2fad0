/**
 * The wire of driver, executor and shuffle-service connections: each message is a 4-byte big-endian length and a
 * `v8.serialize`d value (structured clone: Maps, typed arrays, bigints and Buffers travel as they are).
 */
import { serialize, deserialize } from 'node:v8';

export const MAX_MESSAGE = 512 * 1024 * 1024;

export function encode(msg: unknown): Buffer {
  const body = serialize(msg);
  const head = Buffer.allocUnsafe(4);
  head.writeUInt32BE(body.length, 0);
  return Buffer.concat([head, body]);
}

/** Splits a byte stream into messages; frames may arrive split or merged anyhow. */
export class FrameDecoder {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): unknown[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: unknown[] = [];
    while (this.buf.length >= 4) {
      const len = this.buf.readUInt32BE(0);
      if (len > MAX_MESSAGE) throw new Error(`message of ${len} bytes exceeds the limit`);
      if (this.buf.length < 4 + len) break;
      out.push(deserialize(this.buf.subarray(4, 4 + len)));
      this.buf = this.buf.subarray(4 + len);
    }
    return out;
  }
}
