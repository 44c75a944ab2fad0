/**
 * An agent marked unreachable takes every task on it out of its framework's active tasks, as Mesos' master does
 * (`__removeSlave`): a running task and one that ended with an update the framework has not acknowledged yet. The
 * framework hears TASK_UNREACHABLE for both (TASK_LOST when it is not partition-aware), `/state` lists both among its
 * unreachable tasks (the ended one with its own state), implicit reconciliation leaves them out and an explicit one
 * answers by the agent's state.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type http from 'node:http';
import { Master } from '../../src/minimesos/Master.js';
import { Calls, Operations } from '../../src/mesos/calls.js';
import { SchedulerClient, type ClientEvent } from '../../src/mesos/client/SchedulerClient.js';
import type { TaskStatus } from '../../src/mesos/wire/task.js';
import { waitFor } from '../helpers/events.js';
import { registerRawAgent, sendAsAgent } from '../helpers/rawAgent.js';

interface StateTask { id: string; state: string }
interface StateFramework { tasks: StateTask[]; unreachable_tasks: StateTask[]; completed_tasks: StateTask[] }

for (const partitionAware of [true, false]) {
  test(`an unreachable agent's tasks, ended ones not yet acknowledged too, are held as unreachable (${partitionAware ? '' : 'not '}partition-aware)`, async () => {
    // Raw agents never answer pings: unreachable about 2 s after registering, time enough to launch and finish.
    const m = new Master({ allocationIntervalMs: 50, agentPingTimeoutMs: 1000, maxAgentPingTimeouts: 2 });
    let link: http.ClientRequest | undefined;
    let client: SchedulerClient | undefined;
    try {
      await m.start();
      const seen: ClientEvent[] = [];
      const capabilities = partitionAware ? [{ type: 'PARTITION_AWARE' as const }] : [];
      const c = new SchedulerClient({ master: m.url.replace('http://', 'mesos://'), frameworkInfo: { user: 'u', name: 'unreachable-tasks', capabilities } }).start();
      client = c;
      void (async () => {
        for await (const e of c.events()) seen.push(e);
      })().catch(() => undefined);
      await waitFor(() => seen.some((e) => e.type === 'SUBSCRIBED'), 10_000, 'subscribed');
      const frameworkId = (seen.find((e) => e.type === 'SUBSCRIBED') as Extract<ClientEvent, { type: 'SUBSCRIBED' }>).subscribed.framework_id.value;
      const updates = (from = 0): TaskStatus[] => seen.slice(from).flatMap((e) => (e.type === 'UPDATE' ? [e.update.status] : []));

      const a = await registerRawAgent(m.url, { hostname: 'a', port: 1, resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 2 } }], attributes: [] });
      link = a.req;
      await waitFor(() => seen.some((e) => e.type === 'OFFERS'), 5000, 'an offer');
      const offer = (seen.find((e) => e.type === 'OFFERS') as Extract<ClientEvent, { type: 'OFFERS' }>).offers.offers![0]!;
      const task = (id: string) => ({
        name: id, task_id: { value: id }, agent_id: offer.agent_id, resources: [{ name: 'cpus', type: 'SCALAR' as const, scalar: { value: 1 } }], command: { value: 'true' },
      });
      await c.call(Calls.accept([offer.id], [Operations.launch([task('ended'), task('running')])]));
      // The agent reports one task finished; the framework is told, and does not acknowledge.
      await waitFor(() => (m.state().frameworks as StateFramework[])[0]!.tasks.length === 2, 5000, 'both tasks launched');
      const finished: TaskStatus = { task_id: { value: 'ended' }, state: 'TASK_FINISHED', source: 'SOURCE_EXECUTOR', agent_id: offer.agent_id, uuid: Buffer.from('update-1').toString('base64'), timestamp: Date.now() / 1000 };
      assert.equal(await sendAsAgent(m.url, a, { type: 'STATUS_UPDATE', framework_id: frameworkId, status: finished }), 202);
      await waitFor(() => updates().some((s) => s.task_id.value === 'ended' && s.state === 'TASK_FINISHED'), 5000, 'TASK_FINISHED forwarded');
      const framework = () => (m.state().frameworks as StateFramework[])[0]!;
      assert.deepEqual(framework().tasks.map((t) => [t.id, t.state]).sort(), [['ended', 'TASK_FINISHED'], ['running', 'TASK_STAGING']], 'an unacknowledged end stays active');

      const before = seen.length;
      await waitFor(() => m.agents.unreachableAgents().has(a.agentId), 10_000, 'the agent unreachable');
      const lost = partitionAware ? 'TASK_UNREACHABLE' : 'TASK_LOST';
      await waitFor(() => updates(before).length >= 2, 5000, 'an update for each task');
      const told = updates(before);
      assert.deepEqual(told.map((s) => [s.task_id.value, s.state, s.reason, s.message]).sort(), [
        ['ended', lost, 'REASON_AGENT_REMOVED', 'health check timed out'], ['running', lost, 'REASON_AGENT_REMOVED', 'health check timed out'],
      ]);
      for (const s of told) {
        assert.deepEqual(s.unreachable_time, m.agents.unreachableAgents().get(a.agentId));
        assert.equal(s.uuid, undefined, 'the master\'s own update is not acknowledged');
      }
      assert.deepEqual(framework().tasks, [], 'no task of the agent is active');
      assert.deepEqual(framework().unreachable_tasks.map((t) => [t.id, t.state]).sort(), [['ended', 'TASK_FINISHED'], ['running', lost]], 'an ended task keeps its state');
      assert.deepEqual(framework().completed_tasks, []);

      const asked = seen.length;
      await c.call(Calls.reconcile([]));
      await c.call(Calls.reconcile([{ task_id: { value: 'ended' }, agent_id: { value: a.agentId } }]));
      await waitFor(() => updates(asked).length > 0, 5000, 'the explicit answer');
      await new Promise((r) => setTimeout(r, 200));
      const answers = updates(asked);
      assert.deepEqual(answers.map((s) => [s.task_id.value, s.state, s.message]), [['ended', lost, 'Reconciliation: Task is unreachable']], 'implicit reconciliation leaves both out');
    } finally {
      await client?.teardown().catch(() => undefined);
      link?.destroy();
      await m.stop();
    }
  });
}
