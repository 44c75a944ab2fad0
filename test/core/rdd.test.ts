import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SparkConf, SparkContext, HashPartitioner, RangePartitioner, TaskContext, type SparkListenerEvent } from '../../src/index.js';

// The same tests run on local[2] (threads) and, from rdd-local-cluster.test.ts, on local-cluster[2,1,1024] (processes).
const MASTER = process.env.SPARK_TEST_MASTER ?? 'local[2]';
let sc: SparkContext;
const events: SparkListenerEvent[] = [];
before(async () => {
  sc = new SparkContext(new SparkConf().setMaster(MASTER).setAppName('rdd-tests').set('spark.task.maxFailures', '3'));
  sc.addSparkListener((e) => events.push(e));
  await sc.ready();
});
after(async () => {
  await sc.stop();
});

const nums = Array.from({ length: 100 }, (_, i) => i);
const sortPairs = <T extends [unknown, unknown]>(xs: T[]) => [...xs].sort((a, b) => JSON.stringify(a) < JSON.stringify(b) ? -1 : 1);

test('parallelize, range, union, emptyRDD, defaultParallelism, applicationId', async () => {
  assert.equal(sc.defaultParallelism, 2);
  assert.match(sc.applicationId, /^local(-cluster)?-\d+$/);
  const r = sc.parallelize(nums, 7);
  assert.equal(r.getNumPartitions(), 7);
  assert.deepEqual(await r.collect(), nums);
  const want: number[] = [];
  for (let x = 3; x < 50; x += 4) want.push(x);
  assert.deepEqual(await sc.range(3, 50, 4, 5).collect(), want);
  assert.deepEqual(await sc.range(5).collect(), [0, 1, 2, 3, 4]);
  assert.deepEqual(await sc.range(10, 0, -3, 2).collect(), [10, 7, 4, 1]);
  assert.deepEqual(await sc.parallelize([1, 2]).union(sc.parallelize([3])).collect(), [1, 2, 3]);
  assert.deepEqual(await sc.union([sc.parallelize(['a']), sc.parallelize(['b']), sc.emptyRDD<string>()]).collect(), ['a', 'b']);
  assert.deepEqual(await sc.emptyRDD().collect(), []);
  assert.equal(await sc.emptyRDD().count(), 0);
});

test('map, filter, flatMap, mapPartitions(WithIndex), keyBy, sample, coalesce, repartition, distinct', async () => {
  const r = sc.parallelize(nums, 4);
  const factor = 3;
  assert.deepEqual(await r.map((x) => x * factor, { factor }).collect(), nums.map((x) => x * 3));
  assert.deepEqual(await r.filter((x) => x % 7 === 0).collect(), nums.filter((x) => x % 7 === 0));
  assert.deepEqual(await r.flatMap((x) => (x < 3 ? [x, x] : [])).collect(), [0, 0, 1, 1, 2, 2]);
  assert.deepEqual(await r.mapPartitions((it) => [[...{ [Symbol.iterator]: () => it }].length]).collect(), [25, 25, 25, 25]);
  assert.deepEqual(await r.mapPartitionsWithIndex(function* (it, i) { let n = 0; for (let x = it.next(); !x.done; x = it.next()) n += x.value; yield [i, n]; }).collect(),
    [0, 1, 2, 3].map((i) => [i, nums.slice(i * 25, i * 25 + 25).reduce((a, b) => a + b, 0)]));
  assert.deepEqual(await r.keyBy((x) => x % 3).take(4), [[0, 0], [1, 1], [2, 2], [0, 3]]);
  const s1 = await r.sample(false, 0.5, 7).collect();
  assert.deepEqual(await r.sample(false, 0.5, 7).collect(), s1, 'same seed, same sample');
  assert.ok(s1.length > 20 && s1.length < 80 && s1.every((x) => nums.includes(x)));
  const s2 = await sc.parallelize([1, 2, 3], 1).sample(true, 3, 1).collect();
  assert.ok(s2.length > 3, 'with replacement, fraction 3 gives about three copies each');
  assert.throws(() => r.sample(false, 1.5), /fraction should be in \[0, 1\], but was 1.5/);
  const c = r.coalesce(2);
  assert.equal(c.getNumPartitions(), 2);
  assert.deepEqual(await c.collect(), nums);
  const rp = r.repartition(3);
  assert.equal(rp.getNumPartitions(), 3);
  assert.deepEqual((await rp.collect()).sort((a, b) => a - b), nums);
  const dup = sc.parallelize([3, 1, 3, 2, 1, 'x', 'x', [1, 2], [1, 2]], 3);
  const d = await dup.distinct().collect();
  assert.equal(d.length, 5);
  assert.deepEqual(new Set(d.map((x) => JSON.stringify(x))), new Set(['3', '1', '2', '"x"', '[1,2]']));
});

