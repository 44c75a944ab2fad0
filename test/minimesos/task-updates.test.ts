/**
 * What the master keeps of a task's updates and acknowledgements, and how it launches task groups, as Mesos' master
 * does (`updateTask`, `acknowledge`, `reconcile`, `removeFramework`, LAUNCH_GROUP): checked against an agent played
 * by hand.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type http from 'node:http';
import { Master } from '../../src/minimesos/Master.js';
import { MiniCluster } from '../../src/minimesos/MiniCluster.js';
import { Calls, Operations } from '../../src/mesos/calls.js';
import { SchedulerClient, type ClientEvent } from '../../src/mesos/client/SchedulerClient.js';
import type { TaskStatus } from '../../src/mesos/wire/task.js';
import { firstOffer, recordEvents, subscribedId, waitFor } from '../helpers/events.js';
import { registerRawAgent } from '../helpers/rawAgent.js';
import { cpus, withTasks, type StateFramework } from '../helpers/rawAgentTasks.js';

const uuid = (n: number) => Buffer.from(`update ${String(n).padStart(9, '0')}`).toString('base64');
const update = (taskId: string, state: TaskStatus['state'], n: number, more: Partial<TaskStatus> = {}) => ({
  task_id: { value: taskId }, state, source: 'SOURCE_EXECUTOR' as const, uuid: uuid(n), timestamp: Date.now() / 1000, ...more,
});
const container = { network_infos: [{ ip_addresses: [{ ip_address: '10.0.0.5' }] }] };

test('an acknowledgement for a disconnected agent is dropped: the ended task stays until its resent update is acknowledged', async () => {
  await withTasks({ partitionAware: true, ids: ['ended'], checkpoint: true }, async ({ m, client, link, updates, framework }) => {
    const finished = updates(0).find((s) => s.task_id.value === 'ended' && s.state === 'TASK_FINISHED')!;
    // The agent is disconnected, not removed: the framework checkpoints, so its task stays.
    link.destroy();
    await waitFor(() => (m.state().slaves as { active: boolean }[])[0]?.active === false, 5000, 'the agent disconnected');
    await client.call(Calls.acknowledge(finished));
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(framework().tasks.map((t) => [t.id, t.state]), [['ended', 'TASK_FINISHED']], 'still active');
    assert.deepEqual(framework().completed_tasks, []);
  });
});

test('statuses: one per state in a row, the latest kept, without data; an ended task keeps its state', async () => {
  await withTasks({ partitionAware: true, ids: ['ended', 't'] }, async ({ m, updates, framework, report }) => {
    const sent = [
      update('t', 'TASK_RUNNING', 1, { data: Buffer.from('big').toString('base64') }),
      update('t', 'TASK_RUNNING', 2, { healthy: true }),
      update('t', 'TASK_FINISHED', 3),
      update('t', 'TASK_RUNNING', 4),
    ];
    for (const s of sent) assert.equal(await report(s), 202);
    await waitFor(() => updates(0).filter((s) => s.task_id.value === 't').length === sent.length, 5000, 'every update forwarded');
    const t = framework().tasks.find((x) => x.id === 't')!;
    assert.equal(t.state, 'TASK_FINISHED', 'a late update does not change an ended task\'s state');
    assert.deepEqual(t.statuses!.map((s) => s.state), ['TASK_RUNNING', 'TASK_FINISHED', 'TASK_RUNNING']);
    const kept = m.frameworks.get((m.state().frameworks as { id: string }[])[0]!.id)!.tasks.get('t')!.statuses;
    assert.deepEqual(kept.map((s) => [s.uuid, s.healthy, 'data' in s]), [[uuid(2), true, false], [uuid(3), undefined, false], [uuid(4), undefined, false]]);
  });
});

test('reconciliation: no executor id for a command task, the container status of the latest update that had one', async () => {
  await withTasks({ partitionAware: true, ids: ['ended', 't'] }, async ({ client, seen, updates, report }) => {
    assert.equal(await report(update('t', 'TASK_RUNNING', 1, { container_status: container })), 202);
    assert.equal(await report(update('t', 'TASK_FINISHED', 2)), 202);
    await waitFor(() => updates(0).some((s) => s.task_id.value === 't' && s.state === 'TASK_FINISHED'), 5000, 'the end forwarded');
    const asked = seen.length;
    await client.call(Calls.reconcile([{ task_id: { value: 't' } }]));
    await waitFor(() => updates(asked).length > 0, 5000, 'the answer');
    const [answer] = updates(asked);
    assert.deepEqual([answer!.state, answer!.reason, answer!.executor_id, answer!.container_status], ['TASK_FINISHED', 'REASON_RECONCILIATION', undefined, container]);
  });
});

test('a removed framework\'s tasks each get TASK_KILLED / REASON_FRAMEWORK_REMOVED among their statuses, ended ones keeping their state', async () => {
  await withTasks({ partitionAware: false, ids: ['ended', 'running'] }, async ({ m, client }) => {
    const id = (m.state().frameworks as { id: string }[])[0]!.id;
    await client.teardown();
    await waitFor(() => (m.state().completed_frameworks as unknown[]).length === 1, 5000, 'the framework removed');
    const done = (m.state().completed_frameworks as StateFramework[])[0]!;
    assert.deepEqual(done.completed_tasks.map((t) => [t.id, t.state, t.statuses!.at(-1)!.state]).sort(), [['ended', 'TASK_FINISHED', 'TASK_KILLED'], ['running', 'TASK_KILLED', 'TASK_KILLED']]);
    const last = m.frameworks.completed[0]!.completedTasks.map((t) => t.statuses.at(-1)!);
    for (const s of last) assert.deepEqual([s.state, s.reason, s.source, s.message], ['TASK_KILLED', 'REASON_FRAMEWORK_REMOVED', 'SOURCE_MASTER', `Framework ${id} removed`]);
  });
});

test('a task group launches whole or not at all: one invalid task gives every task of the group TASK_ERROR', async () => {
  const m = new Master({ allocationIntervalMs: 50 });
  let link: http.ClientRequest | undefined;
  let client: SchedulerClient | undefined;
  try {
    await m.start();
    const c = new SchedulerClient({ master: m.url.replace('http://', 'mesos://'), frameworkInfo: { user: 'u', name: 'groups' } }).start();
    client = c;
    const seen = recordEvents(c);
    link = (await registerRawAgent(m.url, { hostname: 'a', port: 1, resources: cpus(4), attributes: [] })).req;
    const offer = await firstOffer(seen);
    const executor = { type: 'CUSTOM' as const, executor_id: { value: 'e' }, command: { value: 'true' }, resources: cpus(0.5) };
    const task = (id: string, n: number) => ({ name: id, task_id: { value: id }, agent_id: offer.agent_id, resources: cpus(n) });
    const statuses = () => seen.flatMap((e) => (e.type === 'UPDATE' ? [e.update.status] : []));
    // [the group's tasks (id, cpus), the message every task gets] (Mesos' wording: a task's own error names it; the
    // group's resources are checked whole).
    const cases: [[string, number][], string][] = [
      [[['g1', 1], ['g2', 8]], 'Total resources cpus:9.5 required by task group and its executor are more than available cpus:4'],
      [[['g3', 1], ['g3', 1]], "Task 'g3' is invalid: Task has duplicate ID: g3"],
    ];
    const offers = () => seen.filter((e): e is Extract<ClientEvent, { type: 'OFFERS' }> => e.type === 'OFFERS');
    for (const [i, [tasks, message]] of cases.entries()) {
      const from = statuses().length;
      await waitFor(() => offers().length > i, 10_000, 'an offer');
      const o = i === 0 ? offer : offers()[i]!.offers.offers![0]!;
      // Offered again at once: what the group did not use is not refused for long.
      await c.call(Calls.accept([o.id], [Operations.launchGroup(executor, tasks.map(([id, n]) => task(id, n)))], 0));
      await waitFor(() => statuses().length >= from + tasks.length, 5000, 'every task told');
      const told = statuses().slice(from).map((s) => [s.task_id.value, s.state, s.reason, s.message]);
      assert.deepEqual(told, tasks.map(([id]) => [id, 'TASK_ERROR', 'REASON_TASK_GROUP_INVALID', message]));
      assert.deepEqual((m.state().frameworks as StateFramework[])[0]!.tasks, [], 'nothing launched');
    }
  } finally {
    await client?.teardown().catch(() => undefined);
    link?.destroy();
    await m.stop();
  }
});

test('a kill the agent could not hear is sent again when it re-registers still running the task', async () => {
  await withTasks({ partitionAware: true, ids: ['ended', 'running'], checkpoint: true }, async ({ m, client, agentId, link, framework, report }) => {
    assert.equal(await report(update('running', 'TASK_RUNNING', 1)), 202);
    await waitFor(() => framework().tasks.some((t) => t.id === 'running' && t.state === 'TASK_RUNNING'), 5000, 'running');
    // Cut off (the framework checkpoints: its tasks stay), the agent misses both kills.
    link.destroy();
    await waitFor(() => (m.state().slaves as { active: boolean }[])[0]?.active === false, 5000, 'the agent disconnected');
    await client.call(Calls.kill({ value: 'running' }, { value: agentId }));
    await client.call(Calls.kill({ value: 'ended' }, { value: agentId }));
    const frameworkId = (m.state().frameworks as { id: string }[])[0]!.id;
    const info = (id: string) => ({ name: id, task_id: { value: id }, agent_id: { value: agentId }, resources: cpus(1), command: { value: 'true' } });
    const back = await registerRawAgent(m.url, {
      hostname: 'a', port: 1, id: agentId, resources: cpus(2), attributes: [],
      tasks: [{ info: info('running'), frameworkId, state: 'TASK_RUNNING', statuses: [] }, { info: info('ended'), frameworkId, state: 'TASK_FINISHED', statuses: [] }],
    });
    try {
      await waitFor(() => back.received().includes('"KILL_TASK"'), 5000, 'the kill sent again');
      await new Promise((r) => setTimeout(r, 200));
      const kills = [...back.received().matchAll(/"type":"KILL_TASK"[^}]*"task_id":"([^"]+)"/g)].map((x) => x[1]);
      assert.deepEqual(kills, ['running'], 'only the task still running');
      assert.ok(back.received().indexOf('"REGISTERED"') < back.received().indexOf('"KILL_TASK"'), 'after the registration\'s answer');
      // Nothing of a kill is kept once its task has ended and is done with.
      await client.call(Calls.acknowledge({ task_id: { value: 'ended' }, agent_id: { value: agentId }, uuid: Buffer.from('update-1 16bytes').toString('base64') }));
      await waitFor(() => framework().completed_tasks.some((t) => t.id === 'ended'), 5000, 'the ended task done with');
      assert.deepEqual([...m.agents.get(agentId)!.killedTasks], [`${frameworkId}\nrunning`]);
    } finally {
      back.req.destroy();
    }
  });
});

test('a kill of an ended task is forgotten once the framework is done with the task', async () => {
  await withTasks({ partitionAware: true, ids: ['ended'] }, async ({ client, agentId, updates, framework, m }) => {
    await client.call(Calls.kill({ value: 'ended' }, { value: agentId }));
    await waitFor(() => m.agents.get(agentId)!.killedTasks.size === 1, 5000, 'the kill remembered');
    await client.call(Calls.acknowledge(updates(0).find((x) => x.task_id.value === 'ended' && x.state === 'TASK_FINISHED')!));
    await waitFor(() => framework().completed_tasks.length === 1, 5000, 'the task done with');
    assert.equal(m.agents.get(agentId)!.killedTasks.size, 0);
  });
});

test('a known agent that re-registers without a task the master has is asked to reconcile it', async () => {
  await withTasks({ partitionAware: true, ids: ['ended', 'staging'], checkpoint: true }, async ({ m, agentId, link, framework }) => {
    link.destroy();
    await waitFor(() => (m.state().slaves as { active: boolean }[])[0]?.active === false, 5000, 'the agent disconnected');
    const frameworkId = (m.state().frameworks as { id: string }[])[0]!.id;
    const info = { name: 'ended', task_id: { value: 'ended' }, agent_id: { value: agentId }, resources: cpus(1), command: { value: 'true' } };
    // It reports the ended task only: the one it never started is missing.
    const back = await registerRawAgent(m.url, {
      hostname: 'a', port: 1, id: agentId, resources: cpus(2), attributes: [], tasks: [{ info, frameworkId, state: 'TASK_FINISHED', statuses: [] }],
    });
    try {
      await waitFor(() => back.received().includes('"RECONCILE_TASKS"'), 5000, 'a reconciliation request');
      const asked = /"type":"RECONCILE_TASKS".*?"task_ids":(\[[^\]]*\])/.exec(back.received())!;
      assert.deepEqual(JSON.parse(asked[1]!), ['staging']);
      assert.ok(back.received().indexOf('"REGISTERED"') < back.received().indexOf('"RECONCILE_TASKS"'), 'after the registration\'s answer');
      assert.ok(framework().tasks.some((t) => t.id === 'staging'), 'the master waits for the agent\'s answer');
    } finally {
      back.req.destroy();
    }
  });
});

test('an agent asked to reconcile a task it does not know ends it: TASK_DROPPED for a partition-aware framework', async () => {
  const cluster = await new MiniCluster({ agents: 1, master: { allocationIntervalMs: 50 } }).start();
  const c = new SchedulerClient({ master: cluster.masterUrl, frameworkInfo: { user: 'u', name: 'reconcile', capabilities: [{ type: 'PARTITION_AWARE' }] } }).start();
  try {
    const seen = recordEvents(c);
    const frameworkId = await subscribedId(seen);
    const agent = cluster.agents[0]!;
    agent.reconcileTasks({ user: 'u', name: 'reconcile', id: { value: frameworkId }, capabilities: [{ type: 'PARTITION_AWARE' }] }, ['ghost']);
    const statuses = () => seen.flatMap((e) => (e.type === 'UPDATE' ? [e.update.status] : []));
    await waitFor(() => statuses().some((s) => s.task_id.value === 'ghost'), 5000, 'the agent\'s answer');
    const s = statuses().find((x) => x.task_id.value === 'ghost')!;
    assert.deepEqual([s.state, s.reason, s.source, s.message, s.agent_id?.value], ['TASK_DROPPED', 'REASON_RECONCILIATION', 'SOURCE_AGENT', 'Reconciliation: task unknown to the agent', agent.id]);
    assert.ok(s.uuid, 'a reliable update, to acknowledge');
  } finally {
    await c.teardown().catch(() => undefined);
    await cluster.stop();
  }
});

test('the task takes the latest state the agent reports with an update, ahead of the update itself', async () => {
  await withTasks({ partitionAware: true, ids: ['ended', 't'] }, async ({ m, client, seen, updates, framework, report }) => {
    // The agent is still waiting for RUNNING's acknowledgement, but the task has finished there.
    assert.equal(await report(update('t', 'TASK_RUNNING', 1), 'TASK_FINISHED'), 202);
    await waitFor(() => framework().tasks.find((x) => x.id === 't')?.state === 'TASK_FINISHED', 5000, 'the latest state taken');
    assert.deepEqual(framework().tasks.find((x) => x.id === 't')!.statuses!.map((s) => s.state), ['TASK_RUNNING']);
    const used = (m.state().frameworks as { used_resources: { cpus?: number } }[])[0]!.used_resources;
    assert.equal(used.cpus ?? 0, 0, 'an ended task holds no resources');
    // Its id stays taken until the framework is done with it (Mesos' validateUniqueTaskID).
    const offer = await waitFor(() => seen.filter((e) => e.type === 'OFFERS').length >= 2, 10_000, 'its cpu offered again')
      .then(() => (seen.findLast((e) => e.type === 'OFFERS') as Extract<ClientEvent, { type: 'OFFERS' }>).offers.offers![0]!);
    const from = seen.length;
    await client.call(Calls.accept([offer.id], [Operations.launch([{ name: 't', task_id: { value: 't' }, agent_id: offer.agent_id, resources: cpus(1), command: { value: 'true' } }])]));
    // (The update forwarded above may still be on its way: only what answers the launch counts.)
    const answer = () => updates(from).filter((x) => x.task_id.value === 't' && x.state !== 'TASK_RUNNING');
    await waitFor(() => answer().length > 0, 5000, 'the launch answered');
    assert.deepEqual(answer().map((x) => [x.state, x.message]), [['TASK_ERROR', 'Task has duplicate ID: t']]);
  });
});

test('a real agent\'s task that ended shows ended at the master while its first update is not acknowledged', async () => {
  // The agent forwards only the oldest unacknowledged update, and again on its retries: each carries the latest state.
  const cluster = await new MiniCluster({ agents: 1, master: { allocationIntervalMs: 50 }, agent: { statusUpdateRetryMs: 300 } }).start();
  const c = new SchedulerClient({ master: cluster.masterUrl, frameworkInfo: { user: 'u', name: 'no-acks' } }).start();
  try {
    const seen = recordEvents(c);
    const offer = await firstOffer(seen);
    await c.call(Calls.accept([offer.id], [Operations.launch([{ name: 'quick', task_id: { value: 'quick' }, agent_id: offer.agent_id, resources: cpus(1), command: { value: 'true' } }])]));
    const state = () => (cluster.master.state().frameworks as StateFramework[])[0]!.tasks.find((t) => t.id === 'quick')?.state;
    await waitFor(() => state() === 'TASK_FINISHED', 30_000, 'the master sees the task ended');
    const heard = new Set(seen.flatMap((e) => (e.type === 'UPDATE' ? [e.update.status.state] : [])));
    assert.deepEqual([...heard], ['TASK_STARTING'], 'the framework, acknowledging nothing, has heard only the first update (resent)');
    // Its executor has exited, but the agent still has the task (its updates await acknowledgement): asked to
    // reconcile it, the agent ends nothing. Acknowledging every update then lets anything queued behind them through.
    const frameworkId = await subscribedId(seen);
    cluster.agents[0]!.reconcileTasks({ user: 'u', name: 'no-acks', id: { value: frameworkId } }, ['quick']);
    const acked = new Set<string>();
    const ackAll = async () => {
      for (const e of seen) {
        if (e.type !== 'UPDATE' || !e.update.status.uuid || acked.has(e.update.status.uuid)) continue;
        acked.add(e.update.status.uuid);
        await c.call(Calls.acknowledge(e.update.status));
      }
    };
    const states = () => seen.flatMap((e) => (e.type === 'UPDATE' ? [e.update.status] : []));
    await waitFor(async () => (await ackAll(), states().some((x) => x.state === 'TASK_FINISHED')), 10_000, 'the end, once the others are acknowledged');
    await ackAll();
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(states().filter((x) => x.reason === 'REASON_RECONCILIATION').map((x) => x.state), [], 'no reconciliation update');
  } finally {
    await c.teardown().catch(() => undefined);
    await cluster.stop();
  }
});

test('re-registration: a registered agent gets back nothing lost when it disconnected; a removed one gets its tasks back, each told', async () => {
  const running = (agentId: string, frameworkId: string) => ({
    info: { name: 'running', task_id: { value: 'running' }, agent_id: { value: agentId }, resources: cpus(1), command: { value: 'true' } },
    frameworkId, state: 'TASK_RUNNING' as const, statuses: [{ task_id: { value: 'running' }, state: 'TASK_RUNNING' as const, healthy: true, uuid: uuid(7) }],
  });
  const told = (seen: ClientEvent[], from: number) => seen.slice(from).flatMap((e) => (e.type === 'UPDATE' && e.update.status.reason === 'REASON_AGENT_REREGISTERED' ? [e.update.status] : []));
  // Disconnected (its non-checkpointing framework's tasks lost), then back with the task still running: Mesos'
  // reconcileKnownSlave re-adds nothing and tells no one.
  await withTasks({ partitionAware: true, ids: ['ended', 'running'] }, async ({ m, agentId, link, seen, framework }) => {
    link.destroy();
    await waitFor(() => framework().completed_tasks.length === 2, 5000, 'both tasks lost');
    const from = seen.length;
    const back = await registerRawAgent(m.url, { hostname: 'a', port: 1, id: agentId, resources: cpus(2), attributes: [], tasks: [running(agentId, (m.state().frameworks as { id: string }[])[0]!.id)] });
    try {
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(told(seen, from), []);
      assert.deepEqual(framework().tasks, [], 'the lost task stays lost');
    } finally {
      back.req.destroy();
    }
  });
  // Removed (unknown from then on), then back: its tasks are active again, each told "Unknown agent reregistered".
  await withTasks({ partitionAware: true, ids: ['ended', 'running'] }, async ({ m, agentId, seen, framework }) => {
    m.removeAgent(agentId);
    await waitFor(() => framework().completed_tasks.length === 2, 5000, 'both tasks lost');
    const from = seen.length;
    const back = await registerRawAgent(m.url, { hostname: 'a', port: 1, id: agentId, resources: cpus(2), attributes: [], tasks: [running(agentId, (m.state().frameworks as { id: string }[])[0]!.id)] });
    try {
      await waitFor(() => told(seen, from).length > 0, 5000, 'the task told');
      assert.deepEqual(told(seen, from).map((s) => [s.task_id.value, s.state, s.message, s.healthy]), [['running', 'TASK_RUNNING', 'Unknown agent reregistered', true]]);
      assert.deepEqual(framework().tasks.map((t) => [t.id, t.state]), [['running', 'TASK_RUNNING']]);
      assert.deepEqual(framework().completed_tasks.map((t) => t.id), ['ended'], 'no longer among the completed');
    } finally {
      back.req.destroy();
    }
  });
});

test('re-registration of a registered agent: a task the master does not know is not taken in; executors it no longer reports are forgotten', async () => {
  await withTasks({ partitionAware: true, ids: ['ended', 'running'] }, async ({ m, agentId, framework }) => {
    const fid = (m.state().frameworks as { id: string }[])[0]!.id;
    const ghost = {
      info: { name: 'ghost', task_id: { value: 'ghost' }, agent_id: { value: agentId }, resources: cpus(1), command: { value: 'true' } },
      frameworkId: fid, state: 'TASK_RUNNING' as const, statuses: [],
    };
    const executor = { frameworkId: fid, info: { executor_id: { value: 'E1' }, framework_id: { value: fid }, command: { value: 'x' }, resources: cpus(1) } };
    const executors = () => (m.state().frameworks as { executors: { executor_id: string }[] }[])[0]!.executors.map((e) => e.executor_id);
    // Each registration takes over from the link before it (no disconnection in between).
    const first = await registerRawAgent(m.url, { hostname: 'a', port: 1, id: agentId, resources: cpus(3), attributes: [], tasks: [ghost], executors: [executor] });
    let second: Awaited<ReturnType<typeof registerRawAgent>> | undefined;
    try {
      assert.deepEqual(framework().tasks.map((t) => t.id).sort(), ['ended', 'running'], 'no ghost');
      assert.deepEqual(executors(), ['E1']);
      second = await registerRawAgent(m.url, { hostname: 'a', port: 1, id: agentId, resources: cpus(3), attributes: [], tasks: [] });
      assert.deepEqual(executors(), [], 'E1 gone with its resources');
    } finally {
      second?.req.destroy();
      first.req.destroy();
    }
  });
});
