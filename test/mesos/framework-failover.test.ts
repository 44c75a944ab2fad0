import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { MiniCluster } from '../../src/minimesos/MiniCluster.js';
import { SchedulerClient, type ClientEvent } from '../../src/mesos/client/SchedulerClient.js';
import { Calls, Operations } from '../../src/mesos/calls.js';
import { isType, nextEvent, waitFor } from '../helpers/events.js';
import { alive } from '../helpers/process.js';

let cluster: MiniCluster;
before(async () => {
  cluster = await new MiniCluster({ agents: 1, resources: 'cpus:4;mem:2048', master: { allocationIntervalMs: 100 }, agent: { statusUpdateRetryMs: 300 } }).start();
});
after(async () => {
  await cluster.stop();
});

/** Subscribes, launches one long task, waits for RUNNING; returns the client, framework id and the task's pid. */
async function launchSleeper(name: string, failoverTimeout: number) {
  const client = new SchedulerClient({ master: cluster.masterUrl, frameworkInfo: { user: 'u', name, failover_timeout: failoverTimeout } }).start();
  const events = client.events();
  const fid = (await nextEvent(events, isType('SUBSCRIBED'))).subscribed.framework_id.value;
  const offer = (await nextEvent(events, isType('OFFERS'))).offers.offers![0]!;
  await client.call(Calls.accept([offer.id], [Operations.launch([{
    name: 'sleeper', task_id: { value: `${name}-task` }, agent_id: offer.agent_id,
    resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }], command: { value: 'sleep 120' },
  }])]));
  const ack = async (e: ClientEvent) => {
    if (e.type === 'UPDATE' && e.update.status.uuid) await client.call(Calls.acknowledge(e.update.status));
  };
  const running = await nextEvent(events, (e) => e.type === 'UPDATE' && e.update.status.state === 'TASK_RUNNING', 10_000, ack);
  await ack(running);
  const pid = cluster.agents[0]!.processes().find((p) => p.frameworkId === fid)!.pid;
  assert.ok(alive(pid));
  return { client, fid, pid };
}

test('a scheduler that comes back within the failover timeout keeps its tasks', async () => {
  const { client, fid, pid } = await launchSleeper('comes-back', 3);
  await client.close(); // connection gone, no teardown
  await new Promise((r) => setTimeout(r, 1000));
  const again = new SchedulerClient({ master: cluster.masterUrl, frameworkInfo: { id: { value: fid }, user: 'u', name: 'comes-back', failover_timeout: 3 } }).start();
  try {
    const events = again.events();
    const sub = await nextEvent(events, isType('SUBSCRIBED'));
    assert.equal(sub.subscribed.framework_id.value, fid);
    await new Promise((r) => setTimeout(r, 3000)); // past the original deadline
    assert.ok(alive(pid), 'task process still running');
    await again.call(Calls.reconcile());
    const rec = await nextEvent(events, (e) => e.type === 'UPDATE' && e.update.status.reason === 'REASON_RECONCILIATION');
    assert.ok(rec.type === 'UPDATE' && rec.update.status.state === 'TASK_RUNNING');
    await again.teardown();
    await waitFor(() => !alive(pid), 10_000, 'teardown kills the task');
  } finally {
    await again.close();
  }
});

test('a scheduler gone longer than the failover timeout has its tasks killed and its framework removed', async () => {
  const { client, fid, pid } = await launchSleeper('gone', 1);
  await client.close();
  await waitFor(() => !alive(pid), 10_000, 'task killed after the failover timeout');
  const state = cluster.master.state() as { completed_frameworks: { id: string; completed_tasks: { id: string; state: string }[] }[] };
  const done = state.completed_frameworks.find((f) => f.id === fid);
  assert.ok(done, 'framework removed');
  assert.equal(done.completed_tasks[0]!.state, 'TASK_KILLED');
  // Coming back now is refused.
  const late = new SchedulerClient({ master: cluster.masterUrl, frameworkInfo: { id: { value: fid }, user: 'u', name: 'gone' } }).start();
  try {
    const err = await nextEvent(late.events(), isType('ERROR'));
    assert.equal(err.error.message, 'Framework has been removed');
  } finally {
    await late.close();
  }
});
