/**
 * Cuts a byte stream of concatenated LZ4 frames (the format of the `lz4` command and of our `.lz4` output) into
 * whole frames, so each can be decompressed on its own as it arrives. Hadoop's `Lz4Codec` writes a different,
 * block-only format, which this rejects with a clear error.
 */
const FRAME_MAGIC = 0x184d2204;

/** The end offset of the frame starting at `o`, or undefined when `buf` does not hold all of it yet. */
export function frameEnd(buf: Buffer, o: number): number | undefined {
  if (buf.length - o < 4) return undefined;
  const magic = buf.readUInt32LE(o);
  if ((magic & 0xfffffff0) === 0x184d2a50) {
    // A skippable frame: magic, length, payload.
    if (buf.length - o < 8) return undefined;
    const end = o + 8 + buf.readUInt32LE(o + 4);
    return end <= buf.length ? end : undefined;
  }
  if (magic !== FRAME_MAGIC) {
    throw new Error(`not an LZ4 frame at byte ${o} (magic 0x${magic.toString(16)}): .lz4 input must be in the LZ4 frame format of the lz4 command; Hadoop's Lz4Codec block format is not supported`);
  }
  if (buf.length - o < 7) return undefined;
  const flg = buf[o + 4]!;
  let pos = o + 7 + (flg & 0x08 ? 8 : 0) + (flg & 0x01 ? 4 : 0);
  const blockChecksum = (flg & 0x10) !== 0;
  for (;;) {
    if (buf.length - pos < 4) return undefined;
    const size = buf.readUInt32LE(pos);
    pos += 4;
    if (size === 0) {
      pos += flg & 0x04 ? 4 : 0;
      return pos <= buf.length ? pos : undefined;
    }
    pos += (size & 0x7fffffff) + (blockChecksum ? 4 : 0);
  }
}

/** Splits what has arrived into whole frames and the rest (kept for the next chunk). */
export function takeFrames(buf: Buffer): { frames: Buffer[]; rest: Buffer } {
  const frames: Buffer[] = [];
  let o = 0;
  for (;;) {
    const end = frameEnd(buf, o);
    if (end === undefined) break;
    if (buf.readUInt32LE(o) === FRAME_MAGIC) frames.push(buf.subarray(o, end));
    o = end;
  }
  return { frames, rest: buf.subarray(o) };
}