test('zipWithIndex numbers elements across partitions in order', async () => {
  const letters = 'abcdefghij'.split('');
  assert.deepEqual(await sc.parallelize(letters, 3).zipWithIndex().collect(), letters.map((x, i) => [x, i]));
});

test('pair operations: reduceByKey, groupByKey, aggregateByKey, combineByKey, foldByKey, mapValues, flatMapValues, keys, values', async () => {
  const words = 'the quick brown fox jumps over the lazy dog the end'.split(' ');
  const pairs = sc.parallelize(words, 3).map((w) => [w, 1] as [string, number]);
  const counts = new Map<string, number>();
  for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
  assert.deepEqual(new Map(await pairs.reduceByKey((a, b) => a + b).collect()), counts);
  assert.deepEqual(new Map(await pairs.reduceByKey((a, b) => a + b, 5).collect()), counts, 'with numPartitions');
  const grouped = new Map((await pairs.groupByKey().collect()).map(([k, vs]) => [k, vs.length]));
  assert.deepEqual(grouped, counts);
  const kv = sc.parallelize([['a', 1], ['b', 2], ['a', 3], ['b', 4], ['c', 5]] as [string, number][], 2);
  assert.deepEqual(sortPairs(await kv.aggregateByKey([0, 0] as [number, number], (acc, v) => [acc[0] + v, acc[1] + 1] as [number, number], (x, y) => [x[0] + y[0], x[1] + y[1]] as [number, number]).collect()),
    [['a', [4, 2]], ['b', [6, 2]], ['c', [5, 1]]]);
  assert.deepEqual(sortPairs(await kv.combineByKey((v) => [v], (c: number[], v) => [...c, v], (a: number[], b: number[]) => [...a, ...b]).mapValues((vs) => vs.sort()).collect()),
    [['a', [1, 3]], ['b', [2, 4]], ['c', [5]]]);
  // foldByKey applies the zero once per key in each partition (map-side combine), as Spark does.
  const kvData: [string, number][] = [['a', 1], ['b', 2], ['a', 3], ['b', 4], ['c', 5]];
  const folded = new Map<string, number>();
  for (const part of [kvData.slice(0, 2), kvData.slice(2)]) {
    const local = new Map<string, number>();
    for (const [k, v] of part) local.set(k, (local.get(k) ?? 100) + v);
    for (const [k, v] of local) folded.set(k, (folded.get(k) ?? 0) + v);
  }
  assert.deepEqual(new Map(await kv.foldByKey(100, (a, b) => a + b).collect()), folded);
  const offset = 10;
  assert.deepEqual(await kv.mapValues((v) => v + offset, { offset }).values().collect(), [11, 12, 13, 14, 15]);
  assert.deepEqual(await kv.flatMapValues((v) => (v > 3 ? [v, -v] : [])).collect(), [['b', 4], ['b', -4], ['c', 5], ['c', -5]]);
  assert.deepEqual(await kv.keys().collect(), ['a', 'b', 'a', 'b', 'c']);
});

