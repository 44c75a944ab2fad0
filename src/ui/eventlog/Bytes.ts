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

  /**
   * A number as JSON writes it: integers below 2^53 two digits at a time, anything else through String. A task's line
   * holds three millisecond times of 13 digits: those go as two parts below 2^31, so the divisions are integer ones.
   */
  num(v: number): void {
    if (!Number.isSafeInteger(v)) {
      this.text(Number.isFinite(v) ? String(v) : 'null');
      return;
    }
    this.reserve(17);
    const b = this.buf;
    let at = this.len;
    if (v < 0) {
      b[at++] = 45; // '-'
      v = -v;
    }
    if (v < 10) {
      b[at] = DIGIT_0 + v; // -0 too: 48 + -0 is 48
      this.len = at + 1;
    } else if (v <= 0x7fffffff) this.len = uint31(b, at, v);
    else {
      const high = Math.floor(v / 1e8);
      at = uint31(b, at, high);
      this.len = at + 8;
      zeroPadded(b, at + 8, v - high * 1e8, 8);
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

/** "00" to "99", two bytes each. */
const PAIRS = Uint8Array.from({ length: 200 }, (_, i) => DIGIT_0 + (i % 2 === 0 ? Math.floor(i / 20) : (i >> 1) % 10));

/** Writes `v` (a whole number, 0 to 2^31 - 1) at `at`; returns where it ends. */
function uint31(b: Buffer, at: number, v: number): number {
  const end = at + digitCount(v);
  zeroPadded(b, end, v, end - at);
  return end;
}

/** Writes the `width` digits of `v` (below 2^31, zeros in front) that end before `end`. */
function zeroPadded(b: Buffer, end: number, v: number, width: number): void {
  let i = end;
  const start = end - width;
  while (i - start >= 2) {
    const q = (v / 100) | 0;
    const p = (v - q * 100) << 1;
    b[--i] = PAIRS[p + 1]!;
    b[--i] = PAIRS[p]!;
    v = q;
  }
  if (i > start) b[--i] = DIGIT_0 + v;
}

/** Digits of a whole number below 2^31 (at least 1). */
function digitCount(v: number): number {
  if (v < 1e5) return v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : v < 1e4 ? 4 : 5;
  return v < 1e6 ? 6 : v < 1e7 ? 7 : v < 1e8 ? 8 : v < 1e9 ? 9 : 10;
}
