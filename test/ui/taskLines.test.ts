/**
 * Task starts and plain task ends are written straight into bytes: each line must be byte for byte what
 * JSON.stringify gives for the event the converter built (or the event a plain end stands for), for every shape of
 * task event and every kind of number, and the common shapes must actually take the direct way (else the event log
 * costs what it did before).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SparkEventConverter, isPlainTaskEnd, plainTaskEndEvent } from '../../src/ui/events/toSparkEvents.js';
import { Bytes } from '../../src/ui/eventlog/Bytes.js';
import { FLUSHING, PendingLines, type LogItem } from '../../src/ui/eventlog/lineBytes.js';
import { writePlainTaskEnd, writeTaskStart } from '../../src/ui/eventlog/taskLines.js';
import { fullMetrics } from '../helpers/taskMetrics.js';
import type { SparkEvent } from '../../src/ui/events/sparkEvents.js';
import type { SparkListenerEvent, TaskEnd } from '../../src/scheduler/events.js';

const start = (taskId: number, o: Partial<SparkListenerEvent & { type: 'taskStart' }> = {}): SparkListenerEvent =>
  ({ type: 'taskStart', stageId: 3, taskId, partition: taskId % 7, attempt: 0, executorId: 'exec-1', time: 1_700_000_000_000 + taskId, ...o }) as SparkListenerEvent;
const end = (taskId: number, o: Partial<TaskEnd> = {}): SparkListenerEvent =>
  ({ type: 'taskEnd', stageId: 3, taskId, partition: taskId % 7, attempt: 0, executorId: 'exec-1', time: 1_700_000_000_500 + taskId, result: 'success', records: 1, ...o });

/** Items written as bytes, back as lines. */
function lines(items: LogItem[]): { line: string }[] {
  const pending = new PendingLines();
  for (const item of items) pending.add(item);
  const { bytes, ends, flush } = pending.take();
  assert.equal(flush, items.some((e) => FLUSHING.has(asEvent(e).Event)), 'flushed after when one of them is an event Spark flushes after');
  return Array.from(ends, (end, i) => ({ line: bytes.subarray(i === 0 ? 0 : ends[i - 1], end).toString('utf8') }));
}

/** The scheduler's events as the live driver hands them to the log: plain ends as values, the rest as events. */
function logItems(input: SparkListenerEvent[]): LogItem[] {
  const converter = new SparkEventConverter({ executorMaxMemory: 1 << 30 });
  return input.flatMap((e): LogItem[] => (e.type === 'taskEnd' && isPlainTaskEnd(e) ? [converter.plainTaskEnd(e)] : converter.convert(e)));
}

const asEvent = (item: LogItem): SparkEvent => ('Event' in item ? item : plainTaskEndEvent(item));

/** Whether the item takes the direct way. */
function direct(item: LogItem): boolean {
  const out = new Bytes(64);
  if (!('Event' in item)) return writePlainTaskEnd(out, item);
  return item.Event === 'SparkListenerTaskStart' && writeTaskStart(out, item);
}

// [what, scheduler events, how many of the items must go the direct way]
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

for (const [what, input, count] of cases) {
  test(`task lines: ${what}`, () => {
    const items = logItems(input);
    assert.equal(items.filter(direct).length, count, 'items taking the direct way');
    const written = lines(items);
    assert.deepEqual(written.map((l) => l.line), items.map((e) => JSON.stringify(asEvent(e)) + '\n'));
  });
}

test('task lines: a start or an end off the usual shape is written whole, and the same', () => {
  const [startEvent, plain] = logItems([start(1), end(1, { metrics: fullMetrics })]) as [SparkEvent & { Event: 'SparkListenerTaskStart' }, LogItem & { info: unknown }];
  const odd: LogItem[] = [
    { ...startEvent, 'Stage Attempt ID': undefined },
    { ...startEvent, 'Task Info': { ...startEvent['Task Info'], Speculative: undefined } },
    { ...startEvent, 'Task Info': { ...startEvent['Task Info'], Accumulables: [{ ID: 1, Name: 'acc', Value: 2 }] } },
    { ...(plain as Exclude<LogItem, SparkEvent>), info: { ...startEvent['Task Info'], Attempt: undefined } },
    { ...(plain as Exclude<LogItem, SparkEvent>), stageId: undefined as unknown as number },
    { ...(plain as Exclude<LogItem, SparkEvent>), stageAttempt: '1' as unknown as number },
    { ...(plain as Exclude<LogItem, SparkEvent>), taskType: 'toString' as 'ResultTask' },
  ];
  assert.equal(odd.filter(direct).length, 0);
  assert.deepEqual(lines(odd).map((l) => l.line), odd.map((e) => JSON.stringify(asEvent(e)) + '\n'));
});

