import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeVariables, shipFunction } from '../../src/core/closure.js';
import { compareKeys, keyString, hashKey } from '../../src/core/keys.js';
import { partitionFn, rangeBounds } from '../../src/shuffle/partitioning.js';
import { ShuffleWriter } from '../../src/shuffle/ShuffleWriter.js';
import { aggregate, readRecords, localFetcher, sortRecords } from '../../src/shuffle/ShuffleReader.js';
import { lineBatches } from '../../src/executor/textSplit.js';
import { ConsoleProgressBar } from '../../src/core/ConsoleProgressBar.js';
import { StatCounter } from '../../src/core/StatCounter.js';
import { parseLocalMaster } from '../../src/scheduler/clusterManagers.js';
import { fuse, fuseRangeAggregate } from '../../src/executor/fusion.js';
import { writeFileSync } from 'node:fs';

test('free variables of shipped functions', () => {
  const cases: [string, string[]][] = [
    ['(x) => x + 1', []],
    ['(x) => x + y', ['y']],
    ['function (a, b) { return a * b + c; }', ['c']],
    ['async (x) => { const { a, b: [c] } = x; return a + c + d; }', ['d']],
    ['(x) => { let t = 0; for (const v of x) t += v; return t; }', []],
    ['(x) => ({ key: x, [dyn]: 1, short })', ['dyn', 'short']],
    ['(x) => x.prop.other + obj.field', ['obj']],
    ['(x) => { try { return f(x); } catch (e) { return e; } }', ['f']],
    ['map(x) { return x + k; }', ['k']],
    ['(x = def, ...rest) => rest.length + x', ['def']],
    ['(x) => { class C { m() { return z; } } return new C(); }', ['z']],
    ['(x) => { outer: for (;;) { break outer; } return x; }', []],
    ['function fact(n) { return n <= 1 ? 1 : n * fact(n - 1); }', []],
  ];
  for (const [src, want] of cases) assert.deepEqual([...freeVariables(src)].sort(), want.sort(), src);
});

test('shipFunction: env covers free variables; globals are fine; non-functions are refused', () => {
  const shipped = shipFunction((x: number) => x + 1, undefined, 'map');
  assert.deepEqual(shipped.env, {});
  assert.equal(new Function(`return (${shipped.src})`)()(1), 2, 'the source evaluates back to the function');
  const y = 2;
  assert.deepEqual(shipFunction((x: number) => x * y, { y }, 'map').env, { y: 2 });
  assert.throws(() => shipFunction('nope', undefined, 'map'), /map: expected a function, got string/);
  assert.throws(() => shipFunction(class A {}, undefined, 'map'), /needs a function, not a class/);
  assert.throws(() => shipFunction((x: number) => x, { 'bad-name': 1 }, 'map'), /env key 'bad-name' is not a valid variable name/);
});

test('keys: canonical strings, hashing and ordering', () => {
  assert.equal(keyString(1), keyString(1.0));
  assert.notEqual(keyString(1), keyString('1'));
  assert.notEqual(keyString(1), keyString(1n));
  assert.equal(keyString([1, 'a', [true]]), keyString([1, 'a', [true]]));
  assert.notEqual(keyString(['a,b']), keyString(['a', 'b']));
  assert.equal(hashKey([1, 2]), hashKey([1, 2]));
  const sorted = [3, 'b', [1, 2], 1n, 'a', [1], false, 2.5].sort(compareKeys);
  assert.deepEqual(sorted, [false, 1n, 2.5, 3, 'a', 'b', [1], [1, 2]]);
});

