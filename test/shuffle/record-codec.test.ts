import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serialize, deserialize } from 'node:v8';
import { decodeRecords, encodeRecords } from '../../src/shuffle/recordCodec.js';
import { frame, unframe } from '../../src/shuffle/frames.js';
import { newIoEncryptionKey, useIoEncryptionKey } from '../../src/util/ioEncryption.js';

const V8 = 0xff;
const NUMBERS = 0x01;
const PAIRS = 0x02;
const huge = 'x'.repeat(5_000_000) + 'é' + 'y'.repeat(1000);

/** [name, records, the format tag expected] */
const cases: [string, unknown[], number][] = [
  ['ascii strings', [['a', 1], ['bc', 2], ['', 3], ['def\0g', 4]], PAIRS],
  ['latin1 and multi-byte strings', [['café', 'ÿ'], ['日本語', '😀 emoji'], ['', '']], PAIRS],
  ['a lone high surrogate', [['ok', 1], ['a\uD800b', 2]], PAIRS],
  ['a lone low surrogate', [['\uDC00', null]], PAIRS],
  ['surrogate halves split across adjacent strings', [['\uD83D', '\uDE00'], ['\uDE00', 'z']], PAIRS],
  ['a huge string', [[huge, 1], ['small', 2]], PAIRS],
  ['long string lengths (multi-byte varints)', [['q'.repeat(200), 'r'.repeat(70_000)], ['s', 't']], PAIRS],
  ['int32 numbers', [0, 1, -1, 2 ** 31 - 1, -(2 ** 31)], NUMBERS],
  ['-0 among integers', [1, -0, 2], NUMBERS],
  ['doubles and specials', [1.5, NaN, Infinity, -Infinity, -0, 2 ** 31, 2 ** 53, Number.MAX_VALUE, Number.MIN_VALUE, -1e-300], NUMBERS],
  ['a single number', [7], NUMBERS],
  ['[string, number] pairs', [['a', 1], ['b', 2.5], ['é\uD800', -0]], PAIRS],
  ['[number, string] pairs', [[1, 'x'], [NaN, '']], PAIRS],
  ['[string, null] pairs (distinct)', [['a', null], ['b', null]], PAIRS],
  ['[null, number] pairs', [[null, 1], [null, 2]], PAIRS],
  ['[number, number] pairs', [[1, 2], [3, 4.25], [-0, 2 ** 40]], PAIRS],
  ['a single pair', [['only', 7]], PAIRS],
  ['strings keyed by themselves (sortBy)', [['b', 'b'], ['a', 'a'], ['é\uD800', 'é\uD800'], ['', '']], PAIRS],
  ['strings mostly keyed by themselves', [['b', 'b'], ['a', 'c']], PAIRS],
  ['strings alone (v8 is as quick)', ['a', '\uD800', 'café'], V8],
  ['empty batch', [], V8],
  ['mixed scalar types', [1, 'a'], V8],
  ['a mixed pair column', [['a', 1], [2, 1]], V8],
  ['pairs and scalars', [['a', 1], 'b'], V8],
  ['numbers and pairs', [1, ['a', 1]], V8],
  ['pairs with array values (groupByKey)', [['a', [1, 2]], ['b', []]], V8],
  ['pairs of length 3', [['a', 1, 2]], V8],
  ['a pair with a hole', [['a', 1], Object.assign(new Array(2), { 1: 1 })], V8],
  ['objects', [{ a: 1 }, { b: 'c' }], V8],
  ['undefined', [undefined, undefined], V8],
  ['booleans', [true, false], V8],
  ['bigints', [1n, 2n], V8],
  ['nulls only', [null, null], V8],
  ['[null, null] pairs', [[null, null]], V8],
  ['maps and dates', [new Map([[1, 2]]), new Date(0)], V8],
];

test('records round-trip exactly as v8 would carry them, packed for the common shapes', () => {
  for (const [name, records, tag] of cases) {
    const enc = encodeRecords(records);
    assert.equal(enc[0], tag, `${name}: format tag`);
    const expected = deserialize(serialize(records)) as unknown[];
    assert.deepStrictEqual(decodeRecords(enc), expected, name);
    // After a reserved header, and read from any alignment (numbers are laid out for the writer's buffer).
    const withHead = encodeRecords(records, 4);
    assert.deepStrictEqual(decodeRecords(withHead.subarray(4)), expected, `${name}: reserved header`);
    for (const shift of [1, 2, 3, 5]) {
      const moved = Buffer.alloc(enc.length + shift);
      enc.copy(moved, shift);
      assert.deepStrictEqual(decodeRecords(moved.subarray(shift)), expected, `${name}: read at offset ${shift}`);
    }
  }
});