test('task lines: every combination of the values that take a shorter way, direct and byte for byte JSON\'s', () => {
  const [startEvent, plain] = logItems([start(1), end(1, { metrics: fullMetrics })]) as [SparkEvent & { Event: 'SparkListenerTaskStart' }, Exclude<LogItem, SparkEvent>];
  const items: LogItem[] = [];
  for (const stageAttempt of [0, -0, 2]) {
    for (const attempt of [0, -0, 3]) {
      for (const speculative of [false, true]) {
        for (const gettingResult of [0, -0, 7]) {
          for (const finish of [0, 9]) {
            for (const [failed, killed] of [[false, false], [true, false], [false, true], [true, true]] as const) {
              const info = { ...startEvent['Task Info'], Attempt: attempt, Speculative: speculative, 'Getting Result Time': gettingResult, 'Finish Time': finish, Failed: failed, Killed: killed };
              items.push({ ...startEvent, 'Stage Attempt ID': stageAttempt, 'Task Info': info }, { ...plain, stageAttempt, info });
            }
          }
        }
      }
    }
  }
  // One executor seen on another host and locality, then back: each line names where its task ran.
  const places = [['exec-1', 'h1', 'PROCESS_LOCAL'], ['exec-1', 'h2', 'PROCESS_LOCAL'], ['exec-1', 'h2', 'ANY'], ['exec-1', 'h1', 'PROCESS_LOCAL'], ['exec-2', 'h1', 'ANY']];
  for (const [exec, host, locality] of places) items.push({ ...startEvent, 'Task Info': { ...startEvent['Task Info'], 'Executor ID': exec!, Host: host!, Locality: locality! } });
  assert.equal(items.filter(direct).length, items.length);
  assert.deepEqual(lines(items).map((l) => l.line), items.map((e) => JSON.stringify(asEvent(e)) + '\n'));
});

test('task lines: each metric alone, so no part is taken for all zeros when one of its values is not', () => {
  const [plain] = logItems([end(30)]) as Exclude<LogItem, SparkEvent>[];
  const m = plain!.metrics;
  const variants: LogItem[] = [];
  for (const [k, v] of Object.entries(m)) {
    if (typeof v === 'number') variants.push({ ...plain!, metrics: { ...m, [k]: 7 } });
    else for (const f of Object.keys(v)) if (f !== 'shufflePushReadMetrics') variants.push({ ...plain!, metrics: { ...m, [k]: { ...v, [f]: 7 } } });
  }
  assert.equal(variants.length, 10 + 8 + 3 + 2 + 2, 'every number the line holds');
  assert.equal(variants.filter(direct).length, variants.length);
  const written = lines(variants).map((l) => l.line);
  assert.deepEqual(written, variants.map((e) => JSON.stringify(asEvent(e)) + '\n'));
  for (const line of written) assert.equal(line.match(/:7[,}]/g)?.length, 1, line);
});

test('task lines: lines taken keep their bytes while more are encoded into the same buffer, before and after it grows', () => {
  const pending = new PendingLines();
  const items = logItems(Array.from({ length: 3000 }, (_, t) => [start(t), end(t, { metrics: fullMetrics })]).flat());
  const expected = items.map((e) => JSON.stringify(asEvent(e)) + '\n');
  const taken: Buffer[] = [];
  for (let k = 0; k < items.length; k += 1000) {
    for (const item of items.slice(k, k + 1000)) pending.add(item);
    assert.equal(pending.size, Math.min(1000, items.length - k));
    const lines = pending.take();
    assert.equal(pending.size, 0);
    taken.push(lines.bytes);
    assert.equal(lines.ends[lines.ends.length - 1], lines.bytes.length);
  }
  assert.equal(Buffer.concat(taken).toString('utf8'), expected.join(''), 'every batch as it was when taken');
});