test('keys compare by value: numbers, strings, booleans, bigints and arrays', async () => {
  const rdd = sc.parallelize([[1, 'n'], ['1', 's'], [true, 'b'], [10n, 'g'], [[1, 'x'], 'arr'], [[1, 'x'], 'arr2'], [1, 'n2'], [10n, 'g2']] as [unknown, string][], 3);
  const g = await rdd.groupByKey().mapValues((vs) => vs.sort()).collect();
  const byKey = new Map(g.map(([k, vs]) => [typeof k + ':' + JSON.stringify(k, (_, v) => (typeof v === 'bigint' ? `${v}n` : v)), vs]));
  assert.deepEqual(byKey.get('number:1'), ['n', 'n2']);
  assert.deepEqual(byKey.get('string:"1"'), ['s']);
  assert.deepEqual(byKey.get('boolean:true'), ['b']);
  assert.deepEqual(byKey.get('bigint:"10n"'), ['g', 'g2']);
  assert.deepEqual(byKey.get('object:[1,"x"]'), ['arr', 'arr2']);
});

test('joins and cogroup', async () => {
  const left = sc.parallelize([[1, 'a'], [2, 'b'], [2, 'bb'], [3, 'c']] as [number, string][], 2);
  const right = sc.parallelize([[2, 'x'], [3, 'y'], [3, 'yy'], [4, 'z']] as [number, string][], 3);
  assert.deepEqual(sortPairs(await left.join(right).collect()), sortPairs([[2, ['b', 'x']], [2, ['bb', 'x']], [3, ['c', 'y']], [3, ['c', 'yy']]]));
  assert.deepEqual(sortPairs(await left.leftOuterJoin(right).collect()), sortPairs([[1, ['a', undefined]], [2, ['b', 'x']], [2, ['bb', 'x']], [3, ['c', 'y']], [3, ['c', 'yy']]]));
  assert.deepEqual(sortPairs(await left.rightOuterJoin(right).collect()), sortPairs([[2, ['b', 'x']], [2, ['bb', 'x']], [3, ['c', 'y']], [3, ['c', 'yy']], [4, [undefined, 'z']]]));
  const l = [[1, 'a'], [2, 'b'], [2, 'bb'], [3, 'c']] as const;
  const r = [[2, 'x'], [3, 'y'], [3, 'yy'], [4, 'z']] as const;
  const full: [number, [string | undefined, string | undefined]][] = [];
  for (const k of [1, 2, 3, 4]) {
    const ls = l.filter(([x]) => x === k).map(([, v]) => v);
    const rs = r.filter(([x]) => x === k).map(([, v]) => v);
    if (ls.length && rs.length) for (const a of ls) for (const b of rs) full.push([k, [a, b]]);
    else for (const a of ls) full.push([k, [a, undefined]]);
    if (!ls.length) for (const b of rs) full.push([k, [undefined, b]]);
  }
  assert.deepEqual(sortPairs(await left.fullOuterJoin(right).collect()), sortPairs(full));
  const cg = new Map((await left.cogroup(right).collect()).map(([k, [a, b]]) => [k, [a.sort(), b.sort()]]));
  assert.deepEqual(cg.get(2), [['b', 'bb'], ['x']]);
  assert.deepEqual(cg.get(4), [[], ['z']]);
});

test('sorting: sortByKey, sortBy, partitionBy with hash and range partitioners', async () => {
  const data = Array.from({ length: 200 }, (_, i) => (i * 7919) % 1000);
  const rdd = sc.parallelize(data, 4);
  const sorted = await rdd.sortBy((x) => x, true, 3).collect();
  assert.deepEqual(sorted, [...data].sort((a, b) => a - b));
  assert.deepEqual(await rdd.sortBy((x) => x, false).collect(), [...data].sort((a, b) => b - a));
  const pairs = rdd.map((x) => [String(x).padStart(4, '0'), x] as [string, number]);
  assert.deepEqual((await pairs.sortByKey().keys().collect()), [...data].map((x) => String(x).padStart(4, '0')).sort());
  const hp = new HashPartitioner(3);
  const parts = await rdd.map((x) => [x, x] as [number, number]).partitionBy(hp).mapPartitionsWithIndex((it, i) => [[i, [...{ [Symbol.iterator]: () => it }].map((kv) => kv[0])]]).collect();
  for (const [i, keys] of parts as [number, number[]][]) for (const k of keys) assert.equal(hp.getPartition(k), i);
  const rp = new RangePartitioner(3, [100, 500]);
  assert.deepEqual([5, 100, 101, 499, 500, 501, 999].map((k) => rp.getPartition(k)), [0, 0, 1, 1, 1, 2, 2]);
  assert.throws(() => new HashPartitioner(0), /numPartitions should be a whole number of at least 1, but was 0/);
});

