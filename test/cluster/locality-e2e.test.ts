/**
 * Dynamic allocation's locality hint end to end: the engine's pending tasks prefer the host of the executor caching
 * their input, the allocation manager hands that to the coarse backend with its request, and the backend holds an
 * offer from another host back for `spark.locality.wait` (Spark's `satisfiesLocality`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SparkConf, SparkContext, type MesosCoarseGrainedSchedulerBackend } from '../../src/index.js';
import { waitFor } from '../helpers/events.js';
import { withCluster } from '../helpers/jobs.js';

const LOCALITY_WAIT_MS = 2000;

test('dynamic allocation: pending tasks\' preferred hosts reach the backend, which waits for them before using another host', async () => {
  await withCluster({ agents: 2, agentHosts: ['127.0.0.1', '127.0.0.2'], resources: 'cpus:1;mem:2048' }, async (c) => {
    const sc = new SparkContext(new SparkConf().setMaster(c.masterUrl).setAppName('locality').set('spark.ui.enabled', 'false')
      .set('spark.dynamicAllocation.enabled', 'true').set('spark.dynamicAllocation.testing', 'true')
      .set('spark.dynamicAllocation.minExecutors', '1').set('spark.dynamicAllocation.initialExecutors', '1').set('spark.dynamicAllocation.maxExecutors', '2')
      .set('spark.dynamicAllocation.schedulerBacklogTimeout', '2').set('spark.dynamicAllocation.sustainedSchedulerBacklogTimeout', '2')
      .set('spark.dynamicAllocation.executorIdleTimeout', '120')
      .set('spark.locality.wait', `${LOCALITY_WAIT_MS}ms`).set('spark.executor.cores', '1').set('spark.executor.memory', '256m'));
    const backend = sc.schedulerBackend as MesosCoarseGrainedSchedulerBackend;
    try {
      await sc.ready();
      await waitFor(() => backend.driver.executors.size === 1, 30_000, 'the first executor');
      const first = [...backend.driver.executors.values()][0]!;
      // A quick job caches four partitions on the only executor (too quick for a backlog to ask for more).
      const cached = sc.parallelize(Array.from({ length: 8 }, (_, i) => i), 4).cache();
      assert.equal(await cached.count(), 8);
      assert.equal(backend.numExecutors, 1);
      // Slow tasks over the cached partitions: they all prefer the first executor's host, and wait for its one core.
      const job = cached.map((x) => {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
        return x;
      }).collect();
      job.catch(() => undefined); // (a failed assertion below stops the context, which cancels the job)
      await waitFor(() => backend.hostToLocalTaskCount.size > 0, 20_000, 'the request for more executors, with the locality hint');
      const requestedAt = Date.now();
      assert.deepEqual([...backend.hostToLocalTaskCount.keys()], [first.host], 'the pending tasks prefer the cached executor\'s host');
      await waitFor(() => backend.numExecutors === 2, 30_000, 'a second executor');
      const launchedAfter = Date.now() - requestedAt;
      // (less a little for the 25 ms polls that observed the request and the launch)
      assert.ok(launchedAfter >= LOCALITY_WAIT_MS - 100, `the other host's offer waited for spark.locality.wait (launched ${launchedAfter} ms after the request)`);
      assert.equal((await job).length, 8);
    } finally {
      await sc.stop();
    }
  });
});
