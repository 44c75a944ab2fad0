/**
 * Turns text lines written one at a time into chunks of about `chunkChars` characters, compressed each on its own
 * when a codec is set, handed to `out` synchronously. Memory holds one chunk, never a whole partition.
 */
import type { Codec } from './codecs.js';

export class LineChunker {
  private parts: string[] = [];
  private chars = 0;
  /** Bytes before and after compression. */
  bytesIn = 0;
  bytesOut = 0;

  constructor(
    private readonly out: (chunk: Buffer) => void,
    private readonly codec: Codec | undefined,
    // Compressed members are bigger, so per-member overhead and dictionary restarts cost little.
    private readonly chunkChars = codec ? 4 * 1024 * 1024 : 1024 * 1024,
  ) {}

  write(line: string): void {
    this.parts.push(line);
    this.chars += line.length + 1;
    if (this.chars >= this.chunkChars) this.flush();
  }

  flush(): void {
    if (this.parts.length === 0) return;
    const plain = Buffer.from(this.parts.join('\n') + '\n');
    this.parts = [];
    this.chars = 0;
    const chunk = this.codec ? this.codec.compressChunk(plain) : plain;
    this.bytesIn += plain.length;
    this.bytesOut += chunk.length;
    this.out(chunk);
  }
}
