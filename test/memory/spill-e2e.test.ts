// Every reduce-side operation with a tiny memory pool (so it spills) gives the same result as with the default pool;
// spill metrics reach the task-end events; spill files are gone after jobs, failures and kills.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkConf, SparkContext, HashPartitioner, type SparkListenerEvent } from '../../src/index.js';

const MASTER = process.env.SPARK_TEST_MASTER ?? 'local[2]';
const base = mkdtempSync(join(tmpdir(), 'spill-e2e-'));
function spillFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.spill') && statSync(join(dir, f)).isFile());
}

/** The spill files left once none have been seen for a moment (or after 60 s). */
async function spillFilesSettled(dir: string): Promise<string[]> {
  const until = Date.now() + 60_000;
  while (spillFiles(dir).length > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  return spillFiles(dir);
}

const N = 20_000;
const canon = (xs: unknown[]) => xs.map((x) => JSON.stringify(x)).sort();
type Op = [name: string, run: (sc: SparkContext) => Promise<unknown[]>, ordered: boolean];

const pairs = (sc: SparkContext) => sc.range(0, N, 1, 3).map((i) => [`k${(i * 7919) % 1500}`, i] as [string, number]);
const ops: Op[] = [
  ['reduceByKey', (sc) => pairs(sc).reduceByKey((a, b) => a + b, 2).collect(), false],
  ['combineByKey', (sc) => pairs(sc).combineByKey((v) => [v, 1], (c: number[], v) => [c[0]! + v, c[1]! + 1], (a: number[], b: number[]) => [a[0]! + b[0]!, a[1]! + b[1]!], 2).collect(), false],
  ['aggregateByKey', (sc) => pairs(sc).aggregateByKey(0, (c, v) => Math.max(c, v), (a, b) => Math.max(a, b), 2).collect(), false],
  ['foldByKey', (sc) => pairs(sc).foldByKey(0, (a, b) => a + b, 2).collect(), false],
  ['groupByKey', async (sc) => (await pairs(sc).groupByKey(2).collect()).map(([k, vs]) => [k, [...vs].sort((a, b) => a - b)]), false],
  ['distinct', (sc) => sc.range(0, N, 1, 3).map((i) => `line ${i % 4000}`).distinct(2).collect(), false],
  ['countByKey', async (sc) => [...(await pairs(sc).countByKey()).entries()], false],
  ['sortByKey', (sc) => pairs(sc).sortByKey(true, 3).collect(), true],
  ['sortByKey descending', (sc) => pairs(sc).sortByKey(false, 2).collect(), true],
  ['sortBy', (sc) => sc.range(0, N, 1, 3).map((i) => (i * 7919) % 10007).sortBy((x) => x % 1000, true, 2).collect(), true],
  ['repartitionAndSortWithinPartitions', (sc) => pairs(sc).repartitionAndSortWithinPartitions(new HashPartitioner(3)).mapPartitionsWithIndex(function* (it, i) { for (let n = it.next(); !n.done; n = it.next()) yield [i, n.value]; }).collect(), true],
  ['cogroup', async (sc) => (await pairs(sc).cogroup(pairs(sc).mapValues((v) => -v), 2).collect()).map(([k, [a, b]]) => [k, [...a].sort(), [...b].sort()]), false],
  ['join', (sc) => pairs(sc).filter(([, v]) => v % 3 === 0).join(pairs(sc).filter(([, v]) => v % 5 === 0), 2).collect(), false],
  ['leftOuterJoin', (sc) => pairs(sc).filter(([, v]) => v % 3 === 0).leftOuterJoin(pairs(sc).filter(([, v]) => v % 50 === 0), 2).collect(), false],
  ['partitionBy', (sc) => pairs(sc).partitionBy(new HashPartitioner(2)).collect(), false],
  ['fullOuterJoin', (sc) => pairs(sc).filter(([, v]) => v % 7 === 0).fullOuterJoin(sc.parallelize([['k1', 1], ['zz', 2]] as [string, number][]), 2).collect(), false],
];

let tiny: SparkContext;
const events: SparkListenerEvent[] = [];
/** Each operation's result with the default memory pool (one context per process: computed first). */
const expected = new Map<string, unknown[]>();

const conf = (dir: string) => new SparkConf().setMaster(MASTER).setAppName('spill').set('spark.local.dir', join(base, dir)).set('spark.ui.enabled', 'false');

before(async () => {
  const roomy = new SparkContext(conf('roomy'));
  await roomy.ready();
  try {
    for (const [name, run] of ops) expected.set(name, await run(roomy));
  } finally {
    await roomy.stop();
  }
  // A pool of about 70 KB per task and a 1 KB free allowance: every operation below spills many times.
  tiny = new SparkContext(conf('tiny').set('spark.memory.fraction', '0.0001').set('spark.shuffle.spill.initialMemoryThreshold', '1k'));
  tiny.addSparkListener((e) => events.push(e));
  await tiny.ready();
});
after(async () => {
  await tiny?.stop();
  rmSync(base, { recursive: true, force: true });
});

for (const [name, run, ordered] of ops) {
  test(`${name}: spilling gives the in-memory result`, async () => {
    const from = events.length;
    const a = await run(tiny);
    const b = expected.get(name)!;
    assert.ok(a.length > 0);
    if (ordered) assert.deepEqual(a, b);
    else assert.deepEqual(canon(a), canon(b));
    const ends = events.slice(from).filter((e): e is Extract<SparkListenerEvent, { type: 'taskEnd' }> => e.type === 'taskEnd');
    const disk = ends.reduce((n, e) => n + (e.metrics?.diskBytesSpilled ?? 0), 0);
    const mem = ends.reduce((n, e) => n + (e.metrics?.memoryBytesSpilled ?? 0), 0);
    if (name !== 'countByKey') assert.ok(disk > 0 && mem > 0, `spill metrics in task ends (disk ${disk}, memory ${mem})`);
    assert.deepEqual(spillFiles(join(base, 'tiny')), [], 'no spill files left');
  });
}

test('a failing task leaves no spill files', async () => {
  await assert.rejects(
    pairs(tiny).groupByKey(2).map(([k]) => {
      if (k === 'k7') throw new Error('boom');
      return k;
    }).collect(),
    /boom/,
  );
  // The job fails on the first failure; the partition's other task may still be finishing (and then cleans up).
  assert.deepEqual(await spillFilesSettled(join(base, 'tiny')), []);
});

test('a task killed mid-spill leaves no files', async () => {
  tiny.setJobGroup('killme');
  const job = pairs(tiny).groupByKey(1).map(([k, vs]) => {
    // Blocks the thread while the merge still has its spill files open; only a kill ends it.
    if (k !== undefined) for (;;) void vs;
    return k;
  }).count();
  job.catch(() => undefined);
  const dir = join(base, 'tiny');
  const deadline = Date.now() + 120_000;
  while (spillFiles(dir).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.ok(spillFiles(dir).length > 0, 'the task spilled');
  await new Promise((r) => setTimeout(r, 200));
  tiny.cancelJobGroup('killme');
  await assert.rejects(job);
  assert.deepEqual(await spillFilesSettled(dir), []);
});

test('map tasks spill their shuffle buffers when memory runs out (not only past the record threshold)', async () => {
  const from = events.length;
  await pairs(tiny).partitionBy(new HashPartitioner(2)).count();
  const maps = events.slice(from).filter((e): e is Extract<SparkListenerEvent, { type: 'taskEnd' }> => e.type === 'taskEnd' && e.shuffleMap === true);
  assert.equal(maps.length, 3);
  for (const e of maps) assert.ok((e.metrics?.diskBytesSpilled ?? 0) > 0 && (e.metrics?.memoryBytesSpilled ?? 0) > 0, JSON.stringify(e.metrics));
});
