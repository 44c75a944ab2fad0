/**
 * `spark.executor.extraNodeOptions` reaches real executor processes (local-cluster; Mesos coarse and fine-grained on
 * mini-Mesos, through the agents' shell and `bin/spark-mesos`), and `spark.driver.extraNodeOptions` the driver that
 * `spark-mesos submit` runs in client mode.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SparkConf, SparkContext } from '../../src/index.js';
import { runCli } from '../helpers/cli.js';
import { withCluster } from '../helpers/jobs.js';

const OPTIONS = "--stack-trace-limit=42 --title='spark executor {{EXECUTOR_ID}}'";

async function executorExecArgv(conf: SparkConf): Promise<string[][]> {
  const sc = new SparkContext(conf.setAppName('node-options').set('spark.ui.enabled', 'false').set('spark.executor.extraNodeOptions', OPTIONS));
  try {
    await sc.ready();
    return await sc.parallelize([1, 2], 2).map(() => process.execArgv).collect();
  } finally {
    await sc.stop();
  }
}

function assertApplied(seen: string[][]): void {
  for (const argv of seen) {
    assert.ok(argv.includes('--stack-trace-limit=42'), JSON.stringify(argv));
    assert.ok(argv.some((a) => /^--title=spark executor \S+$/.test(a)), `executor id substituted: ${JSON.stringify(argv)}`);
  }
}

test('local-cluster executors run with the executor Node options', async () => {
  assertApplied(await executorExecArgv(new SparkConf().setMaster('local-cluster[1,2,256]')));
});

test('coarse-grained Mesos executors run with the executor Node options', async () => {
  await withCluster({ agents: 1, resources: 'cpus:2;mem:4096' }, async (c) => {
    assertApplied(await executorExecArgv(new SparkConf().setMaster(c.masterUrl).set('spark.executor.memory', '256m')));
  });
});

test('the fine-grained Mesos executor runs with the executor Node options', async () => {
  await withCluster({ agents: 1, resources: 'cpus:2;mem:4096' }, async (c) => {
    assertApplied(await executorExecArgv(new SparkConf().setMaster(c.masterUrl).set('spark.mesos.coarse', 'false').set('spark.executor.memory', '256m')));
  });
});

test('spark-mesos submit in client mode runs the driver with the driver Node options', async () => {
  const r = await runCli(['submit', '--master', 'local-cluster[1,1,256]', '--conf', 'spark.driver.extraNodeOptions=--stack-trace-limit=33 --max-semi-space-size=32',
    '--conf', 'spark.executor.extraNodeOptions=--stack-trace-limit=44', 'test/fixtures/node-options-app.ts', 'local-cluster[1,1,256]']);
  assert.equal(r.code, 0, r.err);
  const seen = JSON.parse(r.out.trim().split('\n').pop()!) as { driver: string[]; executor: string[] };
  assert.ok(seen.driver.includes('--stack-trace-limit=33') && seen.driver.includes('--max-semi-space-size=32'), JSON.stringify(seen.driver));
  assert.equal(seen.driver.filter((a) => a === '--stack-trace-limit=33').length, 1, 'applied once');
  assert.ok(seen.executor.includes('--stack-trace-limit=44'), JSON.stringify(seen.executor));
  assert.ok(!seen.executor.includes('--stack-trace-limit=33'), 'the driver\'s options are not the executors\'');
  // Without driver options nothing restarts.
  const plain = await runCli(['submit', '--master', 'local[1]', 'test/fixtures/node-options-app.ts', 'local[1]']);
  assert.equal(plain.code, 0, plain.err);
  assert.ok(!(JSON.parse(plain.out.trim().split('\n').pop()!) as { driver: string[] }).driver.includes('--stack-trace-limit=33'));
});
