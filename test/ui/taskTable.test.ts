/**
 * TaskTable: a stage attempt's tasks as rows of numbers. What goes in comes back as the same TaskRecord, across its
 * chunks, after trimming and after it gives back room.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TaskTable, newTaskCodes, type TaskEndValues, type TaskStartValues } from '../../src/ui/status/TaskTable.js';
import { ZERO_INPUT, ZERO_OUTPUT, ZERO_READ, ZERO_WRITE, taskMetricsFromLite } from '../../src/ui/status/metrics.js';
import type { TaskMetrics } from '../../src/ui/status/records.js';

const LOGS = { stdout: 'http://agent/files/stdout' };

const started = (taskId: number, o: Partial<TaskStartValues> = {}): TaskStartValues => ({
  taskId, index: taskId % 100, attempt: 0, partitionId: taskId % 100, launchTime: 1_796_000_000_000 + taskId, executorId: `exec-${taskId % 3}`,
  host: `host-${taskId % 2}`, status: 'RUNNING', locality: 'PROCESS_LOCAL', speculative: false, executorLogs: LOGS, ...o,
});

const ended = (finishTime: number, o: Partial<TaskEndValues> = {}): TaskEndValues => ({
  status: 'SUCCESS', finishTime, duration: 7, gettingResultTime: 0, schedulerDelay: 2, errorMessage: undefined, killReason: undefined,
  metrics: taskMetricsFromLite({ runTimeMs: 5, resultSize: 1200 }, 7), ...o,
});

const withPush: TaskMetrics = {
  ...taskMetricsFromLite({ runTimeMs: 3, shuffleRemoteBytesRead: 10, inputBytes: 4, outputRecords: 2, shuffleWriteBytes: 9 }, 3),
  shuffleReadMetrics: {
    remoteBlocksFetched: 1, localBlocksFetched: 2, fetchWaitTime: 3, remoteBytesRead: 4, remoteBytesReadToDisk: 5, localBytesRead: 6, recordsRead: 7,
    remoteReqsDuration: 8, shufflePushReadMetrics: {
      corruptMergedBlockChunks: 1, mergedFetchFallbackCount: 2, remoteMergedBlocksFetched: 3, localMergedBlocksFetched: 4, remoteMergedChunksFetched: 5,
      localMergedChunksFetched: 6, remoteMergedBytesRead: 7, localMergedBytesRead: 8, remoteMergedReqsDuration: 9,
    },
  },
};

test('TaskTable: a task comes back as it went in, running and ended, every field', () => {
  // [what, start, end (none: still running), the record's fields expected besides the start's]
  const cases: [string, TaskStartValues, TaskEndValues | undefined, Record<string, unknown>][] = [
    ['running', started(1), undefined, { status: 'RUNNING', duration: undefined, finishTime: 0, taskMetrics: undefined, errorMessage: undefined }],
    ['speculative, on another locality', started(2, { speculative: true, locality: 'NODE_LOCAL', attempt: 3 }), undefined, { speculative: true, taskLocality: 'NODE_LOCAL', attempt: 3 }],
    ['succeeded', started(3), ended(1_796_000_000_010), { status: 'SUCCESS', duration: 7, finishTime: 1_796_000_000_010, schedulerDelay: 2, taskMetrics: taskMetricsFromLite({ runTimeMs: 5, resultSize: 1200 }, 7) }],
    ['failed, with its error', started(4), ended(1_796_000_000_011, { status: 'FAILED', errorMessage: 'TypeError: bad\n\tat f', metrics: undefined }), { status: 'FAILED', errorMessage: 'TypeError: bad\n\tat f', taskMetrics: undefined, schedulerDelay: 0 }],
    ['killed, with its reason', started(5), ended(1_796_000_000_012, { status: 'KILLED', killReason: 'stage cancelled' }), { status: 'KILLED', killReason: 'stage cancelled' }],
    ['every metric, push-based shuffle too', started(6), ended(1_796_000_000_013, { metrics: withPush, gettingResultTime: 4 }), { taskMetrics: withPush, gettingResultTime: 4 }],
    ['a duration a log left as NaN (JSON writes null)', started(7), ended(1_796_000_000_014, { duration: NaN }), { duration: NaN }],
    ['numbers past 2^32 and fractions', started(2 ** 40, { launchTime: 2 ** 52 + 1 }), ended(2 ** 52 + 9, { duration: 0.5 }), { taskId: 2 ** 40, launchTime: 2 ** 52 + 1, duration: 0.5 }],
  ];
  const table = new TaskTable(newTaskCodes(), 4, 1);
  for (const [what, start, end, expected] of cases) {
    const r = table.add(start);
    if (end) table.end(r, end);
    const t = table.get(start.taskId)!;
    const want = {
      taskId: start.taskId, index: start.index, attempt: start.attempt, partitionId: start.partitionId, launchTime: start.launchTime, resultFetchStart: undefined,
      executorId: start.executorId, host: start.host, taskLocality: start.locality, speculative: start.speculative, executorLogs: LOGS, stageId: 4, stageAttemptId: 1,
      ...expected,
    };
    for (const [k, v] of Object.entries(want)) assert.deepEqual(t[k as keyof typeof t], v, `${what}: ${k}`);
    assert.equal(t.executorLogs, LOGS, `${what}: the executor's own logs object`);
    assert.equal(table.executorOf(r), start.executorId);
    assert.equal(table.indexOf(r), start.index);
  }
  assert.deepEqual([...table.keys()], cases.map(([, s]) => s.taskId), 'in the order first seen');
  assert.equal(table.size, cases.length);
});

test('TaskTable: all-zero metric parts come back as the shared zeros, the others as their own', () => {
  const table = new TaskTable(newTaskCodes(), 0, 0);
  table.end(table.add(started(1)), ended(10));
  table.end(table.add(started(2)), ended(11, { metrics: withPush }));
  const plain = table.get(1)!.taskMetrics!;
  assert.ok(plain.inputMetrics === ZERO_INPUT && plain.outputMetrics === ZERO_OUTPUT && plain.shuffleReadMetrics === ZERO_READ && plain.shuffleWriteMetrics === ZERO_WRITE);
  const full = table.get(2)!.taskMetrics!;
  assert.ok(full.inputMetrics !== ZERO_INPUT && full.outputMetrics !== ZERO_OUTPUT && full.shuffleReadMetrics !== ZERO_READ && full.shuffleWriteMetrics !== ZERO_WRITE);
  // Push-based shuffle metrics alone (Spark's logs): the read part is not all zeros.
  const pushOnly: TaskMetrics = { ...withPush, shuffleReadMetrics: { ...ZERO_READ, shufflePushReadMetrics: withPush.shuffleReadMetrics.shufflePushReadMetrics } };
  table.end(table.add(started(3)), ended(12, { metrics: pushOnly }));
  assert.deepEqual(table.get(3)!.taskMetrics, pushOnly);
});

test('TaskTable: fetching a result shows as GET RESULT, with its start', () => {
  const table = new TaskTable(newTaskCodes(), 0, 0);
  const r = table.add(started(1));
  table.gettingResult(r, 1_796_000_000_005);
  assert.equal(table.get(1)!.status, 'GET RESULT');
  assert.equal(table.get(1)!.resultFetchStart, 1_796_000_000_005);
  assert.equal(table.row(2), -1);
  assert.equal(table.get(2), undefined);
});

test('TaskTable: trimming forgets the tasks that ended first, keeps the running ones and the order, across chunks and after giving back room', () => {
  const table = new TaskTable(newTaskCodes(), 0, 0);
  const N = 700; // several chunks of 128
  for (let t = 0; t < N; t++) table.add(started(t));
  // Every third task still runs; the others end in reverse order (the last started ends first), each with an error.
  for (let t = N - 1; t >= 0; t--) if (t % 3 !== 0) table.end(table.row(t), ended(2_000_000_000_000 + (N - t), { status: 'FAILED', errorMessage: `e${t}`, metrics: undefined }));
  table.removeOldestEnded(300);
  const endedIds = Array.from({ length: N }, (_, t) => t).filter((t) => t % 3 !== 0);
  const forgotten = new Set(endedIds.slice(-300)); // the highest ids ended first
  const kept = Array.from({ length: N }, (_, t) => t).filter((t) => !forgotten.has(t));
  assert.deepEqual([...table.keys()], kept);
  assert.deepEqual([...table.values()].map((x) => x.taskId), kept);
  for (const t of [0, 1, 2, 3, 698, 699]) {
    const x = table.get(t);
    if (forgotten.has(t)) assert.equal(x, undefined, `${t} forgotten`);
    else {
      assert.equal(x!.launchTime, 1_796_000_000_000 + t, `${t} kept whole`);
      assert.equal(x!.errorMessage, t % 3 === 0 ? undefined : `e${t}`, `${t}'s error kept`);
    }
  }
  // More tasks after the room was given back go in whole too.
  for (let t = N; t < N + 200; t++) table.add(started(t));
  assert.equal(table.size, kept.length + 200);
  assert.equal(table.get(N + 199)!.executorId, `exec-${(N + 199) % 3}`);
  assert.equal(table.get(kept.at(-1)!)!.taskId, kept.at(-1));
  // A forgotten task leaves nothing behind: the same id added again is a new task.
  assert.ok(forgotten.has(698));
  table.add(started(698));
  assert.equal(table.get(698)!.errorMessage, undefined);
  assert.equal(table.get(698)!.status, 'RUNNING');
  // Running tasks are never forgotten, however many are asked for.
  table.removeOldestEnded(10_000);
  assert.deepEqual([...table.keys()], [...kept.filter((t) => t % 3 === 0), ...Array.from({ length: 200 }, (_, i) => N + i), 698]);
});

test('TaskTable: a table that ended small gives its room back, and still takes more', () => {
  const table = new TaskTable(newTaskCodes(), 0, 0);
  for (let t = 0; t < 3; t++) table.add(started(t));
  table.fit();
  assert.equal(table.capacity, 3);
  for (let t = 3; t < 300; t++) table.add(started(t));
  assert.ok(table.capacity > 300);
  table.fit();
  assert.equal(table.capacity, 300, 'no room beyond the tasks held');
  table.add(started(300));
  assert.deepEqual([...table.keys()], Array.from({ length: 301 }, (_, t) => t));
  assert.deepEqual([...table.values()].map((x) => x.launchTime), Array.from({ length: 301 }, (_, t) => 1_796_000_000_000 + t));
});

test('TaskTable: a repeated start starts the task afresh in its place; a repeated end replaces its metrics whole', () => {
  const table = new TaskTable(newTaskCodes(), 0, 0);
  for (const t of [1, 2, 3]) table.add(started(t));
  table.end(table.row(2), ended(10, { status: 'FAILED', errorMessage: 'boom', metrics: withPush }));
  table.add(started(2, { attempt: 1 }));
  assert.equal(table.size, 3);
  assert.deepEqual([...table.keys()], [1, 2, 3]);
  const again = table.get(2)!;
  assert.deepEqual([again.status, again.attempt, again.errorMessage, again.taskMetrics, again.duration], ['RUNNING', 1, undefined, undefined, undefined]);
  table.end(table.row(3), ended(11, { metrics: withPush }));
  table.end(table.row(3), ended(12));
  assert.deepEqual(table.get(3)!.taskMetrics, taskMetricsFromLite({ runTimeMs: 5, resultSize: 1200 }, 7), 'no push metrics left from the first end');
  // Trimming everything that ended leaves only running tasks, and no room beyond them.
  table.end(table.row(1), ended(13));
  table.end(table.row(2), ended(14));
  table.removeOldestEnded(3);
  assert.equal(table.size, 0);
  assert.equal(table.capacity, 0);
});

test('TaskTable: a stage attempt that never ran a task takes no room', () => {
  const table = new TaskTable(newTaskCodes(), 0, 0);
  assert.equal(table.capacity, 0);
  table.fit();
  assert.equal(table.capacity, 0);
  table.add(started(1));
  assert.equal(table.capacity, 8);
});
