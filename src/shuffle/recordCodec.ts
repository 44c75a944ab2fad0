/**
 * The bytes of one batch of records (a shuffle frame's or a spill batch's body). The common shapes travel packed in
 * columns, everything else as `v8.serialize(records)`:
 *
 *   byte 0    0xFF  a v8-serialized array (v8's own version tag, so frames written before this format read as-is)
 *             0x01  numbers: one column          0x02  `[k, v]` pairs: a key column, then a value column
 *   1..4      record count, u32 LE
 *   columns   a kind byte, then: null: nothing; int32 or float64: a padding count, that many zero bytes (so the
 *             numbers sit aligned in the writer's buffer), then 4 or 8 bytes LE each;
 *             strings (ascii, utf8 or utf16le): the u32 LE size of the lengths, each string's byte length as a
 *             LEB128 varint, then all their bytes; same-as-key (a value column only): nothing, each value is its
 *             record's key (`sortBy` keys a record by itself).
 *
 * A batch is packed only when its records are all numbers, or all pairs whose key column and value column each hold
 * one type (strings, numbers or null, though not null in both); the rest, flat arrays of strings included (v8 is as
 * quick for those), go as v8. Exactness is v8's: numbers are float64 unless every one is an int32 other than -0 (so
 * -0 and NaN survive), and strings with lone surrogates go as UTF-16 (UTF-8 would replace them).
 */
import { serialize, deserialize } from 'node:v8';
import { endianness } from 'node:os';

const V8 = 0xff;
const NUMBERS = 0x01;
const PAIRS = 0x02;

const enum Kind {
  Null = 0,
  Int32 = 1,
  Float64 = 2,
  Ascii = 3,
  Utf8 = 4,
  Utf16 = 5,
  SameAsKey = 6,
}

/** Above this many characters a string column is written string by string rather than joined (V8's string limit). */
export const JOIN_LIMIT = 1 << 27;
const LITTLE_ENDIAN = endianness() === 'LE';

/** Node's Buffer slicers behind `toString(encoding, start, end)`, without its argument handling (a per-string cost). */
interface Slicers {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
  ucs2Slice(start: number, end: number): string;
}
/** ES2024's String.prototype.isWellFormed (Node 20), which this project's TypeScript lib does not declare yet. */
const isWellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

/** A planned column: its kind, the values, and the byte lengths of its strings. */
interface Column {
  kind: Kind;
  values: unknown[];
  bytes: number;
  lens?: number[];
  chars?: number;
  /** The strings joined, when short enough to write in one call. */
  joined?: string;
  /** Bytes of the string lengths' varints. */
  varints?: number;
}

/**
 * What one column of values would be, or undefined when the values are not all strings, all numbers or all null. A
 * string column only has its type checked here (`lens` unset): planStrings measures it once the batch is known to
 * pack, so an off-shape value column costs no work on its key strings.
 */
function planColumn(values: unknown[]): Column | undefined {
  const n = values.length;
  const first = values[0];
  if (first === null) {
    for (let i = 1; i < n; i++) if (values[i] !== null) return undefined;
    return { kind: Kind.Null, values, bytes: 0 };
  }
  if (typeof first === 'number') {
    let int = true;
    for (let i = 0; i < n; i++) {
      const x = values[i];
      if (typeof x !== 'number') return undefined;
      if (int && ((x | 0) !== x || Object.is(x, -0))) int = false;
    }
    // A padding count and up to 7 bytes of padding, so the numbers sit aligned for a typed array.
    return int ? { kind: Kind.Int32, values, bytes: 8 + 4 * n } : { kind: Kind.Float64, values, bytes: 8 + 8 * n };
  }
  if (typeof first === 'string') {
    let chars = 0;
    for (let i = 0; i < n; i++) {
      const s = values[i];
      if (typeof s !== 'string') return undefined;
      chars += s.length;
    }
    return { kind: Kind.Ascii, values, bytes: 0, chars };
  }
  return undefined;
}

function planStrings(col: Column, joinLimit: number): Column {
  if (col.chars === undefined) return col;
  const strs = col.values as string[];
  const chars = col.chars!;
  const n = strs.length;
  const lens = new Array<number>(n);
  let utf8 = 0;
  const joined = chars <= joinLimit ? strs.join('') : undefined;
  if (joined !== undefined) utf8 = Buffer.byteLength(joined, 'utf8');
  else for (let i = 0; i < n; i++) utf8 += Buffer.byteLength(strs[i]!, 'utf8');
  let kind = Kind.Ascii;
  let blob = chars;
  if (utf8 === chars) {
    // One byte per character only when every character is ASCII.
    for (let i = 0; i < n; i++) lens[i] = strs[i]!.length;
  } else {
    kind = Kind.Utf8;
    blob = 0;
    for (let i = 0; i < n; i++) {
      const s = strs[i]!;
      if (!isWellFormed(s)) {
        kind = Kind.Utf16;
        break;
      }
      blob += lens[i] = Buffer.byteLength(s, 'utf8');
    }
    if (kind === Kind.Utf16) {
      blob = 2 * chars;
      for (let i = 0; i < n; i++) lens[i] = 2 * strs[i]!.length;
    }
  }
  let varints = 0;
  for (let i = 0; i < n; i++) varints += varintSize(lens[i]!);
  return { kind, values: strs, bytes: 4 + varints + blob, lens, chars, joined, varints };
}

