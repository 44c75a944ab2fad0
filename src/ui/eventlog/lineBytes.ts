/**
 * A batch of events (compactTaskEvents.ts) written as the log's bytes. Task lines are written straight into one
 * buffer from templates whose literal JSON is encoded once, with integers as ASCII digits: building them as strings
 * first costs more than the rest of the event's way (a line is a hundred small pieces, and joining them is what
 * writing a string to a file spends its time on). Other events go through `JSON.stringify`.
 */
import { SHAPES, SUCCESS, TASK_END_SUCCESS, type CompactBatch, type Field } from './compactTaskEvents.js';

/** A batch's lines: `bytes` holds them all, each ending in a newline at `ends[i]` (exclusive). */
export interface EncodedLines {
  bytes: Buffer;
  ends: number[];
  events: string[];
}

const utf8 = (s: string): Uint8Array => Buffer.from(s, 'utf8');

/** Literal JSON before each value, then the rest; runs of numbers that are all zero, as most are, as one literal. */
interface Op { lit: Uint8Array; kind: 'n' | 'b' | 's' }
interface Run { ops: Op[]; numeric: boolean; zeros: Uint8Array }
interface Template { event: string; runs: Run[]; end: Uint8Array }

function compile(kind: number): Template {
  const shape = SHAPES[kind]!;
  const runs: Run[] = [];
  let ops: { lit: string; kind: Op['kind'] }[] = [];
  let lit = `{"Event":"${shape.event}"`;
  const cut = () => {
    if (ops.length === 0) return;
    const numeric = ops.every((o) => o.kind === 'n');
    runs.push({ ops: ops.map((o) => ({ lit: utf8(o.lit), kind: o.kind })), numeric, zeros: utf8(numeric ? ops.map((o) => `${o.lit}0`).join('') : '') });
    ops = [];
  };
  const walk = (fields: Field[], first: boolean) => {
    for (const f of fields) {
      lit += `${first ? '' : ','}${JSON.stringify(f.key)}:`;
      first = false;
      if (f.kind === 'empty') lit += '[]';
      else if (Array.isArray(f.kind)) {
        cut();
        lit += '{';
        walk(f.kind, true);
        cut();
        lit += '}';
      } else {
        ops.push({ lit, kind: f.kind });
        lit = '';
      }
    }
  };
  walk(shape.head, false);
  if (kind === TASK_END_SUCCESS) lit += `,"Task End Reason":${SUCCESS}`;
  walk(shape.tail, false);
  cut();
  return { event: shape.event, runs, end: utf8(`${lit}}\n`) };
}

const TEMPLATES: (Template | undefined)[] = SHAPES.map((_, kind) => (kind === 0 ? undefined : compile(kind)));
const TRUE = utf8('true');
const FALSE = utf8('false');
const DIGIT_0 = 48;

/** A growing byte buffer. */
class Bytes {
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
    // Most literals are a few bytes: a loop beats the call into set() for them.
    if (n <= 32) {
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
      bytes = utf8(JSON.stringify(s));
      if (JSON_STRINGS.size >= JSON_STRINGS_MAX) JSON_STRINGS.clear();
      JSON_STRINGS.set(s, bytes);
    }
    this.put(bytes);
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

function allZero(nums: Float64Array, from: number, count: number): boolean {
  for (let i = from; i < from + count; i++) if (nums[i] !== 0) return false;
  return true;
}

/** Writes a batch's events as log lines, in order. */
export function batchBytes(b: CompactBatch): EncodedLines {
  // About what a batch of task lines takes (a task end is about 1 KB), so the buffer seldom grows.
  const out = new Bytes(Math.max(4096, b.kinds.length * 1200));
  const ends: number[] = [];
  const events: string[] = [];
  const nums = b.nums;
  const strs = b.strs;
  let n = 0;
  let si = 0;
  let j = 0;
  for (const kind of b.kinds) {
    const t = TEMPLATES[kind];
    if (t === undefined) {
      const e = b.json[j++]!;
      out.text(JSON.stringify(e) + '\n');
      ends.push(out.len);
      events.push(e.Event);
      continue;
    }
    for (const run of t.runs) {
      if (run.numeric && allZero(nums, n, run.ops.length)) {
        out.put(run.zeros);
        n += run.ops.length;
        continue;
      }
      for (const op of run.ops) {
        out.put(op.lit);
        if (op.kind === 'n') out.num(nums[n++]!);
        else if (op.kind === 'b') out.put(nums[n++] === 1 ? TRUE : FALSE);
        else out.str(strs[si++]!);
      }
    }
    out.put(t.end);
    ends.push(out.len);
    events.push(t.event);
  }
  return { bytes: out.buf.subarray(0, out.len), ends, events };
}
