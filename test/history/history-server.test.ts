/**
 * The history server over a log directory: Spark's own log and ours listed and replayed into the same `/api/v1`,
 * `/history/<app id>` opening the application's pages, logs picked up as they appear and grow, in-progress and
 * broken logs, the in-memory limit, the event-log zip, the cleaner, and the `spark-mesos history-server` command.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SparkConf, SparkContext } from '../../src/index.js';
import { HistoryServer } from '../../src/history/HistoryServer.js';
import { logsToDelete } from '../../src/history/cleaner.js';
import { runUiDemo } from '../helpers/uiJobs.js';
import { waitFor } from '../helpers/events.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const SPARK_LOG = fileURLToPath(new URL('../fixtures/eventlogs/app-20240501120000-0001', import.meta.url));

test('cleaner: logs older than maxAge go, then the oldest completed ones beyond maxNum', () => {
  const now = 1_000_000;
  const logs = [
    { path: 'old-done', lastUpdated: 1, completed: true }, { path: 'old-running', lastUpdated: 2, completed: false },
    { path: 'a', lastUpdated: now - 30, completed: true }, { path: 'b', lastUpdated: now - 20, completed: true },
    { path: 'c', lastUpdated: now - 10, completed: false }, { path: 'd', lastUpdated: now - 5, completed: true },
  ];
  const cases: [number, number, string[]][] = [
    [Infinity, 100, []], [1000, 100, ['old-done', 'old-running']], [1000, 3, ['old-done', 'old-running', 'a']],
    [1000, 1, ['old-done', 'old-running', 'a', 'b', 'd']], [Infinity, 0, ['old-done', 'a', 'b', 'd']],
  ];
  for (const [maxAge, maxNum, want] of cases) assert.deepEqual(logsToDelete(logs, now, maxAge, maxNum).sort(), want.sort(), `maxAge=${maxAge} maxNum=${maxNum}`);
});

async function ourLog(dir: string): Promise<string> {
  const sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('history-demo').set('spark.ui.enabled', 'false')
    .set('spark.eventLog.enabled', 'true').set('spark.eventLog.dir', dir).set('spark.eventLog.logBlockUpdates.enabled', 'true').set('spark.some.token', 't0k3n'));
  try {
    await sc.ready();
    await runUiDemo(sc);
  } finally {
    await sc.stop();
  }
  return sc.applicationId;
}

test('the history server lists, replays and serves applications from the log directory', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'history-'));
  const ours = await ourLog(dir);
  copyFileSync(SPARK_LOG, join(dir, 'app-20240501120000-0001'));
  const sparkLines = readFileSync(SPARK_LOG, 'utf8').split('\n');
  // A log without "App ID" is not listed; dot files are ignored.
  writeFileSync(join(dir, 'no-app-id'), '{"Event":"SparkListenerLogStart","Spark Version":"3.5.1"}\n{"Event":"SparkListenerApplicationStart","App Name":"x","Timestamp":1,"User":"u"}\n');
  writeFileSync(join(dir, '.hidden'), sparkLines[0] + '\n');
  const server = new HistoryServer(new SparkConf({ 'spark.history.fs.logDirectory': `file:${dir}`, 'spark.history.ui.port': '0', 'spark.history.fs.update.interval': '100ms', 'spark.history.retainedApplications': '1' }));
  await server.start('127.0.0.1');
  try {
    const base = `http://127.0.0.1:${server.address!.port}`;
    const json = async (p: string) => {
      const r = await fetch(base + p);
      assert.equal(r.status, 200, p);
      return r.json() as Promise<any>;
    };
    const apps = await json('/api/v1/applications');
    assert.deepEqual(apps.map((a: any) => a.id).sort(), ['app-20240501120000-0001', ours].sort());
    assert.ok(apps.every((a: any) => a.attempts[0].completed));
    const mine = apps.find((a: any) => a.id === ours);
    assert.equal(mine.name, 'history-demo');
    assert.ok(mine.attempts[0].duration > 0);

    // Our application, replayed: the same REST answers as Spark's API gives, secrets still redacted.
    const jobs = await json(`/api/v1/applications/${ours}/jobs`);
    assert.deepEqual(jobs.map((j: any) => j.status), ['FAILED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    const rdds = await json(`/api/v1/applications/${ours}/storage/rdd`);
    assert.equal(rdds[0].numCachedPartitions, 3);
    const env = await json(`/api/v1/applications/${ours}/environment`);
    assert.doesNotMatch(JSON.stringify(env), /t0k3n/);
    assert.equal((await fetch(`${base}/api/v1/applications/${ours}/executors/driver/threads`)).status, 503, 'no thread dumps from a log');
    // Spark's own log replays too.
    const sparkJobs = await json('/api/v1/applications/app-20240501120000-0001/jobs');
    assert.equal(sparkJobs[0].name, 'count at Demo.scala:10');

    // /history/<app id> opens the application's UI.
    const open = await fetch(`${base}/history/${ours}`, { redirect: 'manual' });
    assert.equal(open.status, 302);
    assert.equal(open.headers.get('location'), `/history/${ours}/jobs/`);
    const page = await fetch(`${base}/history/${ours}/jobs/`);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /history-demo application UI/);
    assert.match(html, new RegExp(`href="/history/${ours}/jobs/job/\\?id=3"`));
    assert.doesNotMatch(html, /kill/, 'no kill links on the history server');
    assert.equal((await fetch(`${base}/history/app-none/jobs/`)).status, 404);
    const listing = await (await fetch(`${base}/`)).text();
    assert.match(listing, new RegExp(`href="/history/${ours}/jobs/"`));
    assert.equal(server.provider.loadedCount, 1, 'spark.history.retainedApplications=1');

    // The event log as a zip, named as Spark names it.
    const zip = await fetch(`${base}/api/v1/applications/${ours}/logs`);
    assert.equal(zip.headers.get('content-disposition'), `attachment; filename=eventLogs-${ours}.zip`);
    const body = Buffer.from(await zip.arrayBuffer());
    assert.equal(body.subarray(0, 2).toString(), 'PK');
    assert.ok(body.includes(Buffer.from(ours)), 'the zip holds the log');

    // A new, still running application appears; as its log grows, its UI follows.
    const live = join(dir, 'app-20240501130000-0002.inprogress');
    const start = sparkLines.slice(0, 9).join('\n').replaceAll('app-20240501120000-0001', 'app-20240501130000-0002') + '\n';
    const cut = sparkLines[9]!.length - 40;
    writeFileSync(live, start + sparkLines[9]!.slice(0, cut));
    await waitFor(async () => (await json('/api/v1/applications?status=running')).length === 1, 10_000, 'the running application listed');
    const running = await json('/api/v1/applications/app-20240501130000-0002');
    assert.equal(running.attempts[0].completed, false);
    assert.equal(running.attempts[0].endTime, '1969-12-31T23:59:59.999GMT');
    assert.deepEqual((await json('/api/v1/applications/app-20240501130000-0002/jobs')).map((j: any) => j.status), ['RUNNING'], 'the cut-off line is skipped');
    appendFileSync(live, sparkLines[9]!.slice(cut) + '\n' + sparkLines.slice(10, 15).join('\n') + '\n');
    await waitFor(async () => (await json('/api/v1/applications/app-20240501130000-0002/jobs'))[0].status === 'SUCCEEDED', 10_000, 'the grown log replayed');
  } finally {
    await server.stop();
  }
});

test('the cleaner deletes logs older than spark.history.fs.cleaner.maxAge', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'history-clean-'));
  copyFileSync(SPARK_LOG, join(dir, 'app-20240501120000-0001'));
  copyFileSync(SPARK_LOG, join(dir, 'fresh'));
  const old = (Date.now() - 10 * 86_400_000) / 1000;
  utimesSync(join(dir, 'app-20240501120000-0001'), old, old);
  const server = new HistoryServer(new SparkConf({ 'spark.history.fs.logDirectory': dir, 'spark.history.ui.port': '0', 'spark.history.fs.cleaner.enabled': 'true', 'spark.history.fs.cleaner.maxAge': '7d' }));
  await server.start('127.0.0.1');
  try {
    assert.ok(!existsSync(join(dir, 'app-20240501120000-0001')), 'the old log is deleted');
    assert.ok(existsSync(join(dir, 'fresh')));
  } finally {
    await server.stop();
  }
});

test('spark-mesos history-server serves the log directory on spark.history.ui.port', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'history-cli-'));
  copyFileSync(SPARK_LOG, join(dir, 'app-20240501120000-0001'));
  const p = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'history-server', '--host', '127.0.0.1', '--conf', 'spark.history.ui.port=0',
    '--conf', `spark.history.fs.logDirectory=${dir}`], { cwd: root, env: { ...process.env, SPARK_MESOS_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    await waitFor(() => /http:\/\/127\.0\.0\.1:\d+ serving/.test(err), 60_000, 'the history server to start');
    const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(err)![1]!;
    const apps = (await (await fetch(`${url}/api/v1/applications`)).json()) as { id: string }[];
    assert.deepEqual(apps.map((a) => a.id), ['app-20240501120000-0001']);
  } finally {
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await exited;
  }
});
