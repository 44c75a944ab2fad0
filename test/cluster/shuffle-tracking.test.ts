/**
 * `spark.dynamicAllocation.shuffleTracking.enabled` (Spark 3's default): dynamic allocation without the external
 * shuffle service keeps idle executors holding shuffle output an active job needs; other idle executors go after
 * `executorIdleTimeout`, and holders go once no job needs their output.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SparkConf, SparkContext, MiniCluster, type SparkListenerEvent } from '../../src/index.js';
import { allocationPolicy, idleTimeoutOf, releasableExecutors, type AllocationPolicy } from '../../src/scheduler/ExecutorAllocationManager.js';
import { MapOutputTracker } from '../../src/scheduler/MapOutputTracker.js';
import { waitFor } from '../helpers/events.js';

test('the allocation policy reads shuffleTracking.timeout (default: none)', () => {
  assert.equal(allocationPolicy(new SparkConf()).shuffleIdleTimeoutMs, Infinity);
  assert.equal(allocationPolicy(new SparkConf({ 'spark.dynamicAllocation.shuffleTracking.timeout': '30s' })).shuffleIdleTimeoutMs, 30_000);
  assert.equal(allocationPolicy(new SparkConf({ 'spark.dynamicAllocation.shuffleTracking.timeout': '1500' })).shuffleIdleTimeoutMs, 1500, 'a bare number is milliseconds, as in Spark');
});

test('idle timeouts by what an executor holds: live shuffle output, cached blocks, both, neither', () => {
  const p: AllocationPolicy = { min: 0, max: 10, initial: 0, backlogTimeoutMs: 0, sustainedBacklogTimeoutMs: 0, idleTimeoutMs: 1000, cachedIdleTimeoutMs: 5000, shuffleIdleTimeoutMs: Infinity, ratio: 1 };
  const cases: [string, AllocationPolicy, boolean, boolean, number][] = [
    ['neither: executorIdleTimeout', p, false, false, 1000],
    ['cached blocks: cachedExecutorIdleTimeout', p, true, false, 5000],
    ['live shuffle output: kept (no shuffle timeout)', p, false, true, Infinity],
    ['live shuffle output: shuffleTracking.timeout', { ...p, shuffleIdleTimeoutMs: 3000 }, false, true, 3000],
    ['both: the shorter of the two', { ...p, shuffleIdleTimeoutMs: 3000 }, true, true, 3000],
    ['both, no shuffle timeout: the cached one', p, true, true, 5000],
  ];
  for (const [what, policy, cached, shuffle, want] of cases) assert.equal(idleTimeoutOf(policy, { cached, shuffle }), want, what);
  const idle = [{ id: 'plain', idleForMs: 9000, cached: false }, { id: 'holder', idleForMs: 9000, cached: false, shuffle: true }];
  assert.deepEqual(releasableExecutors(p, idle, 2), ['plain']);
  assert.deepEqual(releasableExecutors({ ...p, shuffleIdleTimeoutMs: 8000 }, idle, 2), ['plain', 'holder']);
});

test('shuffle holders: executors with their own output of the given shuffles (not the shuffle service\'s)', () => {
  const t = new MapOutputTracker();
  t.register(0, 2);
  t.register(1, 2);
  t.addOutput({ shuffleId: 0, mapId: 0, executorId: 'a', path: '/0/0', offsets: [0] });
  t.addOutput({ shuffleId: 0, mapId: 1, executorId: 'b', path: '/0/1', offsets: [0], external: { appId: 'app' } });
  t.addOutput({ shuffleId: 1, mapId: 0, executorId: 'c', path: '/1/0', offsets: [0] });
  assert.deepEqual([...t.holders([0])], ['a']);
  assert.deepEqual([...t.holders([0, 1])].sort(), ['a', 'c']);
  assert.deepEqual([...t.holders([])], []);
});

test('on mini-Mesos without a shuffle service, an idle executor holding a running job\'s shuffle output is kept; one without is released', async () => {
  const cluster = await new MiniCluster({ agents: 3, resources: 'cpus:1;mem:2048', master: { allocationIntervalMs: 50 }, agent: { statusUpdateRetryMs: 300 } }).start();
  const sc = new SparkContext(new SparkConf().setMaster(cluster.masterUrl).setAppName('shuffle-tracking').set('spark.ui.enabled', 'false')
    .set('spark.dynamicAllocation.enabled', 'true').set('spark.dynamicAllocation.minExecutors', '0').set('spark.dynamicAllocation.maxExecutors', '3')
    .set('spark.dynamicAllocation.initialExecutors', '3').set('spark.dynamicAllocation.executorIdleTimeout', '5s')
    .set('spark.executor.cores', '1').set('spark.executor.memory', '256m'));
  const events: SparkListenerEvent[] = [];
  sc.addSparkListener((e) => events.push(e));
  try {
    await sc.ready();
    await waitFor(() => sc.executorIds.length === 3, 30_000, 'three executors');
    const initial = [...sc.executorIds];
    // Two map tasks on two executors, then one slow reduce task: at least one holder sits idle for longer than
    // executorIdleTimeout while the job still needs its output.
    const out = await sc.parallelize([1, 2, 3, 4, 5, 6], 2).map((x): [number, number] => [x % 3, x]).reduceByKey((a, b) => a + b, 1)
      .mapPartitions(async (it) => {
        await new Promise((r) => setTimeout(r, 12_000));
        return [...{ [Symbol.iterator]: () => it }];
      }).collect();
    assert.deepEqual(out.sort((a, b) => a[0] - b[0]), [[0, 9], [1, 5], [2, 7]]);
    await waitFor(() => events.some((e) => e.type === 'jobEnd'), 10_000, 'the job\'s end on the listener bus');
    const ends = events.filter((e): e is Extract<SparkListenerEvent, { type: 'taskEnd' }> => e.type === 'taskEnd');
    const mapStage = Math.min(...ends.map((e) => e.stageId));
    const holders = new Set(ends.filter((e) => e.stageId === mapStage).map((e) => e.executorId));
    const reducer = ends.find((e) => e.stageId !== mapStage)!.executorId;
    const jobEnd = events.find((e) => e.type === 'jobEnd')!.time;
    const removedAt = new Map(events.flatMap((e) => (e.type === 'executorRemoved' ? [[e.executorId, e.time] as const] : [])));
    const idleHolders = [...holders].filter((e) => e !== reducer);
    const idleOthers = initial.filter((e) => !holders.has(e) && e !== reducer);
    assert.equal(holders.size, 2, 'the map tasks ran on two executors');
    assert.ok(idleHolders.length >= 1 && idleOthers.length >= 1, `an idle holder and an idle executor without output (holders ${[...holders]}, reducer ${reducer}, executors ${initial})`);
    for (const e of idleHolders) assert.ok(!removedAt.has(e) || removedAt.get(e)! > jobEnd, `idle holder ${e} kept while the job ran`);
    for (const e of idleOthers) assert.ok(removedAt.has(e) && removedAt.get(e)! < jobEnd, `idle executor ${e} without shuffle output released during the job`);
    // No job needs the output any more: the holders idle out as usual.
    await waitFor(() => sc.executorIds.length === 0, 20_000, 'the holders released after the job');
  } finally {
    await sc.stop();
    await cluster.stop();
  }
});
