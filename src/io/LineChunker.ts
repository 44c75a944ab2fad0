/**
 * Turns text lines written one at a time into chunks of about `chunkBytes` bytes, compressed each on its own when a
 * codec is set, handed to `out` synchronously. Memory holds one chunk, never a whole partition: lines are encoded
 * straight into one buffer that every chunk reuses (joining a chunk's lines and encoding the result cost a fresh
 * megabyte per chunk, and on a VM every fresh page is a fault), so `out` must be done with a chunk when it returns.
 */
import type { Codec } from './codecs.js';

/** UTF-16 code units take at most 3 bytes in UTF-8 (a surrogate pair, two units, takes 4). */
const MAX_BYTES_PER_UNIT = 3;

export class LineChunker {
  private buf: Buffer;
  private len = 0;
  /** Bytes before and after compression. */
  bytesIn = 0;
  bytesOut = 0;

  constructor(
    private readonly out: (chunk: Buffer) => void,
    private readonly codec: Codec | undefined,
    // Compressed members are bigger, so per-member overhead and dictionary restarts cost little.
    private readonly chunkBytes = codec ? 4 * 1024 * 1024 : 1024 * 1024,
  ) {
    this.buf = Buffer.allocUnsafeSlow(chunkBytes);
  }

  write(line: string): void {
    const most = line.length * MAX_BYTES_PER_UNIT + 1;
    if (this.len + most > this.buf.length) {
      this.flush();
      // A line longer than a chunk goes alone, in a buffer of its own.
      if (most > this.buf.length) {
        this.emit(Buffer.from(`${line}\n`));
        return;
      }
    }
    this.len += this.buf.write(line, this.len, 'utf8');
    this.buf[this.len++] = 0x0a;
    if (this.len >= this.chunkBytes) this.flush();
  }

  flush(): void {
    if (this.len === 0) return;
    const plain = this.buf.subarray(0, this.len);
    this.len = 0;
    this.emit(plain);
  }

  private emit(plain: Buffer): void {
    const chunk = this.codec ? this.codec.compressChunk(plain) : plain;
    this.bytesIn += plain.length;
    this.bytesOut += chunk.length;
    this.out(chunk);
  }
}
