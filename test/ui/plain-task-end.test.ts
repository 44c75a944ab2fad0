/**
 * The live driver hands a task's plain success (no blocks cached) to the status store and the event log as values,
 * without building Spark's JSON event. Both must end exactly where the event would take them: the same store (so
 * the same API answers and pages) and the same bytes in the log, for every shape of metrics and every order of
 * events; and the tasks of a real job must actually take that way.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkConf, SparkContext } from '../../src/index.js';
import * as config from '../../src/conf/catalog.js';
import type { SparkListenerEvent, TaskEnd, TaskStart } from '../../src/scheduler/events.js';
import { EventLogWriter, type EventLogOptions } from '../../src/ui/eventlog/EventLogWriter.js';
import type { SparkEvent } from '../../src/ui/events/sparkEvents.js';
import { SparkEventConverter, isPlainTaskEnd } from '../../src/ui/events/toSparkEvents.js';
import { LiveStatus } from '../../src/ui/live/LiveStatus.js';
import { ListenerBatchBuilder, ListenerBatchReader } from '../../src/ui/live/listenerBatch.js';
import { AppStatusStore, DEFAULT_RETENTION } from '../../src/ui/status/AppStatusStore.js';
import { finalMetrics } from '../../src/executor/taskMetrics.js';
import { fullMetrics } from '../helpers/taskMetrics.js';

const T0 = 1_796_000_000_000;
const start = (taskId: number, o: Partial<TaskStart> = {}): TaskStart =>
  ({ type: 'taskStart', stageId: 1, taskId, partition: taskId % 5, attempt: 0, executorId: 'e1', time: T0 + taskId, stageAttempt: 0, host: 'node-a', locality: 'NODE_LOCAL', ...o });
const end = (taskId: number, o: Partial<TaskEnd> = {}): TaskEnd =>
  ({ type: 'taskEnd', stageId: 1, taskId, partition: taskId % 5, attempt: 0, executorId: 'e1', time: T0 + 100 + taskId, result: 'success', records: 3, stageAttempt: 0, ...o });

/** Two stages of a job, with every shape a task end takes. */
const events: SparkListenerEvent[] = [
  { type: 'executorAdded', executorId: 'e1', host: 'node-a', cores: 2, time: T0 },
  { type: 'executorAdded', executorId: 'e2', host: 'node-b', cores: 2, time: T0 },
  {
    type: 'jobStart', jobId: 0, stageIds: [1, 2], time: T0, group: 'g', description: 'two stages', stages: [
      { stageId: 1, attempt: 0, name: 'map', numTasks: 6, parentIds: [], rdds: [] }, { stageId: 2, attempt: 0, name: 'reduce', numTasks: 3, parentIds: [1], rdds: [] },
    ],
  },
  { type: 'stageSubmitted', stageId: 1, attempt: 0, name: 'map', numTasks: 6, time: T0 + 1, jobId: 0 },
  start(1), start(2, { executorId: 'e2', host: 'node-b' }), start(3), start(4, { attempt: 1 }), start(5), start(6),
  end(1, { shuffleMap: true, metrics: fullMetrics }),
  end(2, { executorId: 'e2', shuffleMap: true, metrics: { runTimeMs: 5, shuffleWriteBytes: 100, shuffleWriteRecords: 4, shuffleWriteTimeNs: 7 } }),
  end(3, { shuffleMap: true }), // no metrics at all
  end(4, { attempt: 1, shuffleMap: true, result: 'failed', error: 'TypeError: bad', stack: 'TypeError: bad\n    at f (f.ts:1:2)' }),
  end(5, { shuffleMap: true, metrics: { runTimeMs: 2, blockSizes: { rdd_1_5: 64 } } }), // cached a block: the whole event
  end(6, { shuffleMap: true, metrics: { runTimeMs: 2, blockSizes: {} } }), // an empty record is no block
  end(7, { shuffleMap: true, metrics: { runTimeMs: 1, inputBytes: 10, inputRecords: 1 } }), // its start was never seen
  { type: 'stageCompleted', stageId: 1, attempt: 0, name: 'map', numTasks: 6, time: T0 + 500 },
  { type: 'stageSubmitted', stageId: 2, attempt: 0, name: 'reduce', numTasks: 3, time: T0 + 501, jobId: 0 },
  ...[10, 11, 12].map((t) => start(t, { stageId: 2, partition: t - 10 })),
  end(10, { stageId: 2, partition: 0, shuffleMap: false, metrics: { runTimeMs: 4, shuffleLocalBytesRead: 50, shuffleLocalBlocksFetched: 2, shuffleRecordsRead: 8, outputBytes: 9, outputRecords: 1 } }),
  end(11, { stageId: 2, partition: 1, metrics: { runTimeMs: Number.NaN, resultSize: Infinity, peakExecutionMemory: 2 ** 53 + 2 } }),
  end(12, { stageId: 2, partition: 2, result: 'killed', error: 'stage cancelled' }),
  { type: 'stageCompleted', stageId: 2, attempt: 0, name: 'reduce', numTasks: 3, time: T0 + 900 },
  { type: 'jobEnd', jobId: 0, time: T0 + 901, result: 'succeeded' },
];

const appStart: SparkEvent = { Event: 'SparkListenerApplicationStart', 'App Name': 'plain', 'App ID': 'app-plain', Timestamp: T0, User: 'u' };
const logOptions = (dir: string): EventLogOptions =>
  ({ dir, codec: undefined, overwrite: false, rolling: false, maxFileSize: 128 << 20, capacity: 10_000, logBlockUpdates: true });

