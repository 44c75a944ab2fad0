/**
 * The registry forgets unreachable agents past `registryMaxAgentAgeMs` or beyond `registryMaxAgentCount` (Mesos'
 * registry GC, every `registryGcIntervalMs`): from then on reconciliation answers TASK_UNKNOWN for tasks on them
 * where it answered TASK_UNREACHABLE, and `/state` no longer counts them or lists their tasks. As in Mesos, a task on
 * an unreachable agent is not an active task: implicit reconciliation leaves it out, and an explicit one answers it
 * by its agent's state.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type http from 'node:http';
import { Master } from '../../src/minimesos/Master.js';
import type { Registration } from '../../src/minimesos/agentProtocol.js';
import { Calls, Operations } from '../../src/mesos/calls.js';
import { SchedulerClient, type ClientEvent } from '../../src/mesos/client/SchedulerClient.js';
import type { TaskStatus } from '../../src/mesos/wire/task.js';
import { waitFor } from '../helpers/events.js';
import { registerRawAgent } from '../helpers/rawAgent.js';

const agent = (hostname: string): Registration => ({ hostname, port: 1, resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }], attributes: [] });

test('unreachable agents are forgotten past the registry\'s age and count: their tasks become unknown', async () => {
  // Raw agents never answer pings: each is unreachable about 600 ms after it registers (time enough to launch a task
  // on the first), and the age limit is well past the three of them becoming so.
  const m = new Master({ allocationIntervalMs: 50, agentPingTimeoutMs: 300, maxAgentPingTimeouts: 2, registryMaxAgentAgeMs: 6000, registryMaxAgentCount: 2, registryGcIntervalMs: 100 });
  const links: http.ClientRequest[] = [];
  let client: SchedulerClient | undefined;
  try {
    await m.start();
    const seen: ClientEvent[] = [];
    const c = new SchedulerClient({ master: m.url.replace('http://', 'mesos://'), frameworkInfo: { user: 'u', name: 'registry-gc', capabilities: [{ type: 'PARTITION_AWARE' }] } }).start();
    client = c;
    void (async () => {
      for await (const e of c.events()) seen.push(e);
    })().catch(() => undefined);
    await waitFor(() => seen.some((e) => e.type === 'SUBSCRIBED'), 10_000, 'subscribed');
    // Reconciliation's answers only: the master's own updates (a task becoming unreachable) may arrive at any time.
    const answersSince = (from: number): TaskStatus[] => seen.slice(from)
      .flatMap((e) => (e.type === 'UPDATE' && e.update.status.reason === 'REASON_RECONCILIATION' ? [e.update.status] : []));
    const ask = async (agentId: string): Promise<TaskStatus> => {
      const before = seen.length;
      await c.call(Calls.reconcile([{ task_id: { value: `task-on-${agentId}` }, agent_id: { value: agentId } }]));
      await waitFor(() => answersSince(before).length > 0, 5000, `the answer for ${agentId}`);
      return answersSince(before)[0]!;
    };

    // Agent a gets a task (its raw link never runs it: the task stays staging until the agent is unreachable).
    const a = await registerRawAgent(m.url, agent('a'));
    links.push(a.req);
    await waitFor(() => seen.some((e) => e.type === 'OFFERS'), 5000, 'an offer from a');
    const offer = (seen.find((e) => e.type === 'OFFERS') as Extract<ClientEvent, { type: 'OFFERS' }>).offers.offers![0]!;
    await c.call(Calls.accept([offer.id], [Operations.launch([{
      name: 't', task_id: { value: `task-on-${a.agentId}` }, agent_id: offer.agent_id, resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }], command: { value: 'true' },
    }])]));
    await waitFor(() => m.agents.unreachableAgents().has(a.agentId), 5000, 'a unreachable');
    const tasksOf = () => (m.state().frameworks as { unreachable_tasks: { id: string }[] }[])[0]!.unreachable_tasks.map((t) => t.id);
    assert.deepEqual(tasksOf(), [`task-on-${a.agentId}`]);
    const unreachable = await ask(a.agentId);
    assert.deepEqual([unreachable.state, unreachable.message], ['TASK_UNREACHABLE', 'Reconciliation: Task is unreachable']);
    assert.deepEqual(unreachable.unreachable_time, m.agents.unreachableAgents().get(a.agentId));
    const before = seen.length;
    await c.call(Calls.reconcile([]));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(answersSince(before).length, 0, 'implicit reconciliation leaves out tasks on unreachable agents');

    const ids = [a.agentId];
    for (const name of ['b', 'c']) {
      const r = await registerRawAgent(m.url, agent(name));
      links.push(r.req);
      ids.push(r.agentId);
      await waitFor(() => m.agents.unreachableAgents().has(r.agentId), 5000, `${name} unreachable`);
    }
    // Three unreachable, at most two kept: the first to become unreachable is forgotten at the next GC, its task too.
    await waitFor(() => !m.agents.unreachableAgents().has(ids[0]!), 2000, 'the first agent forgotten by count');
    assert.deepEqual([...m.agents.unreachableAgents().keys()], ids.slice(1));
    assert.deepEqual(tasksOf(), []);
    const unknown = await ask(ids[0]!);
    assert.deepEqual([unknown.state, unknown.message, unknown.unreachable_time], ['TASK_UNKNOWN', 'Reconciliation: Task is unknown', undefined]);
    const still = await ask(ids[1]!);
    assert.equal(still.state, 'TASK_UNREACHABLE');
    assert.ok((still.unreachable_time?.nanoseconds ?? 0) > 0);
    // A framework that is not partition-aware hears TASK_LOST, with the same unreachable_time (as from Mesos).
    const plain = new SchedulerClient({ master: m.url.replace('http://', 'mesos://'), frameworkInfo: { user: 'u', name: 'registry-gc-plain' } }).start();
    try {
      const plainSeen: ClientEvent[] = [];
      void (async () => {
        for await (const e of plain.events()) plainSeen.push(e);
      })().catch(() => undefined);
      await waitFor(() => plainSeen.some((e) => e.type === 'SUBSCRIBED'), 10_000, 'the plain framework subscribed');
      await plain.call(Calls.reconcile([{ task_id: { value: 'plain-task' }, agent_id: { value: ids[1]! } }]));
      await waitFor(() => plainSeen.some((e) => e.type === 'UPDATE'), 5000, 'the plain framework\'s answer');
      const lost = (plainSeen.find((e) => e.type === 'UPDATE') as Extract<ClientEvent, { type: 'UPDATE' }>).update.status;
      assert.deepEqual([lost.state, lost.unreachable_time], ['TASK_LOST', still.unreachable_time]);
    } finally {
      await plain.teardown().catch(() => undefined);
    }
    assert.equal(m.state().unreachable_slaves, 2);
    // Past the age, the others go too.
    await waitFor(() => m.agents.unreachableAgents().size === 0, 15_000, 'the others forgotten by age');
    assert.equal((await ask(ids[1]!)).state, 'TASK_UNKNOWN');
    assert.equal(m.state().unreachable_slaves, 0);
  } finally {
    for (const l of links) l.destroy();
    await client?.teardown().catch(() => undefined);
    await m.stop();
  }
});

test('a registry GC interval beyond a timer\'s range (about 24.8 days) never elapses, rather than running at once', async () => {
  const m = new Master({ registryGcIntervalMs: 30 * 24 * 3600_000 });
  let runs = 0;
  m.agents.forgetOldUnreachable = async () => {
    runs++;
  };
  try {
    await m.start();
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(runs, 0);
  } finally {
    await m.stop();
  }
});
