/**
 * The wire of driver, executor and shuffle-service connections: each message is a 4-byte big-endian length and a
 * `v8.serialize`d value (structured clone: Maps, typed arrays, bigints and Buffers travel as they are).
 */
import { serialize, deserialize } from 'node:v8';

export const MAX_MESSAGE = 512 * 1024 * 1024;

export function encode(msg: unknown): Buffer {
  return frame(serialize(msg));
}

/** A frame around an already encoded (or encrypted) body. */
export function frame(body: Buffer): Buffer {
  const head = Buffer.allocUnsafe(4);
  head.writeUInt32BE(body.length, 0);
  return Buffer.concat([head, body]);
}

/**
 * Splits a byte stream into messages; frames may arrive split or merged anyhow. Chunks are kept as they come and
 * joined once per message, so a large message arriving in many small chunks is not copied over and over.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Length of the frame being received, once its header is in. */
  private need: number | undefined;
  /** The largest frame accepted now; a connection lowers it until its peer has authenticated. */
  maxFrame = MAX_MESSAGE;

  /** Decoded messages of the frames completed by this chunk. */
  push(chunk: Buffer): unknown[] {
    return this.pushFrames(chunk).map((b) => deserialize(b));
  }

  /** Raw bodies of the frames completed by this chunk. A header announcing more than `maxFrame` throws at once. */
  pushFrames(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const out: Buffer[] = [];
    for (;;) {
      if (this.need === undefined) {
        if (this.buffered < 4) break;
        const len = this.take(4).readUInt32BE(0);
        if (len > this.maxFrame) throw new Error(`message of ${len} bytes exceeds the limit of ${this.maxFrame}`);
        this.need = len;
      }
      if (this.buffered < this.need) break;
      const body = this.take(this.need);
      this.need = undefined;
      out.push(body);
    }
    return out;
  }

  /** Removes and returns the first `n` buffered bytes (joining chunks only as far as needed). */
  private take(n: number): Buffer {
    let have = 0;
    let k = 0;
    while (have < n) have += this.chunks[k++]!.length;
    const joined = k === 1 ? this.chunks[0]! : Buffer.concat(this.chunks.slice(0, k), have);
    const rest = joined.subarray(n);
    this.chunks.splice(0, k, ...(rest.length > 0 ? [rest] : []));
    this.buffered -= n;
    return joined.subarray(0, n);
  }
}