function sameValues(a: unknown[], b: unknown[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function varintSize(x: number): number {
  let n = 1;
  while (x >= 0x80) {
    x = Math.floor(x / 0x80);
    n++;
  }
  return n;
}

/** The column type a value can go in, or undefined when none can hold it. */
function scalarType(x: unknown): 'null' | 'number' | 'string' | undefined {
  if (x === null) return 'null';
  const t = typeof x;
  return t === 'number' || t === 'string' ? t : undefined;
}

/** The columns of a packable batch, with its tag; undefined when it has to go as v8. */
function plan(records: unknown[], joinLimit: number): { tag: number; columns: Column[] } | undefined {
  const n = records.length;
  if (n === 0 || !LITTLE_ENDIAN) return undefined;
  const first = records[0];
  if (Array.isArray(first)) {
    // The shape first, in one pass that stops at the first record off it (groupByKey's lists, objects...).
    const kt = scalarType(first[0]);
    const vt = scalarType(first[1]);
    if (kt === undefined || vt === undefined) return undefined;
    for (let i = 0; i < n; i++) {
      const r = records[i];
      if (!Array.isArray(r) || r.length !== 2 || scalarType(r[0]) !== kt || scalarType(r[1]) !== vt) return undefined;
    }
    const keys = new Array<unknown>(n);
    const vals = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      const r = records[i] as unknown[];
      keys[i] = r[0];
      vals[i] = r[1];
    }
    const k = planColumn(keys);
    const v = k && (k.chars !== undefined && sameValues(keys, vals) ? { kind: Kind.SameAsKey, values: vals, bytes: 0 } : planColumn(vals));
    if (!v || (k.kind === Kind.Null && v.kind === Kind.Null)) return undefined;
    return { tag: PAIRS, columns: [planStrings(k, joinLimit), planStrings(v, joinLimit)] };
  }
  // A flat array of strings is as quick through v8 as packed (no object per record to save; measured in
  // bench/shuffle-encoding.ts), so only numbers are packed alone.
  if (typeof first !== 'number') return undefined;
  const c = planColumn(records);
  return c ? { tag: NUMBERS, columns: [c] } : undefined;
}

function writeColumn(buf: Buffer, off: number, c: Column): number {
  buf[off++] = c.kind;
  const vals = c.values;
  const n = vals.length;
  switch (c.kind) {
    case Kind.Null:
    case Kind.SameAsKey:
      return off;
    case Kind.Int32:
    case Kind.Float64: {
      // Copied in one call through a typed array over this buffer, aligned by the padding.
      const width = c.kind === Kind.Int32 ? 4 : 8;
      const pad = (width - ((buf.byteOffset + off + 1) % width)) % width;
      buf[off++] = pad;
      buf.fill(0, off, off + pad);
      off += pad;
      const at = buf.byteOffset + off;
      if (c.kind === Kind.Int32) new Int32Array(buf.buffer, at, n).set(vals as number[]);
      else new Float64Array(buf.buffer, at, n).set(vals as number[]);
      return off + width * n;
    }
  }
  const lens = c.lens!;
  off = buf.writeUInt32LE(c.varints!, off);
  for (let i = 0; i < n; i++) {
    let x = lens[i]!;
    while (x >= 0x80) {
      buf[off++] = (x & 0x7f) | 0x80;
      x = Math.floor(x / 0x80);
    }
    buf[off++] = x;
  }
  const strs = vals as string[];
  const enc = c.kind === Kind.Ascii ? 'latin1' : c.kind === Kind.Utf8 ? 'utf8' : 'utf16le';
  if (c.joined !== undefined) return off + buf.write(c.joined, off, enc);
  for (let i = 0; i < n; i++) off += buf.write(strs[i]!, off, enc);
  return off;
}

/**
 * The encoded batch, after `reserve` bytes left for the caller (a frame header). Empty and off-shape batches are
 * v8-serialized. (Tests lower `joinLimit` to reach the string-by-string path.)
 */
export function encodeRecords(records: unknown[], reserve = 0, joinLimit = JOIN_LIMIT): Buffer {
  const p = plan(records, joinLimit);
  if (!p) {
    const body = serialize(records);
    if (reserve === 0) return body;
    const out = Buffer.allocUnsafe(reserve + body.length);
    body.copy(out, reserve);
    return out;
  }
  let size = reserve + 5;
  for (const c of p.columns) size += 1 + c.bytes;
  const buf = Buffer.allocUnsafe(size);
  buf[reserve] = p.tag;
  buf.writeUInt32LE(records.length, reserve + 1);
  let off = reserve + 5;
  for (const c of p.columns) off = writeColumn(buf, off, c);
  if (off > size) throw new Error(`record encoding wrote ${off} bytes of the ${size} planned`);
  return off === size ? buf : buf.subarray(0, off);
}

function truncated(what: string): Error {
  return new Error(`corrupt record batch: ${what} runs past the end of the batch`);
}

/** Reads one column of `n` values at `off`; returns the values and the offset after them. */
function readColumn(buf: Buffer, off: number, n: number): [unknown[], number] {
  if (off >= buf.length) throw truncated('a column kind');
  const kind = buf[off++] as Kind;
  const out = new Array<unknown>(n);
  switch (kind) {
    case Kind.Null:
      out.fill(null);
      return [out, off];
    case Kind.Int32:
    case Kind.Float64: {
      const width = kind === Kind.Int32 ? 4 : 8;
      if (off >= buf.length) throw truncated('a number column');
      const pad = buf[off++]!;
      if (pad >= width) throw new Error(`corrupt record batch: ${pad} bytes of padding before a number column`);
      off += pad;
      const end = off + width * n;
      if (end > buf.length) throw truncated('a number column');
      let src = buf;
      let at = off;
      if ((buf.byteOffset + off) % width !== 0) {
        // Read from a buffer of its own that was not aligned as written: the numbers are copied to an aligned one.
        src = Buffer.allocUnsafeSlow(width * n);
        buf.copy(src, 0, off, end);
        at = 0;
      }
      const view = kind === Kind.Int32 ? new Int32Array(src.buffer, src.byteOffset + at, n) : new Float64Array(src.buffer, src.byteOffset + at, n);
      for (let i = 0; i < n; i++) out[i] = view[i];
      return [out, end];
    }
    case Kind.Ascii:
    case Kind.Utf8:
    case Kind.Utf16:
      break;
    default:
      throw new Error(`corrupt record batch: unknown column kind ${kind as number}`);
  }
  const slicers = buf as unknown as Slicers;
  // The lengths' varints, then the strings' bytes: read side by side in one pass.
  if (off + 4 > buf.length) throw truncated('a string column');
  let p = off + 4;
  const lensEnd = p + buf.readUInt32LE(off);
  off = lensEnd;
  for (let i = 0; i < n; i++) {
    let len = 0;
    let mul = 1;
    for (;;) {
      if (p >= lensEnd) throw truncated('a string length');
      const b = buf[p++]!;
      len += (b & 0x7f) * mul;
      if (b < 0x80) break;
      mul *= 0x80;
      if (mul > 2 ** 35) throw new Error('corrupt record batch: a string length is not a valid varint');
    }
    const end = off + len;
    if (end > buf.length) throw truncated('a string');
    out[i] = kind === Kind.Ascii ? slicers.latin1Slice(off, end) : kind === Kind.Utf8 ? slicers.utf8Slice(off, end) : slicers.ucs2Slice(off, end);
    off = end;
  }
  if (p !== lensEnd) throw new Error('corrupt record batch: string lengths do not fill their section');
  return [out, off];
}

/** The records of a batch written by encodeRecords (or a bare v8-serialized array). */
export function decodeRecords(buf: Buffer): unknown[] {
  if (buf.length === 0) throw new Error('corrupt record batch: empty');
  const tag = buf[0];
  if (tag === V8) {
    const v = deserialize(buf) as unknown;
    if (!Array.isArray(v)) throw new Error('corrupt record batch: a v8 value that is not an array');
    return v;
  }
  if (tag !== NUMBERS && tag !== PAIRS) throw new Error(`corrupt record batch: unknown format tag 0x${tag!.toString(16)}`);
  if (buf.length < 5) throw truncated('the record count');
  const n = buf.readUInt32LE(1);
  // Every packed record takes at least a byte (all-null batches go as v8), so a corrupt count cannot allocate more.
  if (n > buf.length) throw new Error(`corrupt record batch: ${n} records announced in ${buf.length} bytes`);
  const [first, off] = readColumn(buf, 5, n);
  if (tag === NUMBERS) {
    if (off !== buf.length) throw new Error(`corrupt record batch: ${buf.length - off} bytes after the last column`);
    return first;
  }
  const [second, end] = buf[off] === Kind.SameAsKey ? [first, off + 1] : readColumn(buf, off, n);
  if (end !== buf.length) throw new Error(`corrupt record batch: ${buf.length - end} bytes after the last column`);
  if (second === first) {
    for (let i = 0; i < n; i++) first[i] = [first[i], first[i]];
  } else {
    for (let i = 0; i < n; i++) first[i] = [first[i], second[i]];
  }
  return first;
}