test('partitioning: hash spreads, range bounds cut evenly, descending reverses', () => {
  const hash = partitionFn({ kind: 'hash', numPartitions: 4 });
  const seen = new Set(Array.from({ length: 200 }, (_, i) => hash(`k${i}`)));
  assert.deepEqual([...seen].sort(), [0, 1, 2, 3]);
  const bounds = rangeBounds(Array.from({ length: 100 }, (_, i) => i), 4);
  assert.deepEqual(bounds, [25, 50, 75]);
  const asc = partitionFn({ kind: 'range', numPartitions: 4, bounds, ascending: true });
  assert.deepEqual([0, 25, 26, 50, 99].map(asc), [0, 0, 1, 1, 3]);
  const desc = partitionFn({ kind: 'range', numPartitions: 4, bounds, ascending: false });
  assert.deepEqual([0, 99].map(desc), [3, 0]);
  assert.deepEqual(rangeBounds([], 3), []);
});

test('shuffle writer spills past its threshold and the reader gets every record back, combined', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'shuffle-'));
  const w = new ShuffleWriter(dir, 'plain', 3, partitionFn({ kind: 'hash', numPartitions: 3 }), undefined, 100);
  const records = Array.from({ length: 1000 }, (_, i) => [`k${i % 50}`, i]);
  for (const r of records) w.write(r);
  const { path, offsets } = w.commit();
  assert.ok(w.spillCount >= 9, `spilled ${w.spillCount} times`);
  const status = { shuffleId: 0, mapId: 0, executorId: 'e', path, offsets };
  const back: unknown[] = [];
  for (let p = 0; p < 3; p++) for await (const b of readRecords([status], p, localFetcher)) back.push(...b);
  assert.equal(back.length, 1000);
  assert.deepEqual(new Set(back.map((r) => JSON.stringify(r))), new Set(records.map((r) => JSON.stringify(r))));
  // With map-side combining, spilled partial sums merge on the reduce side.
  const c = new ShuffleWriter(dir, 'combined', 2, partitionFn({ kind: 'hash', numPartitions: 2 }), { createCombiner: (v) => v, mergeValue: (a, b) => (a as number) + (b as number) }, 20);
  for (const r of records) c.write(r);
  const out = c.commit();
  assert.ok(c.spillCount > 0);
  const sums = new Map<string, number>();
  for (const [k, v] of records as [string, number][]) sums.set(k, (sums.get(k) ?? 0) + v);
  const got = new Map<string, number>();
  const toReducer = partitionFn({ kind: 'hash', numPartitions: 2 });
  for (let p = 0; p < 2; p++) {
    // Every combined record sits in its own reducer's segment, spilled or not.
    for await (const b of readRecords([{ shuffleId: 1, mapId: 0, executorId: 'e', ...out }], p, localFetcher)) {
      for (const [k] of b as [string, number][]) assert.equal(toReducer(k), p, `key ${k} in segment ${p}`);
    }
    const agg = await aggregate(readRecords([{ shuffleId: 1, mapId: 0, executorId: 'e', ...out }], p, localFetcher), {
      createCombiner: (v) => v, mergeValue: (a, b) => (a as number) + (b as number), mergeCombiners: (a, b) => (a as number) + (b as number), mapSideCombine: true,
    });
    for (const [k, v] of agg as [string, number][]) got.set(k, v);
  }
  assert.deepEqual(got, sums);
  assert.deepEqual(sortRecords([[3, 'c'], [1, 'a'], [2, 'b']], false), [[3, 'c'], [2, 'b'], [1, 'a']]);
});

test('text splits: every line read exactly once wherever the cuts fall, whatever the read size', () => {
  const f = join(mkdtempSync(join(tmpdir(), 'lines-')), 't.txt');
  const text = 'one\ntwo\n\nfour five\r\nsix\nsevén\n\nnine, a longer line than the others\nten';
  writeFileSync(f, text);
  const want = ['one', 'two', '', 'four five', 'six', 'sevén', '', 'nine, a longer line than the others', 'ten'];
  const size = Buffer.byteLength(text);
  const read = (a: number, b: number, chunk: number) => [...lineBatches(f, a, b, chunk)].flat();
  for (const chunk of [1, 2, 3, 5, 8, 64 * 1024]) {
    for (let cut = 0; cut <= size; cut++) {
      assert.deepEqual([...read(0, cut, chunk), ...read(cut, size, chunk)], want, `cut at ${cut}, chunk ${chunk}`);
      for (let cut2 = cut; cut2 <= size; cut2 += 3) {
        assert.deepEqual([...read(0, cut, chunk), ...read(cut, cut2, chunk), ...read(cut2, size + 10, chunk)], want, `cuts at ${cut} and ${cut2}, chunk ${chunk}`);
      }
    }
  }
  writeFileSync(f, 'a\nb\n');
  assert.deepEqual(read(0, 4, 2), ['a', 'b'], 'a trailing newline ends the last line, no empty line after it');
  assert.equal(readFileSync(f, 'utf8'), 'a\nb\n');
});

