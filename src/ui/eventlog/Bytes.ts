/**
 * A growing byte buffer that JSON values are written into directly: building a log line as a string first costs
 * more than the rest of its way (a line is a hundred small pieces, and joining them is what writing a string to a
 * file spends its time on).
 */

const DIGIT_0 = 48;

export class Bytes {
  buf: Buffer;
  len = 0;

  constructor(capacity: number) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(grown, 0, 0, this.len);
    this.buf = grown;
  }

  put(b: Uint8Array): void {
    const n = b.length;
    this.reserve(n);
    // Up to a few bytes a loop beats the call into set(); past that set() wins (measured: 8 and 16 alike, 32 slower).
    if (n <= 8) {
      const buf = this.buf;
      let at = this.len;
      for (let i = 0; i < n; i++) buf[at++] = b[i]!;
      this.len = at;
    } else {
      this.buf.set(b, this.len);
      this.len += n;
    }
  }

  text(s: string): void {
    this.reserve(s.length * 3);
    this.len += this.buf.write(s, this.len, 'utf8');
  }

  /** A number as JSON writes it: integers below 2^53 digit by digit, anything else through String. */
  num(v: number): void {
    if (!Number.isSafeInteger(v)) {
      this.text(Number.isFinite(v) ? String(v) : 'null');
      return;
    }
    this.reserve(17);
    const b = this.buf;
    if (v < 0) {
      b[this.len++] = 45; // '-'
      v = -v;
    }
    if (v < 10) {
      b[this.len++] = DIGIT_0 + v;
      return;
    }
    let at = this.len + digitCount(v);
    this.len = at;
    while (v > 0) {
      const q = Math.floor(v / 10);
      b[--at] = DIGIT_0 + (v - q * 10);
      v = q;
    }
  }

  /** A string as JSON writes it; the few distinct ones a log repeats (executor ids, hosts, localities) encoded once. */
  str(s: string): void {
    let bytes = JSON_STRINGS.get(s);
    if (bytes === undefined) {
      bytes = Buffer.from(JSON.stringify(s), 'utf8');
      if (JSON_STRINGS.size >= JSON_STRINGS_MAX) JSON_STRINGS.clear();
      JSON_STRINGS.set(s, bytes);
    }
    this.put(bytes);
  }

  /** What was written. */
  bytes(): Buffer {
    return this.buf.subarray(0, this.len);
  }
}

const JSON_STRINGS = new Map<string, Uint8Array>();
const JSON_STRINGS_MAX = 4096;

function digitCount(v: number): number {
  let d = 1;
  while (v >= 1e4) {
    v = Math.floor(v / 1e4);
    d += 4;
  }
  return v >= 1000 ? d + 3 : v >= 100 ? d + 2 : v >= 10 ? d + 1 : d;
}
