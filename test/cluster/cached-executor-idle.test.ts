/**
 * `spark.dynamicAllocation.cachedExecutorIdleTimeout`: an idle executor holding cached blocks is kept until that
 * timeout, while idle executors without cached data go after `executorIdleTimeout`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkConf, SparkContext, MiniCluster, ExternalShuffleService } from '../../src/index.js';
import { allocationPolicy, releasableExecutors, type AllocationPolicy } from '../../src/scheduler/ExecutorAllocationManager.js';
import { freePort } from '../helpers/zookeeper.js';
import { waitFor } from '../helpers/events.js';

test('the allocation policy reads both idle timeouts (default: cached executors are never released)', () => {
  assert.equal(allocationPolicy(new SparkConf()).cachedIdleTimeoutMs, 2147483647 * 1000);
  const p = allocationPolicy(new SparkConf({ 'spark.dynamicAllocation.executorIdleTimeout': '5', 'spark.dynamicAllocation.cachedExecutorIdleTimeout': '90s' }));
  assert.deepEqual([p.idleTimeoutMs, p.cachedIdleTimeoutMs], [5000, 90_000]);
});

test('releasable executors: each by its own timeout, keeping minExecutors', () => {
  const p: AllocationPolicy = { min: 0, max: 10, initial: 0, backlogTimeoutMs: 0, sustainedBacklogTimeoutMs: 0, idleTimeoutMs: 1000, cachedIdleTimeoutMs: 5000, shuffleIdleTimeoutMs: Infinity, ratio: 1 };
  const cases: [string, AllocationPolicy, [string, number, boolean][], number, string[]][] = [
    ['plain executors go after the idle timeout', p, [['a', 1000, false], ['b', 999, false]], 2, ['a']],
    ['a cached executor stays past the idle timeout', p, [['a', 1000, false], ['c', 4999, true]], 2, ['a']],
    ['a cached executor goes after the cached timeout', p, [['a', 1000, false], ['c', 5000, true]], 2, ['a', 'c']],
    ['minExecutors are kept', { ...p, min: 1 }, [['a', 9000, false], ['c', 9000, true]], 2, ['a']],
    ['busy executors count toward the minimum', { ...p, min: 2 }, [['a', 9000, false]], 3, ['a']],
  ];
  for (const [what, policy, idle, live, want] of cases) {
    assert.deepEqual(releasableExecutors(policy, idle.map(([id, idleForMs, cached]) => ({ id, idleForMs, cached })), live), want, what);
  }
});

test('on mini-Mesos, the executor holding cached blocks outlives executorIdleTimeout until cachedExecutorIdleTimeout', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dyn-cached-'));
  const port = await freePort();
  const service = new ExternalShuffleService({ host: '127.0.0.1', port, dir, secret: undefined, cleanerIntervalMs: 1000 });
  await service.start();
  const cluster = await new MiniCluster({ agents: 2, resources: 'cpus:1;mem:2048', master: { allocationIntervalMs: 50 }, agent: { statusUpdateRetryMs: 300 } }).start();
  const running = () => ((cluster.master.state().frameworks as { tasks: { state: string }[] }[])[0]?.tasks ?? []).filter((t) => t.state === 'TASK_RUNNING').length;
  const sc = new SparkContext(new SparkConf().setMaster(cluster.masterUrl).setAppName('dynamic-cached').set('spark.ui.enabled', 'false')
    .set('spark.dynamicAllocation.enabled', 'true').set('spark.dynamicAllocation.minExecutors', '0').set('spark.dynamicAllocation.maxExecutors', '2')
    .set('spark.dynamicAllocation.schedulerBacklogTimeout', '0').set('spark.dynamicAllocation.sustainedSchedulerBacklogTimeout', '0')
    .set('spark.dynamicAllocation.executorIdleTimeout', '1').set('spark.dynamicAllocation.cachedExecutorIdleTimeout', '6s')
    .set('spark.shuffle.service.enabled', 'true').set('spark.shuffle.service.port', String(port)).set('spark.shuffle.service.localDir', dir)
    .set('spark.executor.cores', '1').set('spark.executor.memory', '256m'));
  try {
    await sc.ready();
    const cached = sc.parallelize([1, 2, 3, 4], 1).map((x) => x * 10).cache();
    assert.equal(await cached.sum(), 100);
    // Two slow tasks: a second executor joins.
    const slow = sc.parallelize([1, 2, 3, 4, 5, 6], 2).map((x) => {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 800);
      return x;
    });
    assert.equal(await slow.sum(), 21);
    await waitFor(() => sc.executorIds.length === 2, 20_000, 'two executors');
    const holder = sc.blockLocations(`rdd_${cached.id}_0`);
    assert.equal(holder.length, 1, 'one executor holds the cached partition');
    await waitFor(() => sc.executorIds.length === 1, 10_000, 'the executor without cached data released after executorIdleTimeout');
    const releasedAt = Date.now();
    assert.deepEqual(sc.executorIds, holder, 'the executor holding the cached partition is kept');
    await new Promise((r) => setTimeout(r, 2000));
    assert.deepEqual(sc.executorIds, holder, 'still kept, well past executorIdleTimeout');
    assert.equal(running(), 1);
    await waitFor(() => sc.executorIds.length === 0, 15_000, 'released after cachedExecutorIdleTimeout');
    assert.ok(Date.now() - releasedAt >= 2500, 'not before the cached timeout');
  } finally {
    await sc.stop();
    await cluster.stop();
    await service.stop();
  }
});
