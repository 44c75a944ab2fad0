/**
 * An agent marked unreachable takes every task on it out of its framework's active tasks, as Mesos' master does
 * (`__removeSlave`): a running task and one that ended with an update the framework has not acknowledged yet. The
 * framework hears TASK_UNREACHABLE for both (TASK_LOST when it is not partition-aware), `/state` lists both among its
 * unreachable tasks (the ended one with its own state), implicit reconciliation leaves them out and an explicit one
 * answers by the agent's state. When the agent comes back, what it reports is active again, the ended task with the
 * uuid its acknowledgement will carry.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Calls } from '../../src/mesos/calls.js';
import { waitFor } from '../helpers/events.js';
import { registerRawAgent } from '../helpers/rawAgent.js';
import { cpus, withTasks } from '../helpers/rawAgentTasks.js';

for (const partitionAware of [true, false]) {
  test(`an unreachable agent's tasks, ended ones not yet acknowledged too, are held as unreachable (${partitionAware ? '' : 'not '}partition-aware)`, async () => {
    // A raw agent answers no ping by itself: it pongs while the tasks start, then stops, and is unreachable about
    // 2 s later.
    const opts = { partitionAware, ids: ['ended', 'running'], ponging: true, agentPingTimeoutMs: 1000, maxAgentPingTimeouts: 2 };
    await withTasks(opts, async ({ m, client: c, agentId, link: first, seen, updates, framework, stopPonging }) => {
      let link = first;
      const frameworkId = (m.state().frameworks as { id: string }[])[0]!.id;
      const a = { agentId };
      const finished = updates(0).find((s) => s.task_id.value === 'ended' && s.state === 'TASK_FINISHED')!;
      const task = (id: string) => ({ name: id, task_id: { value: id }, agent_id: { value: agentId }, resources: cpus(1), command: { value: 'true' } });
      assert.deepEqual(framework().tasks.map((t) => [t.id, t.state]).sort(), [['ended', 'TASK_FINISHED'], ['running', 'TASK_STAGING']], 'an unacknowledged end stays active');

      const before = seen.length;
      await stopPonging();
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
      const used = (m.state().frameworks as { used_resources: { cpus?: number } }[])[0]!.used_resources;
      assert.equal(used.cpus ?? 0, 0, 'unreachable tasks hold no resources');

      // Killing an unreachable task is answered as its reconciliation is.
      const killed = seen.length;
      await c.call(Calls.kill({ value: 'running' }, { value: a.agentId }));
      await waitFor(() => updates(killed).length > 0, 5000, 'the kill answered');
      assert.deepEqual(updates(killed).map((s) => [s.task_id.value, s.state, s.message]), [['running', lost, 'Reconciliation: Task is unreachable']]);

      // The agent comes back reporting the running task, and the ended one with its update still unacknowledged:
      // both are active again, each told with REASON_AGENT_REREGISTERED.
      const returned = seen.length;
      const back = await registerRawAgent(m.url, {
        hostname: 'a', port: 1, id: a.agentId, resources: cpus(2), attributes: [],
        tasks: [{ info: task('running'), frameworkId, state: 'TASK_RUNNING', statuses: [] }, { info: task('ended'), frameworkId, state: 'TASK_FINISHED', statuses: [finished] }],
      });
      link.destroy();
      link = back.req;
      try {
        await waitFor(() => framework().tasks.length === 2, 5000, 'the reported tasks active again');
        assert.deepEqual(framework().tasks.map((t) => [t.id, t.state]).sort(), [['ended', 'TASK_FINISHED'], ['running', 'TASK_RUNNING']]);
        assert.deepEqual(framework().unreachable_tasks, []);
        await waitFor(() => updates(returned).length >= 2, 5000, 'both tasks told');
        assert.deepEqual(updates(returned).map((s) => [s.task_id.value, s.state, s.reason]).sort(),
          [['ended', 'TASK_FINISHED', 'REASON_AGENT_REREGISTERED'], ['running', 'TASK_RUNNING', 'REASON_AGENT_REREGISTERED']]);
        // The ended task kept the uuid of its update: acknowledging that update completes it.
        await c.call(Calls.acknowledge(finished));
        await waitFor(() => framework().completed_tasks.length === 1, 5000, 'the acknowledged task completed');
        assert.deepEqual(framework().completed_tasks.map((t) => [t.id, t.state]), [['ended', 'TASK_FINISHED']]);
        assert.deepEqual(framework().tasks.map((t) => [t.id, t.state]), [['running', 'TASK_RUNNING']]);
      } finally {
        link.destroy();
      }
    });
  });
}
