import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkConf, SparkContext, MiniCluster, ExternalShuffleService, type SparkListenerEvent } from '../../src/index.js';
import { targetExecutors } from '../../src/scheduler/ExecutorAllocationManager.js';
import { freePort } from '../helpers/zookeeper.js';
import { waitFor } from '../helpers/events.js';

test('target executors: enough for the tasks, within bounds, growing step by step', () => {
  const p = { min: 1, max: 6, initial: 1, backlogTimeoutMs: 0, sustainedBacklogTimeoutMs: 0, idleTimeoutMs: 0, cachedIdleTimeoutMs: 0, shuffleIdleTimeoutMs: 0, ratio: 1 };
  assert.equal(targetExecutors(p, 10, 2, 1, 1), 2, 'one more at first');
  assert.equal(targetExecutors(p, 10, 2, 2, 4), 5, 'ten tasks on two-core executors need five');
  assert.equal(targetExecutors(p, 100, 1, 4, 8), 6, 'never above max');
  assert.equal(targetExecutors(p, 0, 1, 3, 1), 1, 'never below min');
  assert.equal(targetExecutors({ ...p, ratio: 0.5 }, 10, 1, 1, 16), 5, 'allocation ratio');
});

test('dynamic allocation needs the external shuffle service or shuffle tracking', () => {
  assert.throws(
    () => new SparkContext(new SparkConf().setMaster('local-cluster[1,1,256]').setAppName('x').set('spark.dynamicAllocation.enabled', 'true')
      .set('spark.dynamicAllocation.shuffleTracking.enabled', 'false')),
    /Dynamic allocation of executors requires the external shuffle service \(spark.shuffle.service.enabled\) or shuffle tracking/,
  );
});

test('executors grow under backlog, shrink when idle, and shuffle data survives the shrink', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dyn-ess-'));
  const port = await freePort();
  const service = new ExternalShuffleService({ host: '127.0.0.1', port, dir, secret: undefined, cleanerIntervalMs: 1000 });
  await service.start();
  const cluster = await new MiniCluster({ agents: 2, resources: 'cpus:2;mem:4096', master: { allocationIntervalMs: 50 }, agent: { statusUpdateRetryMs: 300 } }).start();
  const running = () => ((cluster.master.state().frameworks as { tasks: { state: string }[] }[])[0]?.tasks ?? []).filter((t) => t.state === 'TASK_RUNNING').length;
  const sc = new SparkContext(new SparkConf().setMaster(cluster.masterUrl).setAppName('dynamic')
    .set('spark.dynamicAllocation.enabled', 'true').set('spark.dynamicAllocation.minExecutors', '0').set('spark.dynamicAllocation.maxExecutors', '4')
    .set('spark.dynamicAllocation.schedulerBacklogTimeout', '0').set('spark.dynamicAllocation.sustainedSchedulerBacklogTimeout', '0')
    .set('spark.dynamicAllocation.executorIdleTimeout', '1')
    .set('spark.shuffle.service.enabled', 'true').set('spark.shuffle.service.port', String(port)).set('spark.shuffle.service.localDir', dir)
    .set('spark.executor.cores', '1').set('spark.executor.memory', '256m'));
  const events: SparkListenerEvent[] = [];
  sc.addSparkListener((e) => events.push(e));
  try {
    await sc.ready();
    assert.equal(running(), 0, 'no executors before there is work');
    let peak = 0;
    const watch = setInterval(() => (peak = Math.max(peak, running())), 50);
    const pairs = sc.parallelize(Array.from({ length: 800 }, (_, i) => i), 8)
      .map((x) => {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
        return [x % 9, x] as [number, number];
      })
      .reduceByKey((a, b) => a + b, 4);
    const first = new Map(await pairs.collect());
    clearInterval(watch);
    const want = new Map<number, number>();
    for (let x = 0; x < 800; x++) want.set(x % 9, (want.get(x % 9) ?? 0) + x);
    assert.deepEqual(first, want);
    assert.ok(peak >= 3, `executors grew under the backlog (peak ${peak})`);
    await waitFor(() => running() === 0, 20_000, 'idle executors released');
    // The shuffle output outlived the executors: a new job reuses it without running the map stage again.
    const stagesBefore = events.filter((e) => e.type === 'stageSubmitted').length;
    const again = new Map(await pairs.collect());
    assert.deepEqual(again, want);
    const newStages = events.filter((e) => e.type === 'stageSubmitted').slice(stagesBefore);
    assert.equal(newStages.length, 1, 'only the reduce stage ran');
  } finally {
    await sc.stop();
    await cluster.stop();
    await service.stop();
  }
});