test('-0 stays -0 and lone surrogates stay lone', () => {
  const [z] = decodeRecords(encodeRecords([-0, 1])) as number[];
  assert.ok(Object.is(z, -0));
  const [[s, v]] = decodeRecords(encodeRecords([['\uD800', -0]])) as [string, number][];
  assert.equal(s.length, 1);
  assert.equal(s.charCodeAt(0), 0xd800);
  assert.ok(Object.is(v, -0));
});

test('string columns longer than the join limit are written string by string, to the same result', () => {
  for (const [name, records, tag] of cases) {
    if (tag === V8) continue;
    const enc = encodeRecords(records, 0, 3);
    assert.equal(enc.length, encodeRecords(records).length, name);
    assert.deepStrictEqual(decodeRecords(enc), deserialize(serialize(records)), name);
  }
});

test('packed batches are no larger than v8 for the common shapes', () => {
  const words = Array.from({ length: 10_000 }, (_, i) => [`word${i % 977}`, i % 50]);
  assert.ok(encodeRecords(words).length < serialize(words).length);
  const lines = Array.from({ length: 1000 }, (_, i) => [`line ${i} ${'x'.repeat(i % 100)}`, null]);
  assert.ok(encodeRecords(lines).length < serialize(lines).length);
  const doubles = Array.from({ length: 1000 }, (_, i) => [i / 3, i * 1.5]);
  assert.ok(encodeRecords(doubles).length < serialize(doubles).length);
});

test('a value column equal to its key column is written once', () => {
  const lines = Array.from({ length: 1000 }, (_, i) => `line ${i} ${'x'.repeat(i % 100)}`);
  const same = encodeRecords(lines.map((l) => [l, l]));
  const keysOnly = encodeRecords(lines.map((l) => [l, null]));
  assert.equal(same.length, keysOnly.length, 'no bytes for the values beyond their column kind');
  const back = decodeRecords(same) as [string, string][];
  assert.deepStrictEqual(back, lines.map((l) => [l, l]));
  assert.ok(back.every(([k, v]) => k === v));
});

test('frames: packed, v8 (as written before this format) and encrypted frames all read back', () => {
  const a = [['k', 1], ['l', 2]];
  const b = [{ o: 1 }];
  const legacy = serialize([['old', 3]]);
  const head = Buffer.alloc(4);
  head.writeUInt32LE(legacy.length);
  const file = Buffer.concat([frame(a), frame(b), head, legacy, frame([])]);
  assert.deepStrictEqual([...unframe(file)], [a, b, [['old', 3]], []]);
  useIoEncryptionKey(newIoEncryptionKey(128));
  try {
    const sealed = Buffer.concat([frame(a), frame(b)]);
    // iv + tag around the same packed body, which is not stored in the clear.
    assert.equal(frame(a).length, encodeRecords(a, 4).length + 28);
    assert.ok(!sealed.subarray(4).includes(encodeRecords(a)), 'the body is sealed');
    assert.deepStrictEqual([...unframe(sealed)], [a, b]);
  } finally {
    useIoEncryptionKey(undefined);
  }
});

test('corrupt batches fail with a clear error', () => {
  const good = encodeRecords([['abc', 1], ['de', 2]]);
  const bad: [string, Buffer, RegExp][] = [
    ['empty', Buffer.alloc(0), /empty/],
    ['unknown tag', Buffer.from([0x07, 0, 0, 0, 0]), /unknown format tag 0x7/],
    ['unknown column kind', Buffer.from([0x01, 1, 0, 0, 0, 9]), /unknown column kind 9/],
    ['too much padding', Buffer.from([0x01, 1, 0, 0, 0, 1, 4, 0, 0, 0, 0, 1, 0, 0, 0]), /4 bytes of padding/],
    ['count beyond the bytes', Buffer.from([0x01, 0xff, 0xff, 0xff, 0xff, 1]), /records announced/],
    ['truncated', good.subarray(0, good.length - 3), /runs past the end/],
    ['trailing bytes', Buffer.concat([good, Buffer.from([0])]), /bytes after the last column/],
    ['a v8 value that is not an array', serialize({ a: 1 }), /not an array/],
  ];
  for (const [name, buf, re] of bad) assert.throws(() => decodeRecords(buf), re, name);
});
