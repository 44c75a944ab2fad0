/**
 * Master failover as Mesos recovers: the new leader reads the agents its predecessor admitted from the registry (in
 * ZooKeeper) and holds them as recovered until they re-register. Meanwhile explicit reconciliation gets no answer for
 * tasks on them (or, naming no agent, while any is recovered); an agent that re-registers is an agent again, and one
 * that does not within `agentReregisterTimeoutMs` is unreachable, with FAILURE{agent_id} to every framework, and stays
 * unreachable, since the same time, for the leader after. While it reads the registry it answers 503 "Master has not
 * finished recovery".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { Master } from '../../src/minimesos/Master.js';
import { AGENT_REGISTER_PATH, type Registration } from '../../src/minimesos/agentProtocol.js';
import { Calls } from '../../src/mesos/calls.js';
import { SchedulerClient, type ClientEvent } from '../../src/mesos/client/SchedulerClient.js';
import type { TaskStatus } from '../../src/mesos/wire/task.js';
import { waitFor } from '../helpers/events.js';
import { registerRawAgent } from '../helpers/rawAgent.js';
import { startZooKeeper } from '../helpers/zookeeper.js';

const agent = (hostname: string): Registration => ({ hostname, port: 1, resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }], attributes: [] });

test('a new leader holds the registry\'s agents as recovered: no reconciliation answer for them until they re-register or time out', async () => {
  const zk = await startZooKeeper();
  const zkUrl = `zk://${zk.connectString}/mesos-recovery`;
  const m1 = new Master({ zk: zkUrl, allocationIntervalMs: 50, agentReregisterTimeoutMs: 10_000 });
  const m2 = new Master({ zk: zkUrl, allocationIntervalMs: 50, agentReregisterTimeoutMs: 10_000 });
  const m3 = new Master({ zk: zkUrl, allocationIntervalMs: 50, agentReregisterTimeoutMs: 10_000 });
  const links: http.ClientRequest[] = [];
  let client: SchedulerClient | undefined;
  try {
    await m1.start();
    await waitFor(() => m1.isLeader && !m1.recovering, 10_000, 'the first leader, done recovering');
    await m2.start();
    await m3.start();
    // Two agents on the first leader, which will not follow it to the next one by themselves (raw links).
    const back = await registerRawAgent(m1.url, agent('comes-back'));
    const gone = await registerRawAgent(m1.url, agent('stays-away'));
    links.push(back.req, gone.req);
    client = new SchedulerClient({ master: zkUrl, frameworkInfo: { user: 'u', name: 'recovery', failover_timeout: 60 } }).start();
    const seen: ClientEvent[] = [];
    void (async () => {
      for await (const e of client!.events()) seen.push(e);
    })().catch(() => undefined);
    const subscriptions = () => seen.filter((e) => e.type === 'SUBSCRIBED').length;
    await waitFor(() => subscriptions() === 1, 10_000, 'subscribed to the first leader');
    await waitFor(() => (m1.state().slaves as unknown[]).length === 2, 5000, 'both agents admitted');

    await m1.stop();
    await waitFor(() => m2.isLeader && !m2.recovering, 10_000, 'the second leader, done recovering');
    await waitFor(() => subscriptions() === 2, 15_000, 'subscribed again, to the new leader');
    await waitFor(() => (m2.state().recovered_slaves as unknown[]).length === 2, 5000, 'both agents recovered from the registry');
    assert.deepEqual((m2.state().recovered_slaves as { id: string }[]).map((a) => a.id).sort(), [back.agentId, gone.agentId].sort());

    const answers = () => seen.filter((e): e is Extract<ClientEvent, { type: 'UPDATE' }> => e.type === 'UPDATE').map((e) => e.update.status);
    const answerFor = (task: string): TaskStatus | undefined => answers().find((s) => s.task_id.value === task);
    await client.call(Calls.reconcile([
      { task_id: { value: 'on-recovered' }, agent_id: { value: back.agentId } },
      { task_id: { value: 'on-unknown' }, agent_id: { value: 'no-such-agent' } },
    ]));
    await client.call(Calls.reconcile([{ task_id: { value: 'no-agent-named' } }]));
    await waitFor(() => answerFor('on-unknown') !== undefined, 5000, 'the answer for a task on an agent nobody knows');
    assert.equal(answerFor('on-unknown')!.state, 'TASK_LOST');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(answerFor('on-recovered'), undefined, 'no answer while its agent is recovered');
    assert.equal(answerFor('no-agent-named'), undefined, 'no answer, naming no agent, while any agent is recovered');

    // One agent re-registers: it is an agent again, and the same question is answered.
    const again = await registerRawAgent(m2.url, { ...agent('comes-back'), id: back.agentId });
    links.push(again.req);
    await client.call(Calls.reconcile([{ task_id: { value: 'on-recovered' }, agent_id: { value: back.agentId } }]));
    await waitFor(() => answerFor('on-recovered') !== undefined, 5000, 'the answer once the agent re-registered');
    assert.equal(answerFor('on-recovered')!.message, 'Reconciliation: Task is unknown to the agent');
    assert.equal(answerFor('no-agent-named'), undefined, 'still none: the other agent is still recovered');

    // The other does not come back in time: unreachable, FAILURE to the framework, and questions get answers.
    await waitFor(() => seen.some((e) => e.type === 'FAILURE' && e.failure.agent_id?.value === gone.agentId), 20_000, 'FAILURE for the agent that stayed away');
    assert.deepEqual(m2.state().recovered_slaves, []);
    assert.equal(m2.state().unreachable_slaves, 1);
    await client.call(Calls.reconcile([{ task_id: { value: 'no-agent-named' } }]));
    await waitFor(() => answerFor('no-agent-named') !== undefined, 5000, 'the answer once no agent is recovered');
    assert.equal(answerFor('no-agent-named')!.state, 'TASK_LOST');

    // A partition-aware framework is told the agent is unreachable, and since when.
    const pa = new SchedulerClient({ master: zkUrl, frameworkInfo: { user: 'u', name: 'recovery-pa', capabilities: [{ type: 'PARTITION_AWARE' }] } }).start();
    const paSeen: ClientEvent[] = [];
    void (async () => {
      for await (const e of pa.events()) paSeen.push(e);
    })().catch(() => undefined);
    try {
      await waitFor(() => paSeen.some((e) => e.type === 'SUBSCRIBED'), 10_000, 'the partition-aware framework subscribed');
      await pa.call(Calls.reconcile([{ task_id: { value: 'pa-task' }, agent_id: { value: gone.agentId } }]));
      await waitFor(() => paSeen.some((e) => e.type === 'UPDATE'), 5000, 'the partition-aware answer');
      const paAnswers = () => paSeen.filter((e): e is Extract<ClientEvent, { type: 'UPDATE' }> => e.type === 'UPDATE').map((e) => e.update.status);
      const u = paAnswers()[0]!;
      assert.equal(u.state, 'TASK_UNREACHABLE');
      assert.ok((u.unreachable_time?.nanoseconds ?? 0) > 0, 'with the time the agent became unreachable');

      // The next leader knows it from the registry: still unreachable, since the same time (not an unknown agent).
      await m2.stop();
      await waitFor(() => m3.isLeader && !m3.recovering, 10_000, 'the third leader, done recovering');
      await waitFor(() => paSeen.filter((e) => e.type === 'SUBSCRIBED').length === 2, 15_000, 'the partition-aware framework subscribed again');
      await pa.call(Calls.reconcile([{ task_id: { value: 'pa-task' }, agent_id: { value: gone.agentId } }]));
      await waitFor(() => paAnswers().length === 2, 5000, 'the third leader\'s answer');
      assert.equal(paAnswers()[1]!.state, 'TASK_UNREACHABLE');
      assert.deepEqual(paAnswers()[1]!.unreachable_time, u.unreachable_time);
      assert.equal(m3.state().unreachable_slaves, 1);
    } finally {
      await pa.teardown().catch(() => undefined);
    }
  } finally {
    for (const l of links) l.destroy();
    await client?.teardown().catch(() => undefined);
    await m3.stop();
    await m2.stop();
    await m1.stop();
    await zk.stop();
  }
});

test('a new leader answers 503 "Master has not finished recovery" to schedulers and agents until it has read the registry', async () => {
  const zk = await startZooKeeper();
  const zkUrl = `zk://${zk.connectString}/mesos-recovering`;
  const m1 = new Master({ zk: zkUrl, allocationIntervalMs: 50 });
  const m2 = new Master({ zk: zkUrl, allocationIntervalMs: 50 });
  let release!: () => void;
  try {
    await m1.start();
    await waitFor(() => m1.isLeader && !m1.recovering, 10_000, 'the first leader, done recovering');
    await m2.start();
    // The second master's registry read is held, as a slow ZooKeeper would hold it.
    const read = m2.registrar.read.bind(m2.registrar);
    m2.registrar.read = () => new Promise((r) => (release = () => r(read())));
    await m1.stop();
    await waitFor(() => m2.isLeader, 10_000, 'the second leader');
    assert.equal(m2.recovering, true);
    const subscribe = { type: 'SUBSCRIBE', subscribe: { framework_info: { user: 'u', name: 'early' } } };
    const res = await fetch(`${m2.url}/api/v1/scheduler`, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(subscribe) });
    assert.equal(res.status, 503);
    assert.equal(await res.text(), 'Master has not finished recovery');
    const reg = await fetch(`${m2.url}${AGENT_REGISTER_PATH}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(agent('early')) });
    assert.equal(reg.status, 503);
    await reg.text();
    release();
    await waitFor(() => !m2.recovering, 10_000, 'recovery done');
    const ok = await fetch(`${m2.url}/api/v1/scheduler`, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(subscribe) });
    assert.equal(ok.status, 200, 'subscribed once recovered');
    await ok.body?.cancel();
  } finally {
    release?.();
    await m2.stop();
    await m1.stop();
    await zk.stop();
  }
});
