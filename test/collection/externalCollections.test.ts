import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnifiedMemoryManager } from '../../src/memory/UnifiedMemoryManager.js';
import { TaskMemory } from '../../src/memory/TaskMemory.js';
import { ExternalAppendOnlyMap } from '../../src/collection/ExternalAppendOnlyMap.js';
import { ExternalSorter } from '../../src/collection/ExternalSorter.js';
import { taskSpillDir } from '../../src/collection/spillFile.js';
import { compareKeys, hashKey, keyString } from '../../src/core/keys.js';

function setup(poolBytes: number, initial = 1024) {
  const dir = mkdtempSync(join(tmpdir(), 'spill-test-'));
  const tm = new TaskMemory(new UnifiedMemoryManager({ maxMemory: poolBytes, storageRegion: 0 }), 7, dir, initial, 1e9, true);
  return { dir, tm, spillDir: taskSpillDir(dir, 7), done: () => rmSync(dir, { recursive: true, force: true }) };
}

const words = Array.from({ length: 20_000 }, (_, i) => [`w${(i * 7919) % 3001}`, i] as [string, number]);
const mixedKeys = Array.from({ length: 5000 }, (_, i) => [i % 3 === 0 ? i % 97 : i % 3 === 1 ? `k${i % 89}` : [i % 5, `x${i % 7}`], i] as [unknown, number]);
const sortByKey = (rows: [unknown, unknown][]) => [...rows].sort((a, b) => (keyString(a[0]) < keyString(b[0]) ? -1 : keyString(a[0]) > keyString(b[0]) ? 1 : 0));

function combineAll(input: [unknown, number][], pool: number, group: boolean) {
  const s = setup(pool);
  const combine = group
    ? { createCombiner: (v: unknown) => [v], mergeValue: (c: unknown, v: unknown) => ((c as unknown[]).push(v), c), mergeCombiners: (a: unknown, b: unknown) => (a as unknown[]).concat(b) }
    : { createCombiner: (v: unknown) => v, mergeValue: (c: unknown, v: unknown) => (c as number) + (v as number), mergeCombiners: (a: unknown, b: unknown) => (a as number) + (b as number) };
  const m = new ExternalAppendOnlyMap(combine, s.tm);
  for (const [k, v] of input) m.insert(k, v);
  const spills = m.spillCount;
  const out = [...m.entries()];
  const left = existsSync(s.spillDir) ? readdirSync(s.spillDir) : [];
  const metrics = { ...s.tm.metrics };
  const held = s.tm.manager.executionUsed;
  s.done();
  return { out, spills, left, metrics, held };
}

for (const group of [false, true]) {
  for (const [name, input] of [['string keys', words], ['mixed keys', mixedKeys]] as const) {
    test(`ExternalAppendOnlyMap (${group ? 'group' : 'sum'}, ${name}): spilling gives the in-memory result`, () => {
      const inMemory = combineAll(input, 1 << 30, group);
      const spilled = combineAll(input, 4096, group);
      assert.equal(inMemory.spills, 0);
      assert.ok(spilled.spills > 2, `expected several spills, got ${spilled.spills}`);
      assert.deepEqual(sortByKey(spilled.out), sortByKey(inMemory.out), 'same keys, same combiners (and value order)');
      assert.deepEqual(spilled.left, [], 'spill files removed after iteration');
      assert.ok(spilled.metrics.diskBytesSpilled > 0 && spilled.metrics.memoryBytesSpilled > 0);
      assert.equal(spilled.held, 0, 'memory given back');
    });
  }
}

function sortAll(input: [unknown, number][], pool: number, ascending: boolean, keyFn?: (r: unknown) => unknown) {
  const s = setup(pool);
  const sorter = new ExternalSorter(s.tm, ascending, keyFn);
  for (const r of input) sorter.insert(r);
  const spills = sorter.spillCount;
  const out = [...sorter.sorted()];
  const left = existsSync(s.spillDir) ? readdirSync(s.spillDir) : [];
  s.done();
  return { out, spills, left };
}

