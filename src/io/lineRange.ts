/**
 * The lines of a byte range `[start, end)` of a text file read as a stream, by the rule Hadoop's LineRecordReader
 * follows: a line belongs to the split in which it starts, so splits cut anywhere read every line exactly once.
 * The stream must begin at byte `start - 1` (or 0): a split that does not start a line skips to the next one, and
 * the last line is finished past `end`. Lines are decoded in batches, `\r\n` endings accepted.
 */
export class LineRange {
  private rest: Buffer = Buffer.alloc(0);
  /** Absolute offset of `rest[0]`. */
  private restPos: number;
  private skipping: boolean;
  /** Set once every line of the range was handed out: the caller can stop reading. */
  done = false;

  constructor(
    start: number,
    private readonly end: number = Infinity,
  ) {
    this.restPos = Math.max(0, start - 1);
    this.skipping = start > 0;
  }

  /** Where the stream must begin. */
  static streamStart(start: number): number {
    return Math.max(0, start - 1);
  }

  /** The complete lines of the range that this chunk finishes. */
  push(chunk: Buffer): string[] {
    if (this.done) return [];
    let buf = this.rest.length === 0 ? chunk : Buffer.concat([this.rest, chunk]);
    let pos = this.restPos;
    if (this.skipping) {
      // The byte before `start` is read too: when it is a newline, the split starts exactly at a line.
      const nl = buf.indexOf(0x0a);
      if (nl < 0) {
        this.rest = Buffer.alloc(0);
        this.restPos = pos + buf.length;
        return [];
      }
      this.skipping = false;
      buf = buf.subarray(nl + 1);
      pos += nl + 1;
    }
    if (pos >= this.end) {
      this.done = true;
      return [];
    }
    // Lines starting before `end` are ours: cut after the newline ending the line that holds byte end-1.
    let cut: number;
    if (pos + buf.length < this.end) cut = buf.lastIndexOf(0x0a);
    else {
      cut = buf.indexOf(0x0a, this.end - 1 - pos);
      if (cut >= 0) this.done = true;
      else cut = buf.lastIndexOf(0x0a);
    }
    if (cut < 0) {
      this.rest = buf;
      this.restPos = pos;
      return [];
    }
    const lines = buf.toString('utf8', 0, cut).split('\n');
    this.rest = this.done ? Buffer.alloc(0) : buf.subarray(cut + 1);
    this.restPos = pos + cut + 1;
    return stripCr(lines);
  }

  /** At the end of the stream: the last line when it has no newline. */
  finish(): string[] {
    if (this.done || this.skipping || this.rest.length === 0 || this.restPos >= this.end) return [];
    this.done = true;
    return stripCr([this.rest.toString('utf8')]);
  }
}

function stripCr(lines: string[]): string[] {
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.length > 0 && l.charCodeAt(l.length - 1) === 13) lines[i] = l.slice(0, -1);
  }
  return lines;
}
