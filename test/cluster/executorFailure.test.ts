// The driver's line for a registered executor whose Mesos task failed: Mesos' words (first line only), advice for a
// container limitation, the stderr tail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { executorFailure } from '../../src/cluster/mesos/executorFailure.js';
import type { TaskStatus } from '../../src/mesos/wire/task.js';

const status = (s: Partial<TaskStatus>): TaskStatus => ({ task_id: { value: '3' }, state: 'TASK_FAILED', ...s }) as TaskStatus;

test('executor failure lines, by Mesos status', () => {
  const cases: [Partial<TaskStatus>, string | undefined, string][] = [
    [{ reason: 'REASON_CONTAINER_LIMITATION_MEMORY', source: 'SOURCE_AGENT', message: 'Memory limit exceeded: Requested: 672MB Maximum Used: 672MB\n\nMEMORY STATISTICS: \ncache 0\n' }, 'Killed\n',
      'Executor 3 on agent1 ended (TASK_FAILED, REASON_CONTAINER_LIMITATION_MEMORY, SOURCE_AGENT): Memory limit exceeded: Requested: 672MB Maximum Used: 672MB; its container ran out of memory: raise spark.executor.memory or spark.mesos.executor.memoryOverhead, or give each task less data\nLast lines of its stderr:\nKilled'],
    [{ state: 'TASK_LOST', reason: 'REASON_AGENT_REMOVED', source: 'SOURCE_MASTER', message: 'health check timed out' }, undefined,
      'Executor 3 on agent1 ended (TASK_LOST, REASON_AGENT_REMOVED, SOURCE_MASTER): health check timed out'],
    [{ reason: 'REASON_COMMAND_EXECUTOR_FAILED', source: 'SOURCE_EXECUTOR', message: 'Command exited with status 1' }, '  \n',
      'Executor 3 on agent1 ended (TASK_FAILED, REASON_COMMAND_EXECUTOR_FAILED, SOURCE_EXECUTOR): Command exited with status 1'],
    [{}, undefined, 'Executor 3 on agent1 ended (TASK_FAILED)'],
  ];
  for (const [s, tail, want] of cases) assert.equal(executorFailure('3', 'agent1', status(s), tail), want);
});
