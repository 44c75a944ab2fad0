/**
 * The driver's listener thread: scheduler events cross to it packed (every shape must come out as it went in, and
 * the common ones must take the packed way, else the scheduling thread pays what the thread was meant to save); a
 * UI request sees every event sent before it; past the queue's capacity events are dropped and counted, never waited
 * for; the event log is complete and closed when the UI stops.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkConf } from '../../src/index.js';
import type { SparkListenerEvent, TaskEnd, TaskStart } from '../../src/scheduler/events.js';
import { ListenerBatchBuilder, ListenerBatchReader, MAX_STRINGS } from '../../src/ui/live/listenerBatch.js';
import { SparkUI } from '../../src/ui/SparkUI.js';
import { onWarning } from '../../src/util/logging.js';
import { fullMetrics } from '../helpers/taskMetrics.js';

const start = (taskId: number, o: Partial<TaskStart> = {}): TaskStart => ({ type: 'taskStart', stageId: 3, taskId, partition: taskId % 7, attempt: 0, executorId: 'e1', time: 1_700_000_000_000 + taskId, ...o });
const end = (taskId: number, o: Partial<TaskEnd> = {}): TaskEnd => ({ type: 'taskEnd', stageId: 3, taskId, partition: taskId % 7, attempt: 0, executorId: 'e1', time: 1_700_000_000_500 + taskId, result: 'success', records: 1, ...o });

// [what, events, how many must travel packed]
const cases: [string, SparkListenerEvent[], number][] = [
  ['a start and its plain success', [start(1), end(1)], 2],
  ['every metric, a shuffle map task', [start(2, { host: 'h-2', locality: 'NODE_LOCAL', stageAttempt: 1 }), end(2, { metrics: fullMetrics, shuffleMap: true, stageAttempt: 1 })], 2],
  ['some metrics, a result task, no metrics at all', [end(3, { metrics: { runTimeMs: 4, resultSize: 0 }, shuffleMap: false }), end(4)], 2],
  ['numbers at their edges', [start(5, { time: -0 }), end(5, { time: 2 ** 53 - 1, records: 0, metrics: { runTimeMs: 0, inputBytes: 1e21 } })], 2],
  ['strings that need no care', [start(6, { executorId: 'ex"ec\\6\n\u2028é😀', host: '' })], 1],
  ['failures, kills, losses and cached blocks travel whole', [
    end(7, { result: 'failed', error: 'TypeError: bad', stack: 'TypeError: bad\n    at f (file.ts:1:2)' }), end(8, { result: 'killed', error: 'cancelled' }),
    end(9, { result: 'lost', error: 'gone' }), end(10, { metrics: { runTimeMs: 1, blockSizes: { rdd_1_0: 100 } } }),
  ], 0],
  ['other events travel whole, in order among packed ones', [
    { type: 'jobStart', jobId: 1, stageIds: [3], time: 5, group: undefined, description: 'd' }, start(11),
    { type: 'executorAdded', executorId: 'e2', host: 'h', cores: 2, time: 6 }, end(11), { type: 'jobEnd', jobId: 1, time: 7, result: 'succeeded' },
  ], 2],
];

for (const [what, events, packed] of cases) {
  test(`listener batch: ${what}`, () => {
    const b = new ListenerBatchBuilder();
    for (const e of events) b.add(e);
    // As postMessage would carry it.
    const batch = structuredClone(b.take());
    assert.equal(batch.kinds.filter((k) => k !== 0).length, packed, 'events that travel packed');
    assert.deepEqual([...new ListenerBatchReader().events(batch)], events);
    assert.equal(b.size, 0, 'the builder starts afresh');
  });
}

test('listener batch: task starts and plain ends come out in two objects filled anew for each; the rest as they went in', () => {
  const b = new ListenerBatchBuilder();
  const jobEnd: SparkListenerEvent = { type: 'jobEnd', jobId: 1, time: 7, result: 'succeeded' };
  const events: SparkListenerEvent[] = [start(1, { host: 'h' }), end(1, { metrics: fullMetrics }), start(2), jobEnd, end(2)];
  for (const e of events) b.add(e);
  const seen: SparkListenerEvent[] = [];
  const values: unknown[] = [];
  new ListenerBatchReader().each(structuredClone(b.take()), (e) => {
    seen.push(e);
    values.push(JSON.parse(JSON.stringify(e)));
  });
  assert.deepEqual(values, events, 'each event as it went in, when it came out');
  assert.ok(seen[0] === seen[2] && seen[1] === seen[4], 'one object for every start, one for every end');
  assert.deepEqual(seen[3], jobEnd);
});

test('listener batch: an end with an empty record of cached blocks travels packed, and arrives without the record', () => {
  const b = new ListenerBatchBuilder();
  b.add(end(12, { metrics: { runTimeMs: 3, resultSize: 7, blockSizes: {} } }));
  const batch = structuredClone(b.take());
  assert.equal(batch.others.length, 0, 'packed');
  assert.deepEqual([...new ListenerBatchReader().events(batch)], [end(12, { metrics: { runTimeMs: 3, resultSize: 7 } })]);
});

test('listener batch: many events grow the number array and keep their order', () => {
  const b = new ListenerBatchBuilder();
  const events: SparkListenerEvent[] = [];
  for (let i = 0; i < 5000; i++) events.push(start(i), end(i, { metrics: { ...fullMetrics, runTimeMs: i } }));
  for (const e of events) b.add(e);
  assert.deepEqual([...new ListenerBatchReader().events(b.take())], events);
});

test('listener batch: each string crosses once, the other side keeps one copy of it, and both start afresh past MAX_STRINGS', () => {
  const b = new ListenerBatchBuilder();
  const r = new ListenerBatchReader();
  const cross = (events: SparkListenerEvent[]) => {
    for (const e of events) b.add(e);
    const batch = structuredClone(b.take());
    return { batch, out: [...r.events(batch)] as (TaskStart | TaskEnd)[] };
  };
  const first = cross([start(1, { host: 'h1', locality: 'PROCESS_LOCAL' }), end(1), start(2, { host: 'h1', locality: 'PROCESS_LOCAL' })]);
  assert.deepEqual(first.batch.strings, ['e1', 'h1', 'PROCESS_LOCAL']);
  const second = cross([start(3, { host: 'h1', locality: 'PROCESS_LOCAL' }), end(3, { executorId: 'e2' })]);
  assert.deepEqual(second.batch.strings, ['e2'], 'only the new string crosses');
  assert.deepEqual(second.out, [start(3, { host: 'h1', locality: 'PROCESS_LOCAL' }), end(3, { executorId: 'e2' })]);
  // Many executors over a long application: the dictionary restarts between batches, and codes still read right.
  const many = Array.from({ length: MAX_STRINGS }, (_, i) => start(10 + i, { executorId: `x${i}` }));
  const third = cross(many);
  assert.equal(third.batch.restart, false);
  assert.deepEqual(third.out, many);
  const fourth = cross([start(5000, { host: 'h1' }), end(5000, { executorId: 'x7' })]);
  assert.equal(fourth.batch.restart, true, 'past MAX_STRINGS both sides start afresh');
  assert.deepEqual(fourth.batch.strings, ['e1', 'h1', 'x7']);
  assert.deepEqual(fourth.out, [start(5000, { host: 'h1' }), end(5000, { executorId: 'x7' })]);
  // A batch that never arrived: the reader refuses codes it was never sent, and after restartStrings both are in step.
  b.add(start(6000, { host: 'lost-host' }));
  b.take();
  b.add(start(6003));
  b.add(start(6001, { host: 'lost-host' }));
  let applied = 0;
  assert.throws(() => r.each(structuredClone(b.take()), () => applied++), /string code \d+ was never sent/);
  assert.equal(applied, 0, 'nothing of a batch out of step is applied, not even its events before the unknown code');
  b.restartStrings();
  const after = cross([start(6002, { host: 'lost-host' })]);
  assert.equal(after.batch.restart, true);
  assert.deepEqual(after.out, [start(6002, { host: 'lost-host' })]);
});

async function api(ui: SparkUI, path: string): Promise<unknown> {
  const a = await ui.request({ path, search: '', root: '' });
  assert.equal(a.kind, 'api');
  if (a.kind !== 'api') throw new Error('not an API answer');
  assert.equal(a.r.status, 200, String(a.r.body));
  return JSON.parse(String(a.r.body));
}

test('SparkUI: a request sees every event sent before it; past the capacity events are dropped and counted; the log closes complete', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'listener-'));
  const conf = new SparkConf({
    'spark.app.name': 'listener', 'spark.eventLog.enabled': 'true', 'spark.eventLog.dir': dir, 'spark.scheduler.listenerbus.eventqueue.capacity': '50',
  });
  const warnings: string[] = [];
  const off = onWarning((_l, m) => warnings.push(m));
  const ui = new SparkUI(conf, { appName: 'listener', startTime: 1 });
  try {
    ui.start('app-listen', '127.0.0.1');
    for (let i = 0; i < 20; i++) ui.onEvent({ type: 'executorAdded', executorId: `x${i}`, host: `h${i}`, cores: 1, time: 10 + i });
    // Sent moments ago, still on this thread: the request must not overtake them.
    const execs = await api(ui, '/api/v1/applications/app-listen/allexecutors') as { id: string }[];
    assert.equal(execs.filter((x) => x.id.startsWith('x')).length, 20);

    // In one turn, more than the capacity: the rest are dropped at once, counted, with one warning.
    const t0 = performance.now();
    for (let i = 0; i < 500; i++) ui.onEvent({ type: 'executorAdded', executorId: `y${i}`, host: 'h', cores: 1, time: 100 + i });
    assert.ok(performance.now() - t0 < 200, 'posting never waits');
    assert.equal(ui.droppedEvents, 450);
    assert.equal(warnings.filter((w) => w.startsWith('Dropping event from queue appStatus (capacity 50)')).length, 1);
    const all = await api(ui, '/api/v1/applications/app-listen/allexecutors') as { id: string }[];
    assert.equal(all.filter((x) => x.id.startsWith('y')).length, 50);
  } finally {
    await ui.stop(1000);
    off();
  }
  const lines = readFileSync(join(dir, 'app-listen'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { Event: string });
  assert.equal(lines[0]!.Event, 'SparkListenerLogStart');
  assert.equal(lines.filter((e) => e.Event === 'SparkListenerExecutorAdded').length, 70);
  assert.equal(lines.at(-1)!.Event, 'SparkListenerApplicationEnd');
});

test('SparkUI: pages answer before the application id is known, and stop without one leaves no thread behind', async () => {
  const ui = new SparkUI(new SparkConf({ 'spark.app.name': 'early' }), { appName: 'early', startTime: 1 });
  const a = await ui.request({ path: '/jobs/', search: '', root: '' });
  assert.equal(a.kind, 'page');
  await ui.stop();
  assert.equal((await ui.request({ path: '/jobs/', search: '', root: '' })).kind, 'none');
});

test('SparkUI: a listener thread that dies leaves nobody waiting: requests, flushes and stop return, events are ignored', async () => {
  const ui = new SparkUI(new SparkConf({ 'spark.app.name': 'dies' }), { appName: 'dies', startTime: 1 });
  ui.start('app-dies', '127.0.0.1');
  const thread = (ui as unknown as { thread: import('node:worker_threads').Worker }).thread;
  const pending = ui.request({ path: '/jobs/', search: '', root: '' });
  await thread.terminate();
  const within = <T>(p: Promise<T>, what: string) => Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} hung`)), 5000))]);
  assert.ok(['page', 'none'].includes((await within(pending, 'a request sent before the thread died')).kind));
  assert.equal((await within(ui.request({ path: '/jobs/', search: '', root: '' }), 'a request after')).kind, 'none');
  ui.onEvent({ type: 'executorAdded', executorId: 'x', host: 'h', cores: 1, time: 1 });
  await within(ui.flushed(), 'flushed');
  await within(ui.stop(), 'stop');
});