for (const ascending of [true, false]) {
  test(`ExternalSorter (${ascending ? 'ascending' : 'descending'}): spilling gives exactly the stable in-memory sort`, () => {
    // Strings until several runs have spilled, then other keys: runs sorted under the strings-only order merge under the general one.
    const stringsThenNumbers = [...words, ...words.slice(0, 3000).map(([, v], i) => [(i * 31) % 500, v] as [unknown, number])];
    // Records whose value is their key (sortBy of strings by themselves) sort by their keys alone; then one whose value
    // differs arrives, after several runs spilled, and ties must still keep arrival order.
    const selfPairs = words.map(([w]) => [w, w] as unknown as [unknown, number]);
    const unicode = ['é', 'e', '😀', '\uffff', 'Z', 'a', '', 'ab', 'a\u0000', '\ud800'];
    const unicodePairs = Array.from({ length: 3000 }, (_, i) => unicode[(i * 7) % unicode.length]! + unicode[i % 3]!).map((w) => [w, w] as unknown as [unknown, number]);
    const selfThenOthers = [...selfPairs, ...words.slice(0, 3000).map(([w], i) => [w, i] as [unknown, number])];
    for (const input of [words, mixedKeys, stringsThenNumbers, selfPairs, unicodePairs, selfThenOthers]) {
      const expected = [...input].sort((a, b) => (ascending ? compareKeys(a[0], b[0]) : compareKeys(b[0], a[0])));
      const spilled = sortAll(input, 4096, ascending);
      assert.ok(spilled.spills > 2);
      assert.deepEqual(spilled.out, expected);
      assert.deepEqual(spilled.left, []);
    }
    const byValueMod = sortAll(words, 4096, ascending, (r) => (r as [string, number])[1] % 10);
    assert.deepEqual(byValueMod.out, [...words].sort((a, b) => (ascending ? a[1] % 10 - b[1] % 10 : b[1] % 10 - a[1] % 10)));
    const tail = (r: unknown) => (r as [string, number])[0].slice(-2);
    const byKeyTail = sortAll(words, 4096, ascending, tail);
    assert.ok(byKeyTail.spills > 2);
    assert.deepEqual(byKeyTail.out, [...words].sort((a, b) => (ascending ? compareKeys(tail(a), tail(b)) : compareKeys(tail(b), tail(a)))), 'string sort keys from a key function');
  });
}

test('stopping iteration early closes and removes spill files', () => {
  const s = setup(4096);
  const sorter = new ExternalSorter(s.tm, true);
  for (const r of words) sorter.insert(r);
  assert.ok(readdirSync(s.spillDir).length > 2);
  for (const _ of sorter.sorted()) break;
  assert.deepEqual(readdirSync(s.spillDir), []);
  s.done();
});

