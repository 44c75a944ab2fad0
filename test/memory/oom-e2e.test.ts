// A task that outgrows its executor's memory fails with a message naming the stage and the settings to change (its
// thread's heap is capped from spark.executor.memory); the executor lives on and runs the next job.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SparkConf, SparkContext } from '../../src/index.js';

let sc: SparkContext;
before(async () => {
  sc = new SparkContext(new SparkConf().setMaster('local-cluster[1,1,256]').setAppName('oom').set('spark.task.maxFailures', '1').set('spark.ui.enabled', 'false'));
  await sc.ready();
});
after(async () => {
  await sc.stop();
});

test('a task past its heap limit fails naming the stage and spark.executor.memory', async () => {
  const job = sc.parallelize([1], 1).map(() => {
    const hoard: string[][] = [];
    for (let i = 0; ; i++) hoard.push([`row ${i}`, `value ${i * 2}`]);
  }).collect();
  await assert.rejects(job, (err: Error) => {
    assert.match(err.message, /task \d+ in stage \d+ ran out of memory \(its thread's heap limit is 256 MiB/);
    assert.match(err.message, /Raise spark\.executor\.memory/);
    return true;
  });
  assert.equal(await sc.parallelize([1, 2, 3], 1).count(), 3, 'the executor runs the next job');
});
