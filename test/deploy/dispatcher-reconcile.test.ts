/**
 * The dispatcher reconciles every launched driver after each (re)subscription, not only those restored after a
 * restart (Spark's): an update the master makes itself is sent once, so a driver whose agent was removed while the
 * dispatcher was not subscribed would otherwise stay RUNNING for ever.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type http from 'node:http';
import { SparkConf } from '../../src/conf/SparkConf.js';
import { Master } from '../../src/minimesos/Master.js';
import { MesosClusterScheduler, type MesosClusterSubmissionState } from '../../src/deploy/mesos/MesosClusterScheduler.js';
import { RetryTimer, statusUpdate } from '../../src/deploy/mesos/driverStatusUpdates.js';
import { BlackHolePersistenceEngine } from '../../src/deploy/persistence/PersistenceEngine.js';
import type { TaskState, TaskStatus } from '../../src/mesos/wire/task.js';
import { waitFor } from '../helpers/events.js';
import { registerRawAgent, sendAsAgent } from '../helpers/rawAgent.js';

test('a driver whose agent was removed while the dispatcher was not subscribed ends once it subscribes again', async () => {
  const m = new Master({ allocationIntervalMs: 50 });
  let link: http.ClientRequest | undefined;
  let scheduler: MesosClusterScheduler | undefined;
  try {
    await m.start();
    // An agent played by hand: the driver's task never runs, the test reports it running.
    const a = await registerRawAgent(m.url, {
      hostname: 'a', port: 1, attributes: [],
      resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 4 } }, { name: 'mem', type: 'SCALAR', scalar: { value: 8192 } }],
    });
    link = a.req;
    const s = new MesosClusterScheduler(new SparkConf(), m.url.slice('http://'.length), new BlackHolePersistenceEngine());
    scheduler = s;
    await s.start();
    const r = await s.submit({
      action: 'CreateSubmissionRequest', clientSparkVersion: '3.5.1', appResource: 'file:///app.ts', mainClass: '', appArgs: [], environmentVariables: {},
      sparkProperties: { 'spark.app.name': 'lost-driver' },
    });
    assert.ok(r.success, r.message);
    await waitFor(() => s.state().launched.length === 1, 10_000, 'the driver launched');
    const driver = s.state().launched[0]!;
    assert.equal(driver.agentId, a.agentId);
    const running: TaskStatus = {
      task_id: { value: driver.taskId }, state: 'TASK_RUNNING', source: 'SOURCE_EXECUTOR', agent_id: { value: a.agentId },
      uuid: Buffer.from('running update 1').toString('base64'), timestamp: Date.now() / 1000,
    };
    assert.equal(await sendAsAgent(m.url, a, { type: 'STATUS_UPDATE', framework_id: s.state().frameworkId!, status: running }), 202);
    await waitFor(() => s.state().launched[0]?.status?.state === 'TASK_RUNNING', 10_000, 'the driver running');

    // The dispatcher's event stream breaks, and while it is not subscribed the agent is removed: the master's
    // TASK_LOST reaches no one.
    const framework = m.frameworks.get(s.state().frameworkId!)!;
    framework.stream!.close();
    m.removeAgent(a.agentId);
    assert.equal(s.state().launched.length, 1, 'the dispatcher did not hear of it');

    // Subscribed again, it asks about its launched driver, and the master's answer ends it.
    await waitFor(() => s.state().finished.length === 1, 30_000, 'the driver finished');
    const ended = s.state().finished[0]!;
    assert.equal(ended.driver.submissionId, driver.driver.submissionId);
    assert.deepEqual([ended.status?.state, ended.status?.reason], ['TASK_LOST', 'REASON_RECONCILIATION']);
    assert.deepEqual(s.state().launched, []);
  } finally {
    await scheduler?.stop();
    link?.destroy();
    await m.stop();
  }
});

test('what a launched driver makes of an update, reconciliation\'s answers included', async () => {
  const id = 'driver-20261203000000-0001';
  const status = (taskId: string, state: TaskState, reason: TaskStatus['reason'], message: string): TaskStatus => ({ task_id: { value: taskId }, state, source: 'SOURCE_MASTER', reason, message });
  // [update, still launched, the status it then has (state, message), finished]
  const cases: [TaskStatus, boolean, [string, string] | undefined, boolean][] = [
    [status(id, 'TASK_RUNNING', 'REASON_RECONCILIATION', 'Reconciliation: Latest task state'), true, ['TASK_RUNNING', 'running'], false],
    [status(id, 'TASK_RUNNING', undefined, 'healthy again'), true, ['TASK_RUNNING', 'healthy again'], false],
    [status(id, 'TASK_LOST', 'REASON_RECONCILIATION', 'Reconciliation: Task is unknown'), false, undefined, true],
    [status(`${id}-retry-1`, 'TASK_LOST', 'REASON_RECONCILIATION', 'Reconciliation: Task is unknown'), true, ['TASK_RUNNING', 'running'], false],
  ];
  for (const [update, stillLaunched, after, finished] of cases) {
    const state: MesosClusterSubmissionState = {
      driver: { submissionId: id, submissionDate: 0, seq: 0, name: 'd', jarUrl: 'file:///a.ts', mainClass: '', mem: 1024, cores: 1, supervise: false, arguments: [], environment: {}, conf: {} },
      taskId: id, agentId: 'S1', frameworkId: 'F', history: [], status: status(id, 'TASK_RUNNING', undefined, 'running'),
    };
    const c = {
      launched: new Map([[id, state]]), retrying: [], finished: [] as MesosClusterSubmissionState[], store: new BlackHolePersistenceEngine(),
      maxRetryWaitSeconds: 60, retainedDrivers: 10, retryTimer: new RetryTimer(() => undefined),
    };
    await statusUpdate(update, c);
    const what = `${update.task_id.value} ${update.state} ${update.reason}`;
    assert.equal(c.launched.has(id), stillLaunched, what);
    if (after) assert.deepEqual([state.status?.state, state.status?.message], after, what);
    assert.equal(c.finished.length === 1, finished, what);
  }
});
