import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TaskScheduler, type SchedulableTask } from '../../src/scheduler/TaskScheduler.js';
import { ListenerBus } from '../../src/scheduler/ListenerBus.js';
import type { SchedulerBackend, TaskStatusUpdate } from '../../src/scheduler/SchedulerBackend.js';
import type { TaskDescription } from '../../src/core/plan.js';

test('a status update from an executor that does not run the task is ignored', () => {
  const launched: { executorId: string; taskId: number }[] = [];
  const backend = { launchTask: (executorId: string, t: TaskDescription) => launched.push({ executorId, taskId: t.taskId }) } as unknown as SchedulerBackend;
  const ts = new TaskScheduler(backend, new ListenerBus(), () => undefined, () => undefined);
  ts.executorAdded({ id: 'a', host: 'h1', cores: 1 });
  ts.executorAdded({ id: 'b', host: 'h2', cores: 1 });
  const ends: TaskStatusUpdate[] = [];
  const task = (taskId: number): SchedulableTask => ({
    desc: { taskId, stageId: 0, partition: taskId, attempt: 0 } as unknown as TaskDescription, preferred: [], broadcastIds: [], onEnd: (u) => ends.push(u),
  });
  ts.submit([task(1), task(2)]);
  assert.equal(launched.length, 2);
  const onA = launched.find((l) => l.executorId === 'a')!;
  const onB = launched.find((l) => l.executorId === 'b')!;
  ts.statusUpdate({ taskId: onA.taskId, executorId: 'b', state: 'FINISHED' });
  assert.equal(ends.length, 0, 'executor b cannot end a task of executor a');
  assert.equal(ts.refusedUpdates, 1);
  assert.equal(ts.runningCount, 2);
  ts.statusUpdate({ taskId: onA.taskId, executorId: 'a', state: 'FINISHED' });
  ts.statusUpdate({ taskId: onB.taskId, executorId: 'b', state: 'FINISHED' });
  assert.deepEqual(ends.map((u) => u.executorId).sort(), ['a', 'b']);
});
