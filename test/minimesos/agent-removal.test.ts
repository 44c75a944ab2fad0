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
import { Calls } from '../../src/mesos/calls.js';
import type { ClientEvent } from '../../src/mesos/client/SchedulerClient.js';
import { waitFor } from '../helpers/events.js';
import { pairs, withTasks } from '../helpers/rawAgentTasks.js';

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
