/** Jobs and cluster set-ups the Mesos end-to-end tests share (coarse- and fine-grained modes run the same checks). */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkContext, MiniCluster, type SparkConf } from '../../src/index.js';
import { assertSecretsOutOfState } from './secrets.js';

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

/** An executor secret and the shared secret of `spark.authenticate`, with characters JSON escapes. */
const DB_PASSWORD = 'pa"ss\\word-0123';
const AUTH_SECRET = 'auth"key\\5678-abcd';

/**
 * URIs fetched into the executors' sandboxes, executor secrets (environment and file) and `spark.executorEnv.*` reach
 * shipped functions, and no secret shows in any state endpoint of the master or agents, in any encoding.
 */
export async function checkUrisAndSecrets(c: MiniCluster, conf: SparkConf): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'e2e-uris-'));
  writeFileSync(join(dir, 'lookup.txt'), 'from-a-uri');
  const sc = new SparkContext(conf
    .set('spark.mesos.uris', `file://${join(dir, 'lookup.txt')}`)
    .set('spark.mesos.executor.secret.values', DB_PASSWORD).set('spark.mesos.executor.secret.envkeys', 'DB_PASSWORD')
    .set('spark.mesos.executor.secret.filenames', 'db.pw')
    .set('spark.authenticate', 'true').set('spark.authenticate.secret', AUTH_SECRET)
    .set('spark.executorEnv.GREETING', 'hello'));
  try {
    await sc.ready();
    const seen = await sc.parallelize([1, 2], 2).map(() => [
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- executors provide `require` to shipped functions
      require('node:fs').readFileSync(`${process.env.MESOS_SANDBOX}/lookup.txt`, 'utf8'),
      process.env.DB_PASSWORD,
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- as above
      require('node:fs').readFileSync(`${process.env.MESOS_SANDBOX}/db.pw`, 'utf8'),
      process.env.GREETING,
    ]).collect();
    const want = ['from-a-uri', DB_PASSWORD, DB_PASSWORD, 'hello'];
    assert.ok(seen.length === 2 && seen.every((s) => JSON.stringify(s) === JSON.stringify(want)), 'URIs, secrets and executorEnv reach the executors');
    await assertSecretsOutOfState(c, [DB_PASSWORD, AUTH_SECRET]);
  } finally {
    await sc.stop();
  }
}