test('task lines: a buffer released after its write takes later lines; one not yet released is never written over', () => {
  const pending = new PendingLines();
  const items = logItems(Array.from({ length: 300 }, (_, t) => [start(t), end(t, { metrics: fullMetrics })]).flat());
  const text = (from: number, to: number) => items.slice(from, to).map((e) => JSON.stringify(asEvent(e)) + '\n').join('');
  const batch = (from: number, to: number) => {
    for (const item of items.slice(from, to)) pending.add(item);
    return pending.take();
  };
  const a = batch(0, 100);
  const b = batch(100, 200);
  assert.ok(b.bytes.buffer !== a.bytes.buffer, 'a batch being written keeps its buffer');
  a.release!();
  a.release!(); // twice is once
  // The buffer the next lines go to was chosen when `b` was taken; the one after it is the released one.
  const c = batch(200, 300);
  const d = batch(300, 400);
  assert.ok(d.bytes.buffer === a.bytes.buffer, 'the released buffer takes later lines, with no new one');
  const e = batch(400, 600);
  assert.ok(e.bytes.buffer !== d.bytes.buffer, 'a buffer released twice is handed out once');
  // A release again, now that the buffer holds `d` and lines after it: it changes nothing.
  for (const item of items.slice(600, 650)) pending.add(item);
  a.release!();
  const f = pending.take();
  assert.equal(f.bytes.toString('utf8'), text(600, 650), 'lines waiting are kept');
  const g = batch(650, 700);
  assert.ok(g.bytes.buffer !== f.bytes.buffer && g.bytes.buffer !== d.bytes.buffer, 'a buffer still being written is not handed out');
  for (const [lines, from, to] of [[b, 100, 200], [c, 200, 300], [d, 300, 400], [e, 400, 600], [f, 600, 650], [g, 650, 700]] as const) {
    assert.equal(lines.bytes.toString('utf8'), text(from, to), `lines ${from}-${to} intact`);
  }
});

test('task lines: every set of non-zero top-level metrics, with and without reads and writes, failed or killed', () => {
  const [plain] = logItems([end(31, { metrics: fullMetrics })]) as Exclude<LogItem, SparkEvent>[];
  const top = ['executorDeserializeTime', 'executorDeserializeCpuTime', 'executorRunTime', 'executorCpuTime', 'peakExecutionMemory', 'resultSize',
    'jvmGcTime', 'resultSerializationTime', 'memoryBytesSpilled', 'diskBytesSpilled'] as const;
  const [noIo] = logItems([end(32)]) as Exclude<LogItem, SparkEvent>[];
  const items: LogItem[] = [];
  for (let mask = 0; mask < 1 << top.length; mask++) {
    for (const io of [true, false]) {
      const base = io ? plain!.metrics : noIo!.metrics;
      const metrics = { ...base };
      // Zeros as 0 and -0 (JSON writes both as 0); values whole, fractional, past 2^31, negative and not numbers.
      top.forEach((k, i) => (metrics[k] = (mask & (1 << i)) === 0 ? (i % 2 === 0 ? 0 : -0) : [7 + i, 1.5, 2 ** 40, -3, Number.NaN][i % 5]!));
      const [failed, killed] = [(mask & 1) === 1, (mask & 2) === 2];
      items.push({ ...plain!, metrics, info: { ...plain!.info, Failed: failed, Killed: killed } });
    }
  }
  assert.equal(items.filter(direct).length, items.length);
  assert.deepEqual(lines(items).map((l) => l.line), items.map((e) => JSON.stringify(asEvent(e)) + '\n'));
});

test('task lines: stages and their attempts in any order, more of them than the encoder keeps, any number as an id', () => {
  const ids = [0, 1, 0, 2 ** 53 - 1, -0, 2.5, Number.NaN, -3, 1e21];
  const input: SparkListenerEvent[] = [];
  let task = 0;
  for (const stageId of [...ids, ...Array.from({ length: 5000 }, (_, i) => i % 4500), ...ids]) {
    for (const stageAttempt of [0, 1, 0]) {
      task++;
      input.push(start(task, { stageId, stageAttempt }), end(task, { stageId, stageAttempt, shuffleMap: task % 2 === 0 }));
    }
  }
  const items = logItems(input);
  assert.equal(items.filter(direct).length, items.length);
  assert.deepEqual(lines(items).map((l) => l.line), items.map((e) => JSON.stringify(asEvent(e)) + '\n'));
});
