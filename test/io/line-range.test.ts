/** Byte-range line reading over streams (any store): splits cut anywhere read every line exactly once. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineRange } from '../../src/io/lineRange.js';
import { planSplits } from '../../src/io/splits.js';

/** Reads `[start, end)` of `data` by the rule, fed from byte start-1 in chunks of `chunk` bytes. */
function readRange(data: Buffer, start: number, end: number, chunk: number): string[] {
  const r = new LineRange(start, end);
  const out: string[] = [];
  for (let o = LineRange.streamStart(start); o < data.length && !r.done; o += chunk) out.push(...r.push(data.subarray(o, Math.min(o + chunk, data.length))));
  out.push(...r.finish());
  return out;
}

test('every split plan reads each line once, whatever the chunk sizes, with CRLF and a last line without newline', () => {
  const lines = Array.from({ length: 300 }, (_, i) => `l${i} ${'é'.repeat(i % 13)}${i % 5 === 0 ? '' : 'x'.repeat(i % 29)}`);
  for (const [eol, tail] of [['\n', '\n'], ['\r\n', '\r\n'], ['\n', '']] as const) {
    const data = Buffer.from(lines.join(eol) + tail);
    for (const parts of [1, 2, 3, 7, 40, 211]) {
      const size = Math.ceil(data.length / parts);
      for (const chunk of [1, 5, 64, 4096]) {
        const got: string[] = [];
        for (let s = 0; s < data.length; s += size) got.push(...readRange(data, s, Math.min(s + size, data.length), chunk));
        assert.deepEqual(got, lines, `eol ${JSON.stringify(eol)} tail ${JSON.stringify(tail)} parts ${parts} chunk ${chunk}`);
      }
    }
  }
});

test('a split starting exactly at a line start keeps that line; one inside a line skips it', () => {
  const data = Buffer.from('aaa\nbbb\nccc\n');
  assert.deepEqual(readRange(data, 4, 8, 3), ['bbb']);
  assert.deepEqual(readRange(data, 5, 8, 3), [], 'starts inside bbb, and the line starting at 8 belongs to the next split');
  assert.deepEqual(readRange(data, 5, 9, 3), ['ccc'], 'starts inside bbb: ccc starts in [5, 9)');
  assert.deepEqual(readRange(data, 0, 4, 100), ['aaa']);
  assert.deepEqual(readRange(data, 0, 5, 100), ['aaa', 'bbb'], 'a line starting before the end is finished past it');
});

test('planSplits: byte ranges with 10% slop, compressed and non-rangeable files whole, empty files skipped', () => {
  const f = (path: string, size: number, rangeable = true) => ({ path, size, rangeable });
  assert.deepEqual(planSplits([f('/a', 100)], 4), [
    { path: '/a', start: 0, end: 25 }, { path: '/a', start: 25, end: 50 }, { path: '/a', start: 50, end: 75 }, { path: '/a', start: 75, end: 100 },
  ]);
  assert.deepEqual(planSplits([f('/a', 105)], 1, 50), [{ path: '/a', start: 0, end: 50 }, { path: '/a', start: 50, end: 105 }], 'a 5-byte tail joins the last split');
  assert.deepEqual(planSplits([f('/a.gz', 1000), f('/b.zst', 10), f('http://h/c', 500, false), f('/empty', 0)], 8), [
    { path: '/a.gz', start: 0, end: 1000 }, { path: '/b.zst', start: 0, end: 10 }, { path: 'http://h/c', start: 0, end: 500 },
  ]);
  assert.throws(() => planSplits([f('/x.snappy', 10)], 1), /files ending in \.snappy are Snappy .* not supported/);
});