test('plain task ends: the store and the log end exactly where the JSON events take them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'plain-'));
  const direct = join(dir, 'direct');
  const json = join(dir, 'json');
  mkdirSync(direct);
  mkdirSync(json);
  assert.equal(events.filter((e) => e.type === 'taskEnd' && isPlainTaskEnd(e)).length, 7, 'most ends are plain, the rest are not');

  // The live way: plain ends as values.
  const live = new LiveStatus({ conf: [], retention: DEFAULT_RETENTION, eventLog: logOptions(direct) });
  live.start('app-plain', [appStart]);
  let plain = 0;
  const applyPlain = live.store.applyPlainTaskEnd.bind(live.store);
  live.store.applyPlainTaskEnd = (t) => {
    plain++;
    applyPlain(t);
  };
  for (const e of events) live.apply(e);
  assert.equal(plain, 7, 'the plain ends took the plain way');
  await live.stop(T0 + 1000, 0);

  // The listener thread's way: packed, read back into objects the reader fills anew for each event, so neither the
  // store nor the log may keep one.
  const packedDir = join(dir, 'packed');
  mkdirSync(packedDir);
  const packed = new LiveStatus({ conf: [], retention: DEFAULT_RETENTION, eventLog: logOptions(packedDir) });
  packed.start('app-plain', [appStart]);
  const builder = new ListenerBatchBuilder();
  for (const e of events) builder.add(e);
  const batch = structuredClone(builder.take());
  assert.equal(batch.kinds.filter((k) => k !== 0).length, 9 + 7, 'task starts and plain ends travel packed');
  new ListenerBatchReader().each(batch, (e) => packed.apply(e));
  await packed.stop(T0 + 1000, 0);

  // Every event as Spark's JSON, into a store and a log of their own.
  const converter = new SparkEventConverter({ executorMaxMemory: new SparkConf().get(config.EXECUTOR_MEMORY) * 1024 * 1024 });
  const store = new AppStatusStore(DEFAULT_RETENTION);
  const writer = new EventLogWriter(logOptions(json), 'app-plain');
  const emit = (e: SparkEvent) => {
    store.apply(e);
    writer.post(e);
  };
  emit(appStart);
  for (const e of events) for (const s of converter.convert(e)) emit(s);
  emit({ Event: 'SparkListenerApplicationEnd', Timestamp: T0 + 1000 });
  await writer.stop();

  for (const other of [live.store, packed.store]) {
    assert.deepEqual(other.stages, store.stages);
    assert.deepEqual(other.jobs, store.jobs);
    assert.deepEqual(other.executors, store.executors);
    assert.equal(other.eventsApplied, store.eventsApplied);
  }
  const [a, b] = [readFileSync(join(direct, 'app-plain'), 'utf8'), readFileSync(join(json, 'app-plain'), 'utf8')];
  assert.equal(a.split('\n').length, b.split('\n').length, 'as many lines');
  assert.equal(a, b, 'the same bytes');
  assert.equal(readFileSync(join(packedDir, 'app-plain'), 'utf8'), b, 'the same bytes, packed');
  // Not vacuous: the tasks are there, with their metrics.
  const stage1 = [...live.store.stages.values()].find((s) => s.stageId === 1)!;
  assert.equal(stage1.tasks.get(1)?.taskMetrics?.shuffleWriteMetrics.writeTime, fullMetrics.shuffleWriteTimeNs);
  assert.equal(stage1.numCompleteTasks, 6);
  // The end whose start was never seen: its info from the end itself, and its executor's host.
  const unseen = stage1.tasks.get(7)!;
  assert.deepEqual([unseen.host, unseen.executorId, unseen.index, unseen.launchTime, unseen.taskLocality], ['node-a', 'e1', 2, T0 + 107, 'PROCESS_LOCAL']);
  const ends = a.trim().split('\n').map((l) => JSON.parse(l) as SparkEvent).filter((e) => e.Event === 'SparkListenerTaskEnd');
  const typeOf = (id: number) => ends.find((e) => e['Task Info']['Task ID'] === id)?.['Task Type'];
  assert.deepEqual([typeOf(1), typeOf(3), typeOf(10), typeOf(11)], ['ShuffleMapTask', 'ShuffleMapTask', 'ResultTask', 'ResultTask']);
  rmSync(dir, { recursive: true, force: true });
});

test('plain task ends: an executor reports no block record for a task that cached none', () => {
  const none = finalMetrics({ blockSizes: {}, resultSize: 4 }, undefined, performance.now());
  assert.equal('blockSizes' in none, false);
  assert.equal(none.resultSize, 4);
  const some = finalMetrics({ blockSizes: { rdd_2_0: 10 } }, undefined, performance.now());
  assert.deepEqual(some.blockSizes, { rdd_2_0: 10 });
});

test('plain task ends: every task event of a real job travels packed to the listener thread', async () => {
  const sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('plain').set('spark.ui.enabled', 'false'));
  const seen: SparkListenerEvent[] = [];
  sc.addSparkListener((e) => seen.push(e));
  try {
    await sc.ready();
    await sc.parallelize([1, 2, 3, 4, 5, 6], 3).map((x) => [x % 2, x] as [number, number]).reduceByKey((a, b) => a + b, 2).collect();
  } finally {
    await sc.stop();
  }
  const tasks = seen.filter((e) => e.type === 'taskStart' || e.type === 'taskEnd');
  assert.equal(tasks.length, 10, 'five tasks, started and ended');
  const builder = new ListenerBatchBuilder();
  for (const e of tasks) builder.add(e);
  const batch = builder.take();
  assert.equal(batch.others.length, 0, `whole events: ${JSON.stringify(batch.others)}`);
  for (const e of tasks) if (e.type === 'taskEnd') assert.ok(isPlainTaskEnd(e), `task ${e.taskId} ends plainly`);
});
