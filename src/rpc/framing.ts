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
 * Splits a byte stream into messages; frames may arrive split or merged anyhow. A frame's body is allocated once its
 * header is in (so at most `maxFrame`) and filled as chunks arrive: every byte is copied once, and nothing keeps a
 * reference to a chunk, so the caller may read the socket into one reused buffer.
 */
export class FrameDecoder {
  private readonly head = Buffer.alloc(4);
  /** Header bytes received of the next frame. */
  private headHave = 0;
  /** The body being filled, once its header is in. */
  private body: Buffer | undefined;
  private have = 0;
  /** The largest frame accepted now; a connection lowers it until its peer has authenticated. */
  maxFrame = MAX_MESSAGE;

  /** Decoded messages of the frames completed by this chunk. */
  push(chunk: Buffer): unknown[] {
    return this.pushFrames(chunk).map((b) => deserialize(b));
  }

  /** Raw bodies of the frames completed by this chunk. A header announcing more than `maxFrame` throws at once. */
  pushFrames(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    const n = chunk.length;
    let off = 0;
    for (;;) {
      if (this.body === undefined) {
        let len: number;
        if (this.headHave === 0 && n - off >= 4) {
          len = chunk.readUInt32BE(off);
          off += 4;
        } else {
          const k = Math.min(4 - this.headHave, n - off);
          chunk.copy(this.head, this.headHave, off, off + k);
          this.headHave += k;
          off += k;
          if (this.headHave < 4) break;
          this.headHave = 0;
          len = this.head.readUInt32BE(0);
        }
        if (len > this.maxFrame) throw new Error(`message of ${len} bytes exceeds the limit of ${this.maxFrame}`);
        this.body = Buffer.allocUnsafe(len);
        this.have = 0;
      }
      const k = Math.min(this.body.length - this.have, n - off);
      if (k > 0) {
        chunk.copy(this.body, this.have, off, off + k);
        this.have += k;
        off += k;
      }
      if (this.have < this.body.length) break;
      out.push(this.body);
      this.body = undefined;
    }
    return out;
  }

  /**
   * Where the next bytes may be read in place: the rest of the body being received, when at least `min` bytes are
   * missing (a socket reading there saves copying them out of its read buffer).
   */
  directTarget(min: number): Buffer | undefined {
    const b = this.body;
    return b && b.length - this.have >= min ? b.subarray(this.have) : undefined;
  }

  /** Counts `n` bytes read into directTarget(); returns the body when they completed it. */
  advance(n: number): Buffer[] {
    const b = this.body;
    if (!b || this.have + n > b.length) throw new Error(`${n} bytes read in place beyond the frame being received`);
    this.have += n;
    if (this.have < b.length) return [];
    this.body = undefined;
    return [b];
  }
}
