/**
 * The driver's own Prometheus counters (`/metrics/prometheus`): tasks are counted by result on the scheduling thread
 * as plain numbers and handed to the counter only when it is read, so the figures must still be exact, label by
 * label, and stay so across reads.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TaskEnd } from '../../src/scheduler/events.js';
import { DriverStatusServer } from '../../src/ui/DriverStatusServer.js';

const end = (taskId: number, result: TaskEnd['result']): TaskEnd =>
  ({ type: 'taskEnd', stageId: 0, taskId, partition: taskId, attempt: 0, executorId: '1', time: 1, result, records: 0 });

test('driver metrics: tasks ended, by result, exact across reads', async () => {
  const server = new DriverStatusServer(() => ({}));
  for (let t = 0; t < 5; t++) server.onEvent(end(t, 'success'));
  server.onEvent(end(5, 'failed'));
  server.onEvent(end(6, 'failed'));
  const first = await server.registry.metrics();
  assert.match(first, /^spark_tasks_total\{result="success"\} 5$/m);
  assert.match(first, /^spark_tasks_total\{result="failed"\} 2$/m);
  assert.doesNotMatch(first, /result="killed"/);
  server.onEvent(end(7, 'killed'));
  server.onEvent(end(8, 'success'));
  const second = await server.registry.metrics();
  assert.match(second, /^spark_tasks_total\{result="success"\} 6$/m, 'counted on from the first read, not doubled');
  assert.match(second, /^spark_tasks_total\{result="failed"\} 2$/m);
  assert.match(second, /^spark_tasks_total\{result="killed"\} 1$/m);
});
