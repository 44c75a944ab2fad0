/** Jobs and cluster set-ups the Mesos end-to-end tests share (coarse- and fine-grained modes run the same checks). */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkContext, MiniCluster, type SparkConf } from '../../src/index.js';

export async function withCluster<T>(opts: ConstructorParameters<typeof MiniCluster>[0], fn: (c: MiniCluster) => Promise<T>): Promise<T> {
  const c = await new MiniCluster({ master: { allocationIntervalMs: 50 }, agent: { statusUpdateRetryMs: 500 }, ...opts }).start();
  try {
    return await fn(c);
  } finally {
    await c.stop();
  }
}

/**
 * A shuffle job slow enough to be interrupted (each record takes ~`msPerRecord` ms): sums of 0..n-1 by x % mod,
 * checked against the answer computed here.
 */
export async function runModSums(sc: SparkContext, n: number, partitions: number, mod: number, msPerRecord: number): Promise<void> {
  const data = Array.from({ length: n }, (_, i) => i);
  const out = await sc.parallelize(data, partitions)
    .map((x) => {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, msPerRecord);
      return [x % mod, x] as [number, number];
    }, { msPerRecord, mod })
    .reduceByKey((a, b) => a + b)
    .collect();
  const want = new Map<number, number>();
  for (const x of data) want.set(x % mod, (want.get(x % mod) ?? 0) + x);
  assert.deepEqual(new Map(out), want, 'the job completed correctly');
}

/**
 * URIs fetched into the executors' sandboxes, executor secrets and `spark.executorEnv.*` reach shipped functions,
 * and the secret stays out of the master's /state.
 */
export async function checkUrisAndSecrets(c: MiniCluster, conf: SparkConf): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'e2e-uris-'));
  writeFileSync(join(dir, 'lookup.txt'), 'from-a-uri');
  const sc = new SparkContext(conf
    .set('spark.mesos.uris', `file://${join(dir, 'lookup.txt')}`)
    .set('spark.mesos.executor.secret.values', 'hunter2').set('spark.mesos.executor.secret.envkeys', 'DB_PASSWORD')
    .set('spark.executorEnv.GREETING', 'hello'));
  try {
    await sc.ready();
    const seen = await sc.parallelize([1, 2], 2).map(() => [
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- executors provide `require` to shipped functions
      require('node:fs').readFileSync(`${process.env.MESOS_SANDBOX}/lookup.txt`, 'utf8'),
      process.env.DB_PASSWORD,
      process.env.GREETING,
    ]).collect();
    assert.deepEqual(seen, [['from-a-uri', 'hunter2', 'hello'], ['from-a-uri', 'hunter2', 'hello']]);
    assert.ok(!JSON.stringify(c.master.state()).includes('hunter2'), 'the secret is not in /state');
  } finally {
    await sc.stop();
  }
}
