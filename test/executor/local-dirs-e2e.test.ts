// Executors keep their scratch data under spark.local.dir (local-cluster) or the Mesos sandbox (coarse- and
// fine-grained executors started by mini-Mesos agents), in per-application, per-executor folders removed on exit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkConf, SparkContext } from '../../src/index.js';
import { waitFor } from '../helpers/events.js';
import { withCluster } from '../helpers/jobs.js';
import type { LocalClusterBackend } from '../../src/scheduler/cluster/LocalClusterBackend.js';

const pairs = Array.from({ length: 200 }, (_, i) => [i % 10, i] as [number, number]);

test('local-cluster: executors write under spark.local.dir/spark-mesos-<app>/executor-<id>-*, removed on stop', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'local-dir-'));
  const sc = new SparkContext(new SparkConf().setMaster('local-cluster[2,1,512]').setAppName('local-dirs')
    .set('spark.local.dir', dir).set('spark.shuffle.spill.numElementsForceSpillThreshold', '10'));
  try {
    await sc.ready();
    const sums = await sc.parallelize(pairs, 4).reduceByKey((a, b) => a + b).collect();
    assert.equal(sums.length, 10);
    const appDir = join(dir, `spark-mesos-${sc.applicationId}`);
    const executors = readdirSync(appDir).sort();
    assert.equal(executors.length, 2);
    assert.match(executors[0]!, /^executor-0-/);
    assert.match(executors[1]!, /^executor-1-/);
    const shuffleFiles = executors.flatMap((e) => readdirSync(join(appDir, e, 'shuffle')));
    assert.ok(shuffleFiles.length > 0, 'shuffle output is in the executors\' folders');
    await sc.stop();
    assert.ok(!existsSync(appDir), 'the application folder is gone after a clean stop');
    assert.deepEqual(readdirSync(dir), [], 'nothing left under spark.local.dir');
  } finally {
    await sc.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('local-cluster: an executor stopped with SIGTERM (as Mesos kills a task) removes its folder', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'local-dir-'));
  const sc = new SparkContext(new SparkConf().setMaster('local-cluster[1,1,512]').setAppName('local-dirs-term').set('spark.local.dir', dir));
  try {
    await sc.ready();
    const appDir = join(dir, `spark-mesos-${sc.applicationId}`);
    const folders = () => readdirSync(appDir).filter((d) => d.startsWith('executor-0-'));
    assert.equal(folders().length, 1);
    process.kill((sc.schedulerBackend as LocalClusterBackend).executorPids.get('0')!, 'SIGTERM');
    await waitFor(() => !existsSync(appDir) || folders().length === 0, 15_000, 'executor 0 removed its folder');
  } finally {
    await sc.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const coarse of [true, false]) {
  test(`mini-Mesos ${coarse ? 'coarse' : 'fine'}-grained: executors write in their sandbox, not spark.local.dir; removed on exit`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'local-dir-'));
    try {
      await withCluster({ agents: 1, resources: 'cpus:2;mem:4096' }, async (c) => {
        const sc = new SparkContext(new SparkConf().setMaster(c.masterUrl).setAppName('sandbox-dirs')
          .set('spark.mesos.coarse', String(coarse)).set('spark.executor.memory', '256m').set('spark.ui.enabled', 'false')
          .set('spark.local.dir', dir));
        let seen: [string, string[]][] = [];
        try {
          await sc.ready();
          const appId = sc.applicationId;
          assert.equal((await sc.parallelize(pairs, 2).reduceByKey((a, b) => a + b).collect()).length, 10);
          seen = await sc.parallelize([0], 1).map(() => {
            // eslint-disable-next-line @typescript-eslint/no-require-imports -- executors provide `require` to shipped functions
            const fs = require('node:fs');
            const appDir = `${process.env.MESOS_SANDBOX}/spark-mesos-${appId}`;
            return [appDir, fs.readdirSync(appDir)] as [string, string[]];
          }, { appId }).collect();
        } finally {
          await sc.stop();
        }
        const [appDir, executors] = seen[0]!;
        assert.equal(executors.length, 1);
        assert.match(executors[0]!, /^executor-/);
        assert.ok(!readdirSync(dir).some((d) => d.includes(sc.applicationId)), 'nothing of the executors under spark.local.dir');
        await waitFor(() => !existsSync(appDir), 15_000, 'the executor removed its folder from the sandbox on exit');
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