test('actions: count, reduce, fold, aggregate, take, first, top, takeOrdered, sum, mean, stats, countByKey, countByValue, collectAsMap, isEmpty', async () => {
  const r = sc.parallelize(nums, 5);
  assert.equal(await r.count(), 100);
  assert.equal(await r.reduce((a, b) => a + b), 4950);
  assert.equal(await r.fold(0, (a, b) => a + b), 4950);
  assert.deepEqual(await r.aggregate([0, 0] as [number, number], (acc, x) => [acc[0] + x, acc[1] + 1] as [number, number], (a, b) => [a[0] + b[0], a[1] + b[1]] as [number, number]), [4950, 100]);
  assert.deepEqual(await r.take(23), nums.slice(0, 23));
  assert.deepEqual(await r.take(0), []);
  assert.equal(await r.first(), 0);
  assert.deepEqual(await r.top(3), [99, 98, 97]);
  assert.deepEqual(await r.takeOrdered(4), [0, 1, 2, 3]);
  assert.deepEqual(await r.takeOrdered(3, (x) => -x), [99, 98, 97]);
  assert.equal(await r.sum(), 4950);
  assert.equal(await r.mean(), 49.5);
  const st = await r.stats();
  const mean = 49.5;
  const variance = nums.reduce((s, x) => s + (x - mean) ** 2, 0) / nums.length;
  assert.equal(st.count, 100);
  assert.equal(st.max, 99);
  assert.equal(st.min, 0);
  assert.ok(Math.abs(st.variance - variance) < 1e-9);
  assert.ok(Math.abs(st.stdev - Math.sqrt(variance)) < 1e-9);
  assert.ok(Math.abs(st.sum - 4950) < 1e-9);
  const letters = sc.parallelize(['a', 'b', 'a', 'c', 'a'], 2);
  assert.deepEqual(await letters.countByValue(), new Map([['a', 3], ['b', 1], ['c', 1]]));
  assert.deepEqual(await letters.map((x) => [x, 0] as [string, number]).countByKey(), new Map([['a', 3], ['b', 1], ['c', 1]]));
  assert.deepEqual(await sc.parallelize([['k', 1], ['j', 2], ['k', 3]] as [string, number][]).collectAsMap(), new Map([['k', 3], ['j', 2]]));
  assert.equal(await sc.emptyRDD().isEmpty(), true);
  assert.equal(await r.isEmpty(), false);
  await assert.rejects(sc.emptyRDD<number>().reduce((a, b) => a + b), /reduce: empty collection/);
  await assert.rejects(sc.parallelize([] as number[], 3).first(), /first: empty collection/);
});

test('foreach, foreachPartition and accumulators; broadcast variables; modules', async () => {
  const acc = sc.longAccumulator('sum');
  const seen = sc.collectionAccumulator<number>('seen');
  await sc.parallelize([1, 2, 3, 4], 2).foreach((x) => { acc.add(x); seen.add(x * 10); }, { acc, seen });
  assert.equal(acc.value, 10);
  assert.deepEqual(seen.value.sort((a, b) => a - b), [10, 20, 30, 40]);
  const parts = sc.longAccumulator();
  await sc.parallelize(nums, 4).foreachPartition(() => parts.add(1), { parts });
  assert.equal(parts.value, 4);
  const table = sc.broadcast(new Map([[1, 'one'], [2, 'two']]));
  assert.deepEqual(await sc.parallelize([1, 2, 1], 3).map((x) => table.value.get(x), { table }).collect(), ['one', 'two', 'one']);
  const lib = sc.module(fileURLToPath(new URL('../fixtures/helper-module.mjs', import.meta.url)));
  assert.deepEqual(await sc.parallelize([1, 2]).map((x) => lib.triple(x), { lib }).collect(), [3, 6]);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- executors provide `require` to shipped functions
  assert.deepEqual(await sc.parallelize(['a'], 1).map((x) => require('node:path').join(x, 'b')).collect(), ['a/b']);
});

