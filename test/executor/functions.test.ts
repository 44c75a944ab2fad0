import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codeOf, compile, type ExecutorServices } from '../../src/executor/functions.js';
import { fuseRangeAggregate } from '../../src/executor/fusion.js';
import { internalFunction } from '../../src/core/closure.js';
import { SparkConf, SparkContext } from '../../src/index.js';

const svc: ExecutorServices = { appPath: undefined, broadcast: () => undefined, accumulate: () => undefined };

/** Runs `src` with `env` as a task would, after a structured clone (as tasks travel to threads and processes). */
async function run(src: string, env: Record<string, unknown>, ...args: unknown[]): Promise<unknown> {
  const f = await compile<(...a: unknown[]) => unknown>(structuredClone(internalFunction(src, env)), svc);
  return f(...args);
}

// Pairs of envs a JSON key cannot tell apart: the second run of the same source must see its own values.
const cases: { name: string; src: string; first: unknown; second: unknown; arg?: unknown; want: [unknown, unknown] }[] = [
  { name: 'Map', src: '(x) => v.get(x)', first: new Map([[1, 'first']]), second: new Map([[1, 'second']]), arg: 1, want: ['first', 'second'] },
  { name: 'Set', src: '(x) => v.has(x)', first: new Set([1]), second: new Set([2]), arg: 2, want: [false, true] },
  { name: 'NaN vs null', src: '() => Object.is(v, NaN) ? "NaN" : String(v)', first: NaN, second: null, want: ['NaN', 'null'] },
  { name: 'null vs NaN', src: '() => Object.is(v, NaN) ? "NaN" : String(v)', first: null, second: NaN, want: ['null', 'NaN'] },
  { name: '0 vs -0', src: '() => Object.is(v, -0)', first: 0, second: -0, want: [false, true] },
  { name: 'Infinity vs null', src: '() => v', first: Infinity, second: null, want: [Infinity, null] },
  { name: 'undefined inside an object', src: '() => "a" in v', first: { a: undefined }, second: {}, want: [true, false] },
  { name: 'Date', src: '() => v.getTime()', first: new Date(1000), second: new Date(2000), want: [1000, 2000] },
  { name: 'Date vs its ISO string', src: '() => v instanceof Date', first: new Date(0), second: new Date(0).toISOString(), want: [true, false] },
  { name: 'typed arrays', src: '() => v[0] + v.length', first: new Float64Array([1.5, 2]), second: new Float64Array([7, 8, 9]), want: [3.5, 10] },
  { name: 'typed array kinds', src: '() => v.constructor.name', first: new Uint8Array([1]), second: new Int8Array([1]), want: ['Uint8Array', 'Int8Array'] },
  { name: 'bigint', src: '() => typeof v', first: 1n, second: 1, want: ['bigint', 'number'] },
  { name: 'nested Map in an object', src: '(k) => v.deep.m.get(k)', first: { deep: { m: new Map([['k', 1]]) } }, second: { deep: { m: new Map([['k', 2]]) } }, arg: 'k', want: [1, 2] },
  { name: 'nested arrays', src: '() => v[0][0][0]', first: [[[1]]], second: [[[2]]], want: [1, 2] },
  { name: 'RegExp', src: '(s) => v.test(s)', first: /a/, second: /b/, arg: 'b', want: [false, true] },
];

for (const c of cases) {
  test(`a shipped function run twice sees each run's own env: ${c.name}`, async () => {
    assert.deepEqual(await run(c.src, { v: c.first }, c.arg), c.want[0]);
    assert.deepEqual(await run(c.src, { v: c.second }, c.arg), c.want[1]);
    assert.deepEqual(await run(c.src, { v: c.first }, c.arg), c.want[0], 'and the first again');
  });
}

test('a large env is bound afresh too', async () => {
  const big = (n: number) => Array.from({ length: 10_000 }, () => n);
  assert.equal(await run('() => v[9999]', { v: big(1) }), 1);
  assert.equal(await run('() => v[9999]', { v: big(2) }), 2);
});

test('the same source with different env names compiles separately', async () => {
  assert.equal(await run('() => typeof a', { a: 1 }), 'number');
  assert.equal(await run('() => typeof a', { b: 1 }), 'undefined');
});

test('an env object mutated by one task is not seen by the next', async () => {
  const src = '() => { v.push(1); return v.length; }';
  assert.equal(await run(src, { v: [] }), 1);
  assert.equal(await run(src, { v: [] }), 1);
});

test('functions with the same code share a code identity, whatever their env; generated loops reuse it with each task\'s values', async () => {
  const make = async (k: number) => compile<(x: number) => number>(structuredClone(internalFunction('(x) => x * k', { k })), svc);
  const [two, three] = [await make(2), await make(3)];
  assert.notEqual(two, three);
  assert.equal(codeOf(two), codeOf(three));
  const other = await compile<(x: number) => number>(internalFunction('(x) => x * k', { k: 2, j: 1 }), svc);
  assert.notEqual(codeOf(other), codeOf(two), 'other env names, other code');
  // The fused sum over a range is built once for this code and bounds, and run with each task's own function.
  assert.equal(fuseRangeAggregate([{ k: 'map', fn: two }], 'sum')(0, 10, 1), 90);
  assert.equal(fuseRangeAggregate([{ k: 'map', fn: three }], 'sum')(0, 10, 1), 135);
  assert.equal(fuseRangeAggregate([{ k: 'map', fn: two }], 'count')(0, 10, 1), 10);
});

test('local mode: two jobs with the same function and different Map envs give their own answers', async () => {
  const sc = new SparkContext(new SparkConf().setMaster('local[1]').setAppName('closure-cache'));
  try {
    const lookup = (m: Map<number, string>) => sc.parallelize([1], 1).map((x) => m.get(x), { m }).collect();
    assert.deepEqual(await lookup(new Map([[1, 'first']])), ['first']);
    assert.deepEqual(await lookup(new Map([[1, 'second']])), ['second']);
    const sign = (z: number) => sc.parallelize([1], 1).map(() => Object.is(z, -0), { z }).collect();
    assert.deepEqual(await sign(0), [false]);
    assert.deepEqual(await sign(-0), [true]);
    const scaled = (k: number) => sc.range(0, 100, 1, 1).map((x) => x * k, { k }).sum();
    assert.equal(await scaled(2), 9900);
    assert.equal(await scaled(3), 14850);
  } finally {
    await sc.stop();
  }
});
