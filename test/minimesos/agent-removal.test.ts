/**
 * How the master lets go of an agent's tasks when the agent leaves without being unreachable, or its link breaks, as
 * Mesos' master does: an agent removed (it unregistered; `removeSlave`) ends each task TASK_LOST, for partition-aware
 * frameworks too; a broken link loses the tasks of frameworks that do not checkpoint
 * (`removeFramework(Slave*, Framework*)`). Either way an ended task the framework has not acknowledged is
 * told too, keeps its state and completes. And what a framework keeps of ended and unreachable tasks is bounded
 * (`--max_completed_tasks_per_framework`, `--max_unreachable_tasks_per_framework`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type http from 'node:http';
import { Master } from '../../src/minimesos/Master.js';
import type { MasterOptions } from '../../src/minimesos/master/model.js';
import { Calls, Operations } from '../../src/mesos/calls.js';
import { SchedulerClient, type ClientEvent } from '../../src/mesos/client/SchedulerClient.js';
import type { TaskStatus } from '../../src/mesos/wire/task.js';
import { waitFor } from '../helpers/events.js';
import { registerRawAgent, sendAsAgent } from '../helpers/rawAgent.js';

interface StateTask { id: string; state: string }
interface StateFramework { tasks: StateTask[]; unreachable_tasks: StateTask[]; completed_tasks: StateTask[] }

const cpus = (n: number) => [{ name: 'cpus', type: 'SCALAR' as const, scalar: { value: n } }];
const pairs = (ts: StateTask[]) => ts.map((t) => [t.id, t.state]).sort();

/**
 * A master, a framework and a hand-played agent running the tasks `ids`, of which the first has ended with an update
 * the framework has not acknowledged. `ponging` keeps the agent answering the master's health checks.
 */