test('fused loops: map, filter, flatMap, early stop, and range aggregates', () => {
  const out: unknown[] = [];
  const push = fuse([{ k: 'map', fn: (x: number) => x * 2 }, { k: 'filter', fn: (x: number) => x % 3 !== 0 }, { k: 'flatMap', fn: (x: number) => [x, -x] }], (v) => out.push(v) >= 5);
  for (const x of [1, 2, 3, 4, 5]) if (push(x)) break;
  assert.deepEqual(out, [2, -2, 4, -4, 8]);
  const sum = fuseRangeAggregate([{ k: 'map', fn: (x: number) => x * 2 }, { k: 'filter', fn: (x: number) => x % 3 === 0 }], 'sum');
  let want = 0;
  for (let x = 0; x < 1000; x++) if ((x * 2) % 3 === 0) want += x * 2;
  assert.equal(sum(0, 1000, 1), want);
  assert.equal(fuseRangeAggregate([], 'count')(10, 0, -2), 5);
});

test('console progress bar renders as Spark does', () => {
  // 40 columns: 9 for the header, 14 for "(12 + 4) / 32]", 17 for the bar, 12/32 of it done.
  const bar = '='.repeat(Math.floor((17 * 12) / 32)) + '>';
  assert.equal(ConsoleProgressBar.render([{ id: 3, total: 32, done: 12, running: 4 }], 40), `[Stage 3:${bar}${' '.repeat(17 - bar.length)}(12 + 4) / 32]`);
  assert.equal(ConsoleProgressBar.render([{ id: 3, total: 32, done: 12, running: 4 }], 40).length, 40);
  assert.equal(ConsoleProgressBar.render([{ id: 1, total: 10, done: 10, running: 0 }], 30), `[Stage 1:${'='.repeat(30 - 9 - 14)}(10 + 0) / 10]`);
  const two = ConsoleProgressBar.render([{ id: 1, total: 2, done: 1, running: 1 }, { id: 2, total: 4, done: 0, running: 2 }], 80);
  assert.match(two, /^\[Stage 1:=+>\s*\(1 \+ 1\) \/ 2\]\[Stage 2:>\s*\(0 \+ 2\) \/ 4\]$/);
});

test('stat counter merges like a single pass', () => {
  const xs = [1, 5, 2, 8, 3, 9, 4];
  const whole = StatCounter.of(xs);
  const merged = StatCounter.of(xs.slice(0, 3)).mergeStats(StatCounter.of(xs.slice(3)));
  for (const k of ['count', 'mean', 'variance', 'max', 'min', 'sum'] as const) assert.ok(Math.abs(whole[k] - merged[k]) < 1e-12, k);
  assert.ok(Number.isNaN(new StatCounter().variance));
});

test('local master URLs', () => {
  assert.deepEqual(parseLocalMaster('local'), { threads: 1, maxFailures: 1 });
  assert.deepEqual(parseLocalMaster('local[3]'), { threads: 3, maxFailures: 1 });
  assert.deepEqual(parseLocalMaster('local[2, 4]'), { threads: 2, maxFailures: 4 });
  assert.ok(parseLocalMaster('local[*]')!.threads >= 1);
  assert.equal(parseLocalMaster('mesos://x:5050'), undefined);
});
