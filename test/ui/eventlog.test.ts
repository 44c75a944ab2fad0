/**
 * The event log writer and reader on their own: Spark's file names and line format, `.inprogress` until stop, rolling
 * files, overwrite rules, the bounded queue that drops (and counts) rather than waits, compression settings, and a
 * cut-off last line in a log still being written.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkConf } from '../../src/index.js';
import { EventLogWriter, eventLogOptions, type EventLogOptions } from '../../src/ui/eventlog/EventLogWriter.js';
import { describeLog, replayLog } from '../../src/ui/eventlog/EventLogReader.js';
import { localDir, logName, sanitize } from '../../src/ui/eventlog/names.js';
import { zstdAvailable } from '../../src/ui/eventlog/codec.js';
import { EventLogSink } from '../../src/ui/eventlog/EventLogSink.js';
import type { SparkEvent } from '../../src/ui/events/sparkEvents.js';
import { onWarning } from '../../src/util/logging.js';

const opts = (dir: string, o: Partial<EventLogOptions> = {}): EventLogOptions => ({
  dir, codec: undefined, overwrite: false, rolling: false, maxFileSize: 128 * 1024 * 1024, capacity: 10_000, logBlockUpdates: false, ...o,
});

const jobEvents = (n: number): SparkEvent[] => Array.from({ length: n }, (_, i) => ({ Event: 'SparkListenerJobEnd', 'Job ID': i, 'Completion Time': i, 'Job Result': { Result: 'JobSucceeded' } }));

async function events(path: string): Promise<SparkEvent[]> {
  const out: SparkEvent[] = [];
  await replayLog(describeLog(path)!, (e) => out.push(e));
  return out;
}

test('names: Spark\'s sanitizing of app ids, and local directories from paths or file: URIs', () => {
  assert.equal(sanitize('app 1:x/y.z$\'"{}'), 'app-1-x-y_z_____');
  assert.equal(logName('9F3C-0001', 'a.1'), '9f3c-0001_a_1');
  assert.equal(localDir('k', 'file:/tmp/ev'), '/tmp/ev');
  assert.equal(localDir('k', 'file:///tmp/ev'), '/tmp/ev');
  assert.equal(localDir('k', '/tmp/ev'), '/tmp/ev');
  assert.throws(() => localDir('spark.eventLog.dir', 'hdfs://nn:8020/logs'), /spark\.eventLog\.dir: only local directories/);
});

test('a single-file log is <app>.inprogress while written, one compact line per event with "Event" first, renamed on stop', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'evlog-'));
  const w = new EventLogWriter(opts(dir), 'App-1');
  for (const e of jobEvents(3)) w.post(e);
  await w.flushed();
  assert.deepEqual(readdirSync(dir), ['app-1.inprogress']);
  const text = readFileSync(join(dir, 'app-1.inprogress'), 'utf8');
  assert.equal(text, jobEvents(3).map((e) => JSON.stringify(e) + '\n').join(''));
  assert.ok(text.split('\n').filter(Boolean).every((l) => l.startsWith('{"Event":"')));
  await w.stop();
  assert.deepEqual(readdirSync(dir), ['app-1']);
  assert.equal(statSync(join(dir, 'app-1')).mode & 0o777, 0o770 & ~process.umask());
  assert.equal((await events(join(dir, 'app-1'))).length, 3);
});

test('an existing log is an error naming spark.eventLog.overwrite, or replaced with it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'evlog-'));
  writeFileSync(join(dir, 'app-2'), 'old\n');
  assert.throws(() => new EventLogWriter(opts(dir), 'app-2'), /already exists.*spark\.eventLog\.overwrite=true/);
  const w = new EventLogWriter(opts(dir, { overwrite: true }), 'app-2');
  w.post(jobEvents(1)[0]!);
  await w.stop();
  assert.equal((await events(join(dir, 'app-2'))).length, 1);
  assert.throws(() => new EventLogWriter(opts(join(dir, 'missing')), 'app-3'), /spark\.eventLog\.dir: log directory .*missing does not exist/);
});

test('rolling logs: eventlog_v2_<app>/events_<N>_<app> files cut at the size limit, an appstatus marker, read back in order', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'evlog-'));
  const w = new EventLogWriter(opts(dir, { rolling: true, maxFileSize: 1000 }), 'app-r');
  const all = jobEvents(60);
  for (const e of all) w.post(e);
  await w.flushed();
  const logDir = join(dir, 'eventlog_v2_app-r');
  assert.ok(readdirSync(logDir).includes('appstatus_app-r.inprogress'));
  assert.equal(describeLog(logDir)!.inProgress, true);
  await w.stop();
  const files = readdirSync(logDir).sort();
  assert.ok(files.includes('appstatus_app-r'));
  const data = files.filter((f) => f.startsWith('events_'));
  assert.ok(data.length >= 5, `rolled into ${data.length} files`);
  for (const f of data) assert.ok(statSync(join(logDir, f)).size <= 1000, `${f} within the limit`);
  assert.equal(statSync(join(logDir, 'appstatus_app-r')).size, 0);
  assert.deepEqual(await events(logDir), all, 'every event, in order, across files 1..N');
});

test('a full queue drops events and counts them (the writer never makes the scheduler wait)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'evlog-'));
  const warnings: string[] = [];
  const off = onWarning((_logger, message) => warnings.push(message));
  const w = new EventLogWriter(opts(dir, { capacity: 10 }), 'app-q');
  const t0 = performance.now();
  for (const e of jobEvents(1000)) w.post(e);
  const postMs = performance.now() - t0;
  assert.equal(w.droppedEvents, 990);
  await w.stop();
  off();
  assert.equal((await events(join(dir, 'app-q'))).length, 10);
  assert.ok(postMs < 500, `posting took ${postMs} ms`);
  assert.match(warnings[0]!, /^Dropping event from queue eventLog \(capacity 10\)/);
  assert.match(warnings.at(-1)!, /^990 events were dropped from the event log .*app-q: it is incomplete/);
});

test('what is being written counts against the capacity too: waiting and in flight together stay within it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'evlog-'));
  const off = onWarning(() => undefined);
  const w = new EventLogWriter(opts(dir, { capacity: 10 }), 'app-f');
  const all = jobEvents(13);
  for (const e of all.slice(0, 8)) w.post(e);
  void w.pump(); // the 8 are now being written (a write never completes within the turn)
  for (const e of all.slice(8)) w.post(e);
  assert.equal(w.droppedEvents, 3, '2 more fit beside the 8 in flight');
  await w.stop();
  off();
  assert.deepEqual((await events(join(dir, 'app-f'))).map((e) => (e as { 'Job ID': number })['Job ID']), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test('an event that cannot be written is left out, with a warning, and the log goes on; events posted while it stops are written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'evlog-'));
  const warnings: string[] = [];
  const off = onWarning((_logger, message) => warnings.push(message));
  const w = new EventLogWriter(opts(dir), 'app-u');
  const [a, b, c] = jobEvents(3);
  w.post(a!);
  w.post({ Event: 'SparkListenerJobEnd', 'Job ID': 10n, 'Completion Time': 1, 'Job Result': { Result: 'JobSucceeded' } } as unknown as SparkEvent);
  w.post(b!);
  const stopped = w.stop();
  w.post(c!); // stop is waiting for the file: this one is still taken, and written
  await stopped;
  off();
  assert.deepEqual((await events(join(dir, 'app-u'))).map((e) => (e as { 'Job ID': number })['Job ID']), [0, 1, 2]);
  assert.match(warnings.at(-1)!, /^1 events were dropped from the event log .*app-u: it is incomplete/);
});

test('block updates are logged only with spark.eventLog.logBlockUpdates.enabled', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'evlog-'));
  const update: SparkEvent = { Event: 'SparkListenerBlockUpdated', 'Block Updated Info': { 'Block Manager ID': { 'Executor ID': '1', Host: 'h', Port: 0 }, 'Block ID': 'rdd_1_0', 'Storage Level': { 'Use Disk': false, 'Use Memory': true, Deserialized: true, Replication: 1 }, 'Memory Size': 10, 'Disk Size': 0 } };
  for (const logBlockUpdates of [false, true]) {
    const w = new EventLogWriter(opts(dir, { logBlockUpdates }), `app-b-${logBlockUpdates}`);
    w.post(update);
    await w.stop();
    assert.equal((await events(join(dir, `app-b-${logBlockUpdates}`))).length, logBlockUpdates ? 1 : 0);
  }
});

test('compression: spark.eventLog.compress needs a zstd-capable node:zlib, else a clear error naming the keys', async () => {
  const conf = new SparkConf({ 'spark.eventLog.compress': 'true', 'spark.eventLog.dir': tmpdir() });
  if (!zstdAvailable()) {
    assert.throws(() => eventLogOptions(conf), /spark\.eventLog\.compress=true needs zstd in node:zlib.*spark\.eventLog\.compress=false/);
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'evlog-'));
    const w = new EventLogWriter(eventLogOptions(conf.clone().set('spark.eventLog.dir', dir)), 'app-z');
    for (const e of jobEvents(5)) w.post(e);
    await w.stop();
    assert.ok(existsSync(join(dir, 'app-z.zstd')));
    assert.equal((await events(join(dir, 'app-z.zstd'))).length, 5);
  }
  assert.throws(() => eventLogOptions(conf.clone().set('spark.eventLog.compression.codec', 'lz4')), /spark\.eventLog\.compression\.codec: 'lz4' cannot be written/);
  assert.throws(() => eventLogOptions(new SparkConf({ 'spark.eventLog.rolling.maxFileSize': '1m' })), /spark\.eventLog\.rolling\.maxFileSize/);
});

test('a truncated .inprogress log replays up to its last complete line; a complete log with a broken line is an error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'evlog-'));
  const lines = jobEvents(5).map((e) => JSON.stringify(e));
  const cut = lines.join('\n') + '\n' + lines[0]!.slice(0, 20);
  writeFileSync(join(dir, 'app-t.inprogress'), cut);
  const src = describeLog(join(dir, 'app-t.inprogress'))!;
  const got: SparkEvent[] = [];
  const r = await replayLog(src, (e) => got.push(e));
  assert.equal(got.length, 5);
  assert.equal(r.truncated, true);
  writeFileSync(join(dir, 'app-t'), cut);
  await assert.rejects(replayLog(describeLog(join(dir, 'app-t'))!, () => undefined), /app-t:6: not a JSON event/);
});

test('the sink releases lines once their bytes are written, compressed or not, rolling or not, and after a failure', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eventlog-release-'));
  const line = Buffer.from('{"Event":"SparkListenerJobEnd"}\n');
  const cases: [string, ConstructorParameters<typeof EventLogSink>[0]][] = [
    ['plain', { file: join(dir, 'plain'), codec: undefined }],
    ['rolling', { file: join(dir, 'r', 'events_1_app'), codec: undefined, rolling: { dir: join(dir, 'r'), name: 'app', maxFileSize: 10 * line.length } }],
    ['full disk', { file: '/dev/full', codec: undefined }],
  ];
  if (zstdAvailable()) cases.push(['zstd', { file: join(dir, 'z.zstd'), codec: 'zstd' }]);
  for (const [name, opts] of cases) {
    if (opts.rolling) mkdirSync(opts.rolling.dir);
    const sink = new EventLogSink(opts);
    // Under the stream's high-water mark, so writeLines resolves before the file has the bytes.
    const n = 100;
    const bytes = Buffer.concat(Array.from({ length: n }, () => line));
    let released = 0;
    let writtenWhenReleased = -1;
    const lines = {
      bytes, ends: Array.from({ length: n }, (_, i) => (i + 1) * line.length), flush: true,
      release: () => {
        released++;
        writtenWhenReleased = opts.file === '/dev/full' || opts.codec ? -1 : statSync(opts.file).size;
      },
    };
    await sink.writeLines(lines);
    await sink.flush();
    await sink.close();
    assert.equal(released, 1, `${name}: released once`);
    if (name === 'plain') assert.equal(writtenWhenReleased, bytes.length, 'released only once every byte was in the file');
  }
});

test('a log whose file fails (a full disk) still flushes and closes: stopping never waits forever', async () => {
  const line = Buffer.from('{"Event":"SparkListenerJobEnd"}\n');
  for (const codec of zstdAvailable() ? [undefined, 'zstd'] : [undefined]) {
    const sink = new EventLogSink({ file: '/dev/full', codec });
    const lines = { bytes: Buffer.concat(Array.from({ length: 2000 }, () => line)), ends: Array.from({ length: 2000 }, (_, i) => (i + 1) * line.length), flush: true };
    const within = <T>(p: Promise<T>, what: string) => Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} hung (codec ${codec})`)), 5000))]);
    await within(sink.writeLines(lines), 'write');
    await within(sink.writeLines(lines), 'second write');
    await within(sink.flush(), 'flush');
    await within(sink.close(), 'close');
    assert.match(String(sink.failed?.message), /ENOSPC|no space/i);
  }
});
