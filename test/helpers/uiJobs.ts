/** The application the UI tests look at: a cached RDD, a shuffle (run twice, so its map stage is skipped once) and a failed task. */
import assert from 'node:assert/strict';
import type { SparkContext } from '../../src/index.js';

export interface UiDemo {
  /** Id of the cached RDD. */
  cachedRdd: number;
}

export async function runUiDemo(sc: SparkContext): Promise<UiDemo> {
  const pairs = sc.parallelize(Array.from({ length: 60 }, (_, i) => i), 3).map((x) => [x % 3, x] as [number, number]).setName('pairs').cache();
  sc.setJobGroup('demo-group', 'count the pairs');
  assert.equal(await pairs.count(), 60);
  sc.clearJobGroup();
  const sums = pairs.reduceByKey((a, b) => a + b, 2);
  assert.deepEqual(new Map(await sums.collect()), new Map([[0, 570], [1, 590], [2, 610]]));
  assert.equal((await sums.collect()).length, 3);
  await assert.rejects(
    sc.parallelize([1, 2, 3, 4], 2).map((x) => {
      if (x === 4) {
        // Fails after a moment, so the stage's other task has finished (and has metrics to summarize) by then.
        const until = Date.now() + 500;
        while (Date.now() < until);
        throw new TypeError(`boom on ${x}`);
      }
      return x;
    }).collect(),
    /boom on 4/,
  );
  return { cachedRdd: pairs.id };
}