test('cache keeps computed partitions on the executors', async () => {
  const counter = sc.longAccumulator('computed');
  const cached = sc.parallelize(nums, 4).map((x) => { counter.add(1); return x * 2; }, { counter }).cache();
  assert.equal(await cached.count(), 100);
  assert.equal(counter.value, 100);
  assert.equal(await cached.sum(), 9900);
  assert.equal(counter.value, 100, 'the second job read the cached blocks (same executors)');
  cached.unpersist();
  assert.equal(await cached.count(), 100);
  assert.equal(counter.value, 200, 'recomputed after unpersist');
});

test('textFile: files, directories, globs, file:// and line splitting', async () => {
  const dir = fileURLToPath(new URL('../fixtures/text/', import.meta.url));
  assert.deepEqual(await sc.textFile(join(dir, 'a.txt')).collect(), ['alpha beta', 'gamma']);
  assert.deepEqual(await sc.textFile(dir).collect(), ['alpha beta', 'gamma', 'delta', 'epsilon zeta'], 'hidden files skipped, CRLF handled');
  assert.deepEqual(await sc.textFile(`file://${dir}*.txt`).collect(), ['alpha beta', 'gamma', 'delta', 'epsilon zeta']);
  assert.throws(() => sc.textFile('/nonexistent/file.txt'), /Input path does not exist: file:\/nonexistent\/file\.txt/);
  // A bigger file cut into many splits reads every line exactly once.
  const big = join(mkdtempSync(join(tmpdir(), 'tf-')), 'big.txt');
  const lines = Array.from({ length: 5000 }, (_, i) => `line ${i} ${'x'.repeat(i % 37)}`);
  writeFileSync(big, lines.join('\n') + '\n');
  const rdd = sc.textFile(big, 13);
  assert.ok(rdd.getNumPartitions() >= 13);
  assert.deepEqual(await rdd.collect(), lines);
});

test('saveAsTextFile writes part files and refuses an existing directory', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'save-')), 'out');
  await sc.parallelize([[1, 'a'], [2, 'b'], [3, 'c']], 2).saveAsTextFile(out);
  assert.deepEqual(readdirSync(out).sort(), ['_SUCCESS', 'part-00000', 'part-00001']);
  assert.equal(readFileSync(join(out, 'part-00000'), 'utf8') + readFileSync(join(out, 'part-00001'), 'utf8'), '(1,a)\n(2,b)\n(3,c)\n');
  await assert.rejects(sc.parallelize([1]).saveAsTextFile(out), /Output directory file:.*out already exists/);
});

test('a job with two shuffles (multi-stage), checked against a direct computation', async () => {
  const text = Array.from({ length: 2000 }, (_, i) => `w${i % 37} w${i % 11} w${i % 5}`);
  const before = events.length;
  const result = await sc.parallelize(text, 4)
    .flatMap((l) => l.split(' '))
    .map((w) => [w, 1] as [string, number])
    .reduceByKey((a, b) => a + b, 3)
    .map(([w, n]) => [n, w] as [number, string])
    .groupByKey(2)
    .mapValues((ws) => ws.sort())
    .collect();
  const counts = new Map<string, number>();
  for (const l of text) for (const w of l.split(' ')) counts.set(w, (counts.get(w) ?? 0) + 1);
  const byCount = new Map<number, string[]>();
  for (const [w, n] of counts) byCount.set(n, [...(byCount.get(n) ?? []), w].sort());
  assert.deepEqual(new Map(result), byCount);
  await new Promise((r) => setTimeout(r, 20));
  const mine = events.slice(before);
  const job = mine.find((e) => e.type === 'jobStart' && e.stageIds.length === 3);
  assert.ok(job && job.type === 'jobStart', 'three stages: two shuffle map stages and the result stage');
  assert.equal(mine.filter((e) => e.type === 'stageCompleted' && job.stageIds.includes(e.stageId)).length, 3);
  assert.ok(mine.some((e) => e.type === 'jobEnd' && e.jobId === job.jobId && e.result === 'succeeded'));
});

