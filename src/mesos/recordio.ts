/**
 * RecordIO framing as Mesos streams events: `<decimal byte length>\n<payload>`, repeated, with no delimiter after
 * the payload. The decoder works on raw bytes, so a record (or a multi-byte character) may be split across
 * chunks anywhere.
 */

export class RecordIOError extends Error {}

/** Longest accepted length header, in digits (as mesos-go). */
const MAX_HEADER_DIGITS = 20;

export class RecordIODecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private need: number | null = null;

  constructor(private readonly maxRecordBytes = 64 * 1024 * 1024) {}

  /** Feeds one chunk; returns the records it completed, in order. */
  push(chunk: Buffer): Buffer[] {
    if (chunk.length === 0) return [];
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const out: Buffer[] = [];
    for (;;) {
      if (this.need === null) {
        const header = this.takeHeader();
        if (header === null) break;
        if (header === 0) continue; // Mesos never sends empty records; tolerate them.
        this.need = header;
      }
      if (this.buffered < this.need) break;
      out.push(this.take(this.need));
      this.need = null;
    }
    return out;
  }

  /** Bytes received but not yet part of a whole record (non-zero at end of stream means truncation). */
  get pendingBytes(): number {
    return this.buffered;
  }

  private takeHeader(): number | null {
    // Look for LF within the first MAX_HEADER_DIGITS + 1 bytes.
    let seen = 0;
    for (const c of this.chunks) {
      const limit = Math.min(c.length, MAX_HEADER_DIGITS + 1 - seen);
      const i = c.subarray(0, limit).indexOf(0x0a);
      if (i >= 0) {
        const headerBytes = this.take(seen + i + 1);
        const text = headerBytes.subarray(0, headerBytes.length - 1).toString('latin1');
        if (!/^[0-9]+$/.test(text)) throw new RecordIOError(`bad RecordIO length header '${text.slice(0, 32)}'`);
        const n = Number(text);
        if (n > this.maxRecordBytes) throw new RecordIOError(`RecordIO record of ${n} bytes exceeds the limit of ${this.maxRecordBytes}`);
        return n;
      }
      seen += limit;
      if (seen > MAX_HEADER_DIGITS) {
        throw new RecordIOError(`bad RecordIO length header '${this.peek(MAX_HEADER_DIGITS + 1).toString('latin1').slice(0, 32)}'`);
      }
    }
    return null;
  }

  private peek(n: number): Buffer {
    return Buffer.concat(this.chunks).subarray(0, n);
  }

  private take(n: number): Buffer {
    const first = this.chunks[0]!;
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let off = 0;
      while (off < n) {
        const c = this.chunks[0]!;
        const k = Math.min(c.length, n - off);
        c.copy(out, off, 0, k);
        off += k;
        if (k === c.length) this.chunks.shift();
        else this.chunks[0] = c.subarray(k);
      }
    }
    this.buffered -= n;
    return out;
  }
}

/** Frames one record. */
export function encodeRecord(payload: string | Buffer): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  return Buffer.concat([Buffer.from(`${body.length}\n`, 'latin1'), body]);
}