async function withTasks(
  opts: MasterOptions & { partitionAware: boolean; ids: string[]; ponging?: boolean },
  body: (h: { m: Master; client: SchedulerClient; agentId: string; link: http.ClientRequest; seen: ClientEvent[]; updates(from: number): TaskStatus[]; framework(): StateFramework; stopPonging(): Promise<void> }) => Promise<void>,
): Promise<void> {
  const { partitionAware, ids, ponging: pong = false, ...masterOpts } = opts;
  const m = new Master({ allocationIntervalMs: 50, ...masterOpts });
  let link: http.ClientRequest | undefined;
  let client: SchedulerClient | undefined;
  let ponging = pong;
  let pongs: Promise<void> = Promise.resolve();
  try {
    await m.start();
    const seen: ClientEvent[] = [];
    const capabilities = partitionAware ? [{ type: 'PARTITION_AWARE' as const }] : [];
    const c = new SchedulerClient({ master: m.url.replace('http://', 'mesos://'), frameworkInfo: { user: 'u', name: 'agent-removal', capabilities } }).start();
    client = c;
    void (async () => {
      for await (const e of c.events()) seen.push(e);
    })().catch(() => undefined);
    await waitFor(() => seen.some((e) => e.type === 'SUBSCRIBED'), 10_000, 'subscribed');
    const frameworkId = (seen.find((e) => e.type === 'SUBSCRIBED') as Extract<ClientEvent, { type: 'SUBSCRIBED' }>).subscribed.framework_id.value;
    const a = await registerRawAgent(m.url, { hostname: 'a', port: 1, resources: cpus(ids.length), attributes: [] });
    link = a.req;
    pongs = (async () => {
      while (ponging) {
        await sendAsAgent(m.url, a, { type: 'PONG' }).catch(() => undefined);
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    await waitFor(() => seen.some((e) => e.type === 'OFFERS'), 5000, 'an offer');
    const offer = (seen.find((e) => e.type === 'OFFERS') as Extract<ClientEvent, { type: 'OFFERS' }>).offers.offers![0]!;
    const tasks = ids.map((id) => ({ name: id, task_id: { value: id }, agent_id: offer.agent_id, resources: cpus(1), command: { value: 'true' } }));
    await c.call(Calls.accept([offer.id], [Operations.launch(tasks)]));
    const framework = () => (m.state().frameworks as StateFramework[])[0]!;
    await waitFor(() => framework().tasks.length === ids.length, 5000, 'the tasks launched');
    const updates = (from: number): TaskStatus[] => seen.slice(from).flatMap((e) => (e.type === 'UPDATE' ? [e.update.status] : []));
    const finished: TaskStatus = { task_id: { value: ids[0]! }, state: 'TASK_FINISHED', source: 'SOURCE_EXECUTOR', agent_id: offer.agent_id, uuid: Buffer.from('update-1 16bytes').toString('base64'), timestamp: Date.now() / 1000 };
    assert.equal(await sendAsAgent(m.url, a, { type: 'STATUS_UPDATE', framework_id: frameworkId, status: finished }), 202);
    await waitFor(() => updates(0).some((s) => s.task_id.value === ids[0] && s.state === 'TASK_FINISHED'), 5000, 'TASK_FINISHED forwarded');
    const stopPonging = async () => {
      ponging = false;
      await pongs;
    };
    await body({ m, client: c, agentId: a.agentId, link, seen, updates, framework, stopPonging });
  } finally {
    ponging = false;
    await pongs;
    await client?.teardown().catch(() => undefined);
    link?.destroy();
    await m.stop();
  }
}

for (const partitionAware of [true, false]) {
  const kind = partitionAware ? 'partition-aware' : 'not partition-aware';

  test(`an agent removed without unreachability ends its tasks as Mesos' removeSlave does (${kind})`, async () => {
    await withTasks({ partitionAware, ids: ['ended', 'running'] }, async ({ m, client, agentId, seen, updates, framework }) => {
      const before = seen.length;
      m.removeAgent(agentId);
      await waitFor(() => updates(before).length >= 2 && seen.slice(before).some((e) => e.type === 'FAILURE'), 5000, 'both tasks told, and FAILURE');
      const removed = ['TASK_LOST', 'REASON_AGENT_REMOVED', 'SOURCE_MASTER', 'Agent a removed: the agent unregistered'];
      assert.deepEqual(updates(before).map((s) => [s.task_id.value, s.state, s.reason, s.source, s.message]).sort(), [['ended', ...removed], ['running', ...removed]]);
      for (const s of updates(before)) assert.equal(s.unreachable_time, undefined, 'not unreachable: no unreachable_time');
      const failure = seen.slice(before).find((e) => e.type === 'FAILURE') as Extract<ClientEvent, { type: 'FAILURE' }>;
      assert.deepEqual(failure.failure, { agent_id: { value: agentId } });
      assert.equal(m.agents.unreachableAgents().has(agentId), false, 'the agent is not among the unreachable ones');
      assert.deepEqual(framework().tasks, []);
      assert.deepEqual(framework().unreachable_tasks, []);
      assert.deepEqual(pairs(framework().completed_tasks), [['ended', 'TASK_FINISHED'], ['running', 'TASK_LOST']], 'an ended task keeps its state');

      // The agent is unknown from now on: reconciliation answers so.
      const asked = seen.length;
      await client.call(Calls.reconcile([{ task_id: { value: 'running' }, agent_id: { value: agentId } }]));
      await waitFor(() => updates(asked).length > 0, 5000, 'the reconciliation answer');
      assert.deepEqual(updates(asked).map((s) => [s.task_id.value, s.state, s.reason, s.message]),
        [['running', partitionAware ? 'TASK_UNKNOWN' : 'TASK_LOST', 'REASON_RECONCILIATION', 'Reconciliation: Task is unknown']]);
    });
  });

  test(`a broken agent link loses the tasks of a framework that does not checkpoint, an unacknowledged ended one too (${kind})`, async () => {
    await withTasks({ partitionAware, ids: ['ended', 'running'] }, async ({ link, seen, updates, framework }) => {
      const before = seen.length;
      link.destroy();
      await waitFor(() => updates(before).length >= 2, 5000, 'both tasks told');
      assert.deepEqual(updates(before).map((s) => [s.task_id.value, s.state, s.reason, s.message]).sort(), [
        ['ended', 'TASK_LOST', 'REASON_AGENT_DISCONNECTED', 'Agent a disconnected'], ['running', 'TASK_LOST', 'REASON_AGENT_DISCONNECTED', 'Agent a disconnected'],
      ]);
      assert.deepEqual(framework().tasks, []);
      assert.deepEqual(pairs(framework().completed_tasks), [['ended', 'TASK_FINISHED'], ['running', 'TASK_LOST']]);
    });
  });
}

test('a framework keeps its latest ended tasks, up to --max_completed_tasks_per_framework', async () => {
  await withTasks({ partitionAware: false, ids: ['t1', 't2', 't3'], maxCompletedTasksPerFramework: 2 }, async ({ m, agentId, seen, updates, framework }) => {
    const before = seen.length;
    m.removeAgent(agentId);
    await waitFor(() => updates(before).length >= 3, 5000, 'the tasks told');
    assert.deepEqual(framework().tasks, []);
    assert.deepEqual(framework().completed_tasks.map((t) => t.id), ['t2', 't3'], 'the oldest is forgotten');
  });
});

test('a framework keeps its latest unreachable tasks, up to --max_unreachable_tasks_per_framework', async () => {
  const opts = { partitionAware: true, ids: ['t1', 't2', 't3'], ponging: true, maxUnreachableTasksPerFramework: 2, agentPingTimeoutMs: 500, maxAgentPingTimeouts: 2 };
  await withTasks(opts, async ({ m, agentId, seen, updates, framework, stopPonging }) => {
    const before = seen.length;
    await stopPonging();
    await waitFor(() => m.agents.unreachableAgents().has(agentId), 10_000, 'the agent unreachable');
    await waitFor(() => updates(before).length >= 3, 5000, 'the tasks told');
    assert.deepEqual(updates(before).map((s) => [s.task_id.value, s.state]).sort(), [['t1', 'TASK_UNREACHABLE'], ['t2', 'TASK_UNREACHABLE'], ['t3', 'TASK_UNREACHABLE']], 'every task is told');
    assert.deepEqual(framework().tasks, []);
    assert.deepEqual(pairs(framework().unreachable_tasks), [['t2', 'TASK_UNREACHABLE'], ['t3', 'TASK_UNREACHABLE']], 'the two latest are held');
    assert.deepEqual(framework().completed_tasks, []);
  });
});
