// A task thread of an executor process that dies (a throwing timer, an unhandled rejection) fails its task with the
// cause; the executor starts a new thread and the scheduler retries the task, instead of the job hanging.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SparkConf, SparkContext, TaskContext, type SparkListenerEvent } from '../../src/index.js';

describe('an executor process (local-cluster)', () => {
  let sc: SparkContext;
  const events: SparkListenerEvent[] = [];
  before(async () => {
    sc = new SparkContext(new SparkConf().setMaster('local-cluster[1,1,512]').setAppName('thread-crash').set('spark.task.maxFailures', '3'));
    sc.addSparkListener((e) => events.push(e));
    await sc.ready();
  });
  after(async () => {
    await sc.stop();
  });

  const failures = (stageIds: Set<number>) => events.filter((e) => e.type === 'taskEnd' && stageIds.has(e.stageId) && e.result === 'failed');
  const stagesSince = (n: number) => new Set(events.slice(n).flatMap((e) => (e.type === 'stageSubmitted' ? [e.stageId] : [])));

  test('a timer throwing in the first attempt: the task fails with the cause and the retry completes the job', async () => {
    const mark = events.length;
    const out = await sc.parallelize([1, 2, 3], 1).mapPartitions(async (it) => {
      if (TaskContext.get()!.attemptNumber === 0) {
        setTimeout(() => {
          throw new Error('boom in a timer');
        }, 10);
        await new Promise((r) => setTimeout(r, 5000));
      }
      return [...{ [Symbol.iterator]: () => it }].map((x) => x * 2);
    }).collect();
    assert.deepEqual(out, [2, 4, 6]);
    const failed = failures(stagesSince(mark));
    assert.equal(failed.length, 1);
    assert.match(String((failed[0] as { error?: string }).error), /boom in a timer/);
  });

  test('an unhandled rejection in the first attempt: the retry completes the job', async () => {
    const mark = events.length;
    const out = await sc.parallelize([1, 2], 1).mapPartitions(async (it) => {
      if (TaskContext.get()!.attemptNumber === 0) {
        void Promise.reject(new Error('nobody caught me'));
        await new Promise((r) => setTimeout(r, 5000));
      }
      return [...{ [Symbol.iterator]: () => it }];
    }).collect();
    assert.deepEqual(out, [1, 2]);
    const failed = failures(stagesSince(mark));
    assert.equal(failed.length, 1);
    assert.match(String((failed[0] as { error?: string }).error), /nobody caught me/);
  });

  test('a thread that dies in every attempt fails the job with the cause after spark.task.maxFailures', async () => {
    const mark = events.length;
    await assert.rejects(
      sc.parallelize([1], 1).mapPartitions(async (it) => {
        setTimeout(() => {
          throw new Error('always broken');
        }, 10);
        await new Promise((r) => setTimeout(r, 5000));
        return [...{ [Symbol.iterator]: () => it }];
      }).collect(),
      /failed 3 times.*always broken/s,
    );
    await new Promise((r) => setTimeout(r, 100)); // listener events are delivered asynchronously
    assert.equal(failures(stagesSince(mark)).length, 3);
    // The executor is still usable afterwards.
    assert.deepEqual(await sc.parallelize([5], 1).map((x) => x + 1).collect(), [6]);
  });
});

test('local mode: a thread that dies names the cause in the job failure', async () => {
  const local = new SparkContext(new SparkConf().setMaster('local[1]').setAppName('thread-crash-local'));
  try {
    await assert.rejects(
      local.parallelize([1], 1).mapPartitions(async (it) => {
        setTimeout(() => {
          throw new Error('local timer boom');
        }, 10);
        await new Promise((r) => setTimeout(r, 5000));
        return [...{ [Symbol.iterator]: () => it }];
      }).collect(),
      /local timer boom/,
    );
  } finally {
    await local.stop();
  }
});
