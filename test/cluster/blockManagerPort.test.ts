import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SparkConf } from '../../src/index.js';
import { buildExecutorCommand } from '../../src/cluster/mesos/executorTask.js';
import type { PlannedExecutor } from '../../src/cluster/mesos/CoarseOfferPlanner.js';

const planned: PlannedExecutor = {
  offerId: 'O1', agentId: 'S1', hostname: 'agent-1', cpus: 1, gpus: 0, memory: 896,
  resources: [{ name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 31005, end: 31005 }] }, role: '*' }],
};
const ctx = { taskId: '0', appId: 'fw', appName: 'app', driverUrl: 'spark://CoarseGrainedScheduler@driver:7078', defaultHome: '/opt/sm', user: 'u' };

test('the executor is given the spark.blockManager.port reserved from the offer, and no port when it is 0', () => {
  const cases: [Record<string, string>, string | undefined][] = [
    [{ 'spark.blockManager.port': '31005' }, '31005'],
    [{ 'spark.blockManager.port': '0' }, undefined],
    [{}, undefined],
  ];
  for (const [settings, want] of cases) {
    const vars = buildExecutorCommand(new SparkConf(settings), planned, ctx).environment!.variables!;
    const got = vars.filter((v) => v.name === 'SPARK_BLOCK_MANAGER_PORT');
    assert.deepEqual(got, want === undefined ? [] : [{ name: 'SPARK_BLOCK_MANAGER_PORT', value: want }], JSON.stringify(settings));
  }
});