test('a failing task is retried up to spark.task.maxFailures', async () => {
  const flaky = sc.parallelize([1, 2, 3, 4], 2).map((x) => {
    if (TaskContext.get()!.attemptNumber === 0 && x === 3) throw new Error('transient failure');
    return x * 10;
  });
  assert.deepEqual(await flaky.collect(), [10, 20, 30, 40]);
  await assert.rejects(
    sc.parallelize([1, 2], 2).map((x) => { if (x === 2) throw new Error('always broken'); return x; }).collect(),
    (e: Error) => /Job aborted due to stage failure: Task 1 in stage \d+\.0 failed 3 times, most recent failure: .*always broken/.test(e.message),
  );
});

test('jobs can be cancelled by group; concurrent jobs run side by side', async () => {
  sc.setJobGroup('slow-group', 'a job that would never end');
  const slow = sc.range(0, 1e13, 1, 1).map((x) => x + 1).sum(); // one partition: one of the two threads stays free
  sc.clearJobGroup();
  const rejected = assert.rejects(slow, /Job \d+ cancelled part of cancelled job group slow-group/);
  const fast = await Promise.all([sc.parallelize([1, 2, 3]).count(), sc.parallelize(['a']).collect()]);
  await new Promise((r) => setTimeout(r, 100));
  sc.cancelJobGroup('slow-group');
  await rejected;
  assert.deepEqual(fast, [3, ['a']]);
  assert.equal(await sc.parallelize([1, 2, 3], 2).sum(), 6, 'the context still works after a cancellation');
  const endless = sc.range(0, 1e13, 1, 1).map((x) => x - 1).count();
  const all = assert.rejects(endless, /Job \d+ cancelled as part of cancellation of all jobs/);
  await new Promise((r) => setTimeout(r, 100));
  sc.cancelAllJobs();
  await all;
});

test('a function with a free variable is refused before any task runs, naming it and the transformation', () => {
  const secretValue = 42;
  const limit = 3;
  assert.throws(() => sc.parallelize([1]).map((x) => x + secretValue), {
    name: 'SparkException',
    message: "Task not serializable: the function passed to map uses the free variable 'secretValue', which is not available on executors. Pass it explicitly: map(fn, { secretValue }), or use sc.broadcast() for large values.",
  });
  assert.throws(() => sc.parallelize([1]).filter((x) => x > limit && x < secretValue), /filter uses free variables 'limit', 'secretValue'/);
  assert.throws(() => sc.parallelize([[1, 2]] as [number, number][]).reduceByKey((a, b) => a + b + limit), /reduceByKey uses the free variable 'limit'/);
  assert.doesNotThrow(() => sc.parallelize([1]).map((x) => Math.max(x, JSON.parse('1'))), 'globals are fine');
  assert.doesNotThrow(() => sc.parallelize([1]).map((x) => { const y = x + 1; function inner(z: number) { return z * y; } return inner(2); }), 'locals are fine');
  assert.throws(() => sc.parallelize([1]).map(Math.abs), /native or bound/);
  assert.throws(() => sc.parallelize([1]).map((x) => x, { f: () => 1 }), /env value 'f' is a function/);
});

test('bad arguments get clear errors', () => {
  assert.throws(() => sc.parallelize([1], 0), /parallelize: numSlices should be a whole number of at least 1, but was 0/);
  assert.throws(() => sc.range(0, 10, 0), /range: step cannot be 0/);
  assert.throws(() => sc.parallelize([1]).repartition(-1), /repartition: numPartitions should be a whole number of at least 1, but was -1/);
  assert.throws(() => new SparkContext(new SparkConf().setMaster('local[2]').setAppName('second')), /Only one SparkContext/);
  assert.equal(SparkContext.getOrCreate(), sc);
});
