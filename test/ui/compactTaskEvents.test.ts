/**
 * Task events are copied into flat values and written as bytes from a field list: each line must be byte for byte
 * what JSON.stringify gives for the event the converter built, for every shape of task event and every kind of
 * number, and the common shapes must actually take the compact path (else the event log costs what it did before).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SparkEventConverter } from '../../src/ui/events/toSparkEvents.js';
import { CompactBatchBuilder, TASK_END_SUCCESS, TASK_START, type CompactBatch } from '../../src/ui/eventlog/compactTaskEvents.js';
import { batchBytes } from '../../src/ui/eventlog/lineBytes.js';
import { fullMetrics } from '../helpers/taskMetrics.js';
import type { SparkEvent } from '../../src/ui/events/sparkEvents.js';
import type { SparkListenerEvent, TaskEnd } from '../../src/scheduler/events.js';

const start = (taskId: number, o: Partial<SparkListenerEvent & { type: 'taskStart' }> = {}): SparkListenerEvent =>
  ({ type: 'taskStart', stageId: 3, taskId, partition: taskId % 7, attempt: 0, executorId: 'exec-1', time: 1_700_000_000_000 + taskId, ...o }) as SparkListenerEvent;
const end = (taskId: number, o: Partial<TaskEnd> = {}): SparkListenerEvent =>
  ({ type: 'taskEnd', stageId: 3, taskId, partition: taskId % 7, attempt: 0, executorId: 'exec-1', time: 1_700_000_000_500 + taskId, result: 'success', records: 1, ...o });

/** A batch written as bytes, back as lines, each with its event name. */
function batchLines(b: CompactBatch): { line: string; event: string }[] {
  const { bytes, ends, events } = batchBytes(b);
  return ends.map((end, i) => ({ line: bytes.subarray(i === 0 ? 0 : ends[i - 1], end).toString('utf8'), event: events[i]! }));
}

// [what, scheduler events, how many of the converted events must go the compact way]
const cases: [string, SparkListenerEvent[], number][] = [
  ['a task start and its plain success', [start(1), end(1)], 2],
  ['a success with every metric', [start(2), end(2, { metrics: fullMetrics, shuffleMap: true })], 2],
  ['a start on a known host, retried attempt, other locality', [
    { type: 'executorAdded', executorId: 'exec-9', host: 'agent-9.example', cores: 2, time: 1 },
    start(3, { executorId: 'exec-9', attempt: 2, stageAttempt: 1, locality: 'NODE_LOCAL' }), end(3, { executorId: 'exec-9', attempt: 2, stageAttempt: 1 }),
  ], 2],
  ['an end whose start was never seen (the converter\'s fallback info)', [end(4, { metrics: fullMetrics })], 1],
  ['strings that JSON must escape', [start(5, { executorId: 'ex"ec\\5\n\u2028é😀' }), end(5, { executorId: 'ex"ec\\5\n\u2028é😀' })], 2],
  ['integers digit by digit, everything else as JSON has it', [start(11, { time: 2 ** 53 - 1 }), end(11, { time: 10, metrics: {
    ...fullMetrics, runTimeMs: 9, deserializeTimeMs: 99, resultSize: 100, inputBytes: -7, inputRecords: -1234567, outputBytes: 0.5, outputRecords: -12.75,
    shuffleWriteBytes: 2 ** 53, shuffleWriteRecords: 1e-7, shuffleWriteTimeNs: 123456789012, peakExecutionMemory: 1e300,
  } })], 2],
  ['integers of every digit count, at each power of ten and either side of it', Array.from({ length: 16 }, (_, k) => 10 ** k).flatMap((p, k) =>
    [p - 1, p, p + 1].map((time, i) => start(100 + k * 3 + i, { time, partition: p, attempt: Math.floor(p / 3) }))), 48],
  ['more distinct strings than the encoder keeps (its cache starts afresh), repeated', Array.from({ length: 9000 }, (_, i) =>
    start(200 + i, { executorId: `exec-${i % 4500}`, host: i % 2 === 0 ? 'h"ost' : 'host-é' })), 9000],
  ['numbers JSON writes as null or plainly', [start(6, { time: -0 }), end(6, { time: Number.NaN, metrics: { ...fullMetrics, runTimeMs: Infinity, resultSize: 1e21 } })], 2],
  ['a failure, a kill and a lost executor (whole events)', [
    start(7), end(7, { result: 'failed', error: 'TypeError: bad', stack: 'TypeError: bad\n    at f (file.ts:1:2)' }),
    start(8), end(8, { result: 'killed', error: 'stage cancelled' }), start(9), end(9, { result: 'lost', error: 'gone' }),
  ], 3],
  ['a success that cached blocks (updated blocks, whole)', [start(10), end(10, { metrics: { runTimeMs: 1, blockSizes: { rdd_1_0: 100 } } })], 1],
];

for (const [what, input, compact] of cases) {
  test(`compact task events: ${what}`, () => {
    const converter = new SparkEventConverter({ executorMaxMemory: 1 << 30 });
    const events: SparkEvent[] = input.flatMap((e) => converter.convert(e));
    const builder = new CompactBatchBuilder();
    for (const e of events) builder.add(e);
    const batch = builder.take();
    assert.equal(batch.kinds.filter((k) => k === TASK_START || k === TASK_END_SUCCESS).length, compact, 'events taking the compact path');
    const lines = [...batchLines(batch)];
    assert.deepEqual(lines.map((l) => l.line), events.map((e) => JSON.stringify(e) + '\n'));
    assert.deepEqual(lines.map((l) => l.event), events.map((e) => e.Event));
  });
}

test('compact task events: a batch survives the move to another thread (numbers in a transferable buffer)', () => {
  const converter = new SparkEventConverter({ executorMaxMemory: 1 });
  const builder = new CompactBatchBuilder();
  const events = [start(1), end(1), start(2), end(2, { result: 'failed', error: 'x' })].flatMap((e) => converter.convert(e));
  for (const e of events) builder.add(e);
  const moved = structuredClone(builder.take());
  assert.deepEqual([...batchLines(moved)].map((l) => l.line), events.map((e) => JSON.stringify(e) + '\n'));
  assert.equal(builder.size, 0, 'the builder starts afresh');
});
