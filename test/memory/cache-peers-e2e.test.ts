/**
 * A partition cached in memory by one task thread is read by the executor's other task threads (a copy from the
 * holder, src/memory/PeerBlocks.ts), as Spark's BlockManager serves every task of its executor: across many jobs,
 * whichever thread runs a task, each partition is computed once. In local-cluster the driver picks the executor, not
 * the thread, so without sharing about half the tasks of each job would recompute their partition. In local[N] each
 * thread is an executor of its own and the scheduler's locality already prefers the holder; it is checked alike.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SparkConf, SparkContext } from '../../src/index.js';

for (const master of ['local-cluster[1,2,1024]', 'local[2]']) {
  test(`${master}: in-memory cached partitions are computed once, whichever task thread reads them`, async () => {
    const sc = new SparkContext(new SparkConf().setMaster(master).setAppName('cache-peers').set('spark.ui.enabled', 'false'));
    try {
      await sc.ready();
      const computed = sc.longAccumulator('computed');
      const rdd = sc.range(0, 8000, 1, 8).map((i) => {
        computed.add(1);
        return `v${i}`;
      }, { computed }).persist('MEMORY_ONLY');
      const want = Array.from({ length: 8000 }, (_, i) => `v${i}`);
      for (let round = 0; round < 6; round++) assert.deepEqual(await rdd.collect(), want, `round ${round}`);
      assert.equal(computed.value, 8000, 'each partition computed once over six jobs');
      // Dropped everywhere on unpersist: cached again, each partition is computed once more, never served stale.
      rdd.unpersist();
      await new Promise((r) => setTimeout(r, 300));
      rdd.persist('MEMORY_ONLY');
      for (let round = 0; round < 4; round++) assert.deepEqual(await rdd.collect(), want, `again, round ${round}`);
      assert.equal(computed.value, 16000);
    } finally {
      await sc.stop();
    }
  });
}

test('records v8 cannot copy (a function) are computed by the thread that needs them; the holder is unharmed', async () => {
  // One failed task fails the job: a holder thread that died answering would show.
  const sc = new SparkContext(new SparkConf().setMaster('local-cluster[1,2,1024]').setAppName('cache-peers-fn').set('spark.ui.enabled', 'false')
    .set('spark.task.maxFailures', '1'));
  try {
    await sc.ready();
    const rdd = sc.range(0, 4000, 1, 8).map((i) => ({ i, twice: () => i * 2 })).persist('MEMORY_ONLY');
    for (let round = 0; round < 5; round++) assert.equal(await rdd.map((r) => r.twice()).sum(), 4000 * 3999, `round ${round}`);
  } finally {
    await sc.stop();
  }
});
