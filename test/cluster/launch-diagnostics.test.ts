/**
 * Explaining why executors do not come: the Mesos status and the tail of stderr of an executor that died before
 * registering, and Spark's starvation warning with the reasons the backend knows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SparkConf, SparkContext } from '../../src/index.js';
import { onWarning } from '../../src/util/logging.js';
import { lastLines, launchFailure, starvationWarning, STARVATION_WARNING } from '../../src/cluster/mesos/launchDiagnostics.js';
import { waitFor } from '../helpers/events.js';
import { withCluster } from '../helpers/jobs.js';

test('the starvation warning names what the backend knows, most telling first', () => {
  const none = { tally: { offers: 0, declined: [] }, excluded: [], launching: 0 };
  assert.equal(starvationWarning(none), `${STARVATION_WARNING} (no offers from Mesos)`);
  assert.equal(starvationWarning({ ...none, tally: { offers: 3, declined: [] } }), STARVATION_WARNING);
  assert.equal(starvationWarning({ ...none, tally: { offers: 4, declined: [['failing constraint zone:a', 4]] } }), `${STARVATION_WARNING} (4 offers declined: 4 failing constraint zone:a)`);
  assert.equal(starvationWarning({ tally: { offers: 3, declined: [['below 4 cpus', 2], ['on an excluded agent', 1]] }, launching: 1, excluded: [{ hostname: 'agent1', failures: 2, lastFailure: 'TASK_FAILED Command exited with status 9' }] }),
    `${STARVATION_WARNING} (agents excluded after failed executors: agent1 (2 failures, last: TASK_FAILED Command exited with status 9); 1 executor(s) launched and not registered yet; 3 offers declined: 2 below 4 cpus, 1 on an excluded agent)`);
});

test('a launch failure line: state, reason, source, message, then the last lines of stderr', () => {
  const s = { task_id: { value: '3' }, state: 'TASK_FAILED' as const, source: 'SOURCE_EXECUTOR' as const, message: 'Command exited with status 9' };
  assert.equal(launchFailure('3', 'agent1', s, 'node: bad option: --x\n'), 'Executor 3 on agent1 ended before registering with the driver (TASK_FAILED, SOURCE_EXECUTOR): Command exited with status 9\nLast lines of its stderr:\nnode: bad option: --x');
  assert.equal(launchFailure('3', 'agent1', { ...s, reason: 'REASON_CONTAINER_LIMITATION_MEMORY', source: 'SOURCE_AGENT' as const }, undefined),
    'Executor 3 on agent1 ended before registering with the driver (TASK_FAILED, REASON_CONTAINER_LIMITATION_MEMORY, SOURCE_AGENT): Command exited with status 9');
  assert.equal(lastLines('partial\na\nb\nc\n', 2, true), 'b\nc');
  assert.equal(lastLines('a\nb\n', 5, false), 'a\nb');
  assert.equal(lastLines('partial\na', 5, true), 'a');
});

test('executors that die before registering: the driver logs why (status and stderr through /files) and, once the agent is excluded, warns that the job has no resources and why, then fails the job with that reason', async () => {
  await withCluster({ agents: 1, resources: 'cpus:2;mem:4096' }, async (c) => {
    const warnings: string[] = [];
    const off = onWarning((_logger, m) => warnings.push(m));
    const sc = new SparkContext(new SparkConf().setMaster(c.masterUrl).setAppName('doomed')
      .set('spark.executor.cores', '1').set('spark.executor.memory', '256m').set('spark.cores.max', '1')
      .set('spark.executor.extraNodeOptions', '--no-such-node-option').set('spark.starvation.timeout', '1s').set('spark.ui.enabled', 'false'));
    try {
      await sc.ready();
      const job = sc.parallelize([1, 2], 2).count().catch((e: Error) => e);
      await waitFor(() => warnings.some((w) => w.startsWith('Executor 0 on ')), 30_000, 'the launch failure report');
      const report = warnings.find((w) => w.startsWith('Executor 0 on '))!;
      assert.match(report, /^Executor 0 on 127\.0\.0\.1 ended before registering with the driver \(TASK_FAILED, SOURCE_EXECUTOR\): Command exited with status [0-9]+\nLast lines of its stderr:\n(.|\n)*--no-such-node-option/);
      await waitFor(() => warnings.some((w) => w.includes('agents excluded')), 30_000, 'the starvation warning');
      assert.match(warnings.find((w) => w.includes('agents excluded'))!, /^Initial job has not accepted any resources; check your cluster UI to ensure that workers are registered and have sufficient resources \(agents excluded after failed executors: 127\.0\.0\.1 \(2 failures, last: TASK_FAILED Command exited with status [0-9]+\)/);
      // Every agent excluded: after four warnings the job fails with the reason, instead of waiting forever.
      const failed = await job;
      assert.ok(failed instanceof Error);
      assert.match(failed.message, /^Job 0 aborted: no executor can start: agents excluded after failed executors: 127\.0\.0\.1 \(2 failures, last: TASK_FAILED/);
    } finally {
      off();
      await sc.stop();
    }
  });
});