test('the forced spill counts entries held, not records read: few keys over many records never spill; many keys do', async () => {
  const { mapSideSpillPolicy } = await import('../../src/shuffle/mapSideMemory.js');
  const combine = { createCombiner: (v: unknown) => v, mergeValue: (c: unknown, v: unknown) => (c as number) + (v as number), mergeCombiners: (a: unknown, b: unknown) => (a as number) + (b as number) };
  for (const [keys, spills] of [[10, false], [5000, true]] as const) {
    const dir = mkdtempSync(join(tmpdir(), 'spill-test-'));
    // A roomy pool: only the force threshold (1,000 entries) can make these collections spill.
    const tm = () => new TaskMemory(new UnifiedMemoryManager({ maxMemory: 1 << 30, storageRegion: 0 }), 7, dir, 1 << 28, 1000, true);
    const map = new ExternalAppendOnlyMap(combine, tm());
    const policy = mapSideSpillPolicy(tm());
    let mapSideSpill = false;
    const held = new Set<string>();
    for (let i = 0; i < 50_000; i++) {
      const k = `k${i % keys}`;
      map.insert(k, 1);
      held.add(k);
      if ((i & 31) === 31) mapSideSpill ||= policy.mustSpill([k, 1], held.size);
    }
    assert.equal(map.spillCount > 0, spills, `${keys} keys: the reduce-side map spilled ${map.spillCount} times`);
    assert.equal(mapSideSpill, spills, `${keys} keys: the map side asked to spill`);
    assert.equal([...map.entries()].reduce((s, [, c]) => s + (c as number), 0), 50_000);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ExternalAppendOnlyMap merges keys as KeyMap equates them across spills: -0 and 0, Dates, arrays, same-hash keys of different types', () => {
  const collide = (() => {
    // A string whose hash equals the number 1's, so the tie order across types is exercised.
    for (let i = 0; i < 2_000_000; i++) if (hashKey(`c${i}`) === hashKey(1)) return `c${i}`;
    return 'n1';
  })();
  const keys: unknown[] = [0, -0, 1, 'n1', collide, new Date(5), new Date(5), [0, 'a'], [-0, 'a'], NaN, true, null, 2n, 'n0'];
  const dir = mkdtempSync(join(tmpdir(), 'spill-keys-'));
  const tm = new TaskMemory(new UnifiedMemoryManager({ maxMemory: 1 << 30, storageRegion: 0 }), 9, dir, 1 << 28, 3, true);
  const sum = { createCombiner: (v: unknown) => v, mergeValue: (c: unknown, v: unknown) => (c as number) + (v as number), mergeCombiners: (a: unknown, b: unknown) => (a as number) + (b as number) };
  const m = new ExternalAppendOnlyMap(sum, tm);
  for (let round = 0; round < 20; round++) for (const k of keys) m.insert(k, 1);
  assert.ok(m.spillCount > 5, `spilled ${m.spillCount} times`);
  const out = new Map<string, number>();
  for (const [k, c] of m.entries()) {
    const ks = keyString(k);
    assert.ok(!out.has(ks), `key ${ks} came out twice`);
    out.set(ks, c as number);
  }
  const want = new Map<string, number>();
  for (const k of keys) want.set(keyString(k), (want.get(keyString(k)) ?? 0) + 20);
  assert.deepEqual(out, want);
  rmSync(dir, { recursive: true, force: true });
});

test('stopping the external map early closes its spill files (no descriptor left open) and removes them', () => {
  const s = setup(4096);
  const sum = { createCombiner: (v: unknown) => v, mergeValue: (c: unknown, v: unknown) => (c as number) + (v as number), mergeCombiners: (a: unknown, b: unknown) => (a as number) + (b as number) };
  const m = new ExternalAppendOnlyMap(sum, s.tm);
  for (const [k, v] of words) m.insert(k, v);
  assert.ok(m.spillCount > 2);
  const fds = () => readdirSync('/proc/self/fd').length;
  const before = fds();
  for (const _ of m.entries()) break;
  assert.equal(fds(), before, 'every spill file closed');
  assert.deepEqual(readdirSync(s.spillDir), []);
  s.done();
});

test('ExternalSorter: records that are not pairs are never rebuilt as pairs (strings of two equal characters, sorted by their first)', () => {
  const s = setup(1 << 20);
  const sorter = new ExternalSorter(s.tm, true);
  for (const r of ['bb', 'aa', 'cc', 'aa']) sorter.insert(r);
  assert.deepEqual([...sorter.sorted()], ['aa', 'aa', 'bb', 'cc']);
  s.done();
});

test('ExternalSorter: [s, s] records in memory alone come out sorted; a reader that stops early gives the memory back', () => {
  const selfPairs = words.map(([w]) => [w, w] as [string, string]);
  for (const ascending of [true, false]) {
    const whole = sortAll(selfPairs as unknown as [unknown, number][], 1 << 30, ascending);
    assert.equal(whole.spills, 0);
    assert.deepEqual(whole.out, [...selfPairs].sort((a, b) => (ascending ? compareKeys(a[0], b[0]) : compareKeys(b[0], a[0]))));
  }
  const s = setup(1 << 30);
  const manager = (s.tm as unknown as { manager: UnifiedMemoryManager }).manager;
  const sorter = new ExternalSorter(s.tm, true);
  for (const r of selfPairs) sorter.insert(r);
  assert.ok(manager.executionUsed > 0, 'the buffer holds execution memory');
  const first: unknown[] = [];
  for (const r of sorter.sorted()) if (first.push(r) === 3) break;
  assert.deepEqual(first, [...selfPairs].sort((a, b) => compareKeys(a[0], b[0])).slice(0, 3));
  assert.equal(manager.executionUsed, 0, 'given back when the reader stopped');
  s.done();
});
