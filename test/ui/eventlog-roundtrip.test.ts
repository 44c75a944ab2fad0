/**
 * Event log round trip on a real application: the log written while it runs (`.inprogress`, then renamed) replays
 * into a status store whose `/api/v1` answers equal the live driver's, endpoint by endpoint; the log starts and
 * ends as Spark's history server expects and carries no secrets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkConf, SparkContext } from '../../src/index.js';
import { AppStatusStore } from '../../src/ui/status/AppStatusStore.js';
import { handleApi, type ApiSource } from '../../src/ui/api/ApiRouter.js';
import { describeLog, replayLog } from '../../src/ui/eventlog/EventLogReader.js';
import { redact } from '../../src/conf/redaction.js';
import { runUiDemo } from '../helpers/uiJobs.js';
import { waitFor } from '../helpers/events.js';

/** Every application endpoint's answer (not the listing, which says running for the live driver). */
async function answers(get: (p: string) => Promise<{ status: number; body: string }>): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const take = async (p: string) => {
    const r = await get(p);
    out.set(p, `${r.status} ${r.body}`);
    return r.status === 200 ? JSON.parse(r.body) : undefined;
  };
  const jobs = await take('/jobs');
  for (const j of jobs) await take(`/jobs/${j.jobId}`);
  const stages = await take('/stages?details=true&withSummaries=true');
  for (const s of stages) {
    await take(`/stages/${s.stageId}`);
    await take(`/stages/${s.stageId}/${s.attemptId}?withSummaries=true`);
    await take(`/stages/${s.stageId}/${s.attemptId}/taskSummary`);
    await take(`/stages/${s.stageId}/${s.attemptId}/taskList?length=1000&sortBy=-runtime`);
  }
  await take('/executors');
  await take('/allexecutors');
  for (const r of await take('/storage/rdd')) await take(`/storage/rdd/${r.id}`);
  await take('/environment');
  return out;
}

async function replayed(path: string, appId: string, until: (line: string) => boolean): Promise<Map<string, string>> {
  const store = new AppStatusStore();
  let open = true;
  await replayLog(describeLog(path)!, (e) => store.apply(e), (line) => (open &&= !until(line)));
  const src: ApiSource = { applications: () => [{ id: appId, name: '', attempts: [] }], store: async () => store, redact: (p) => redact(p) };
  return answers(async (p) => {
    const u = new URL(`/applications/${appId}${p}`, 'http://x');
    const r = await handleApi(src, u.pathname, u.searchParams);
    return { status: r.status, body: String(r.body) };
  });
}

test('a replayed event log answers /api/v1 exactly as the live driver did', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'events-'));
  const sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('roundtrip').set('spark.ui.port', '0').set('spark.driver.host', '127.0.0.1')
    .set('spark.eventLog.enabled', 'true').set('spark.eventLog.dir', `file:${dir}`).set('spark.eventLog.logBlockUpdates.enabled', 'true')
    .set('spark.mesos.secret', 'sekrit-value'));
  let live: Map<string, string>;
  const appId = sc.applicationId;
  const inProgress = join(dir, `${appId}.inprogress`);
  try {
    await sc.ready();
    await runUiDemo(sc);
    const base = `http://127.0.0.1:${sc.uiAddress!.port}/api/v1/applications/${appId}`;
    const get = async (p: string) => {
      const r = await fetch(base + p);
      return { status: r.status, body: await r.text() };
    };
    await waitFor(async () => JSON.parse((await get('/jobs')).body).length === 4, 10_000, 'the four jobs in the live store');
    live = await answers(get);
    await waitFor(() => existsSync(inProgress) && readFileSync(inProgress, 'utf8').includes('"Job ID":3,"Completion Time"'), 10_000, 'the last job end in the log');
    const whileRunning = await replayed(inProgress, appId, () => false);
    assert.deepEqual([...whileRunning.keys()], [...live.keys()]);
    for (const [p, v] of live) assert.equal(whileRunning.get(p), v, `in-progress log, ${p}`);
  } finally {
    await sc.stop();
  }
  assert.ok(!existsSync(inProgress), '.inprogress is gone once the application ended');
  const final = join(dir, appId);
  const lines = readFileSync(final, 'utf8').trimEnd().split('\n');
  assert.equal(JSON.parse(lines[0]!).Event, 'SparkListenerLogStart');
  assert.match(lines[1]!, new RegExp(`^\\{"Event":"SparkListenerApplicationStart","App Name":"roundtrip","App ID":"${appId}"`));
  assert.match(lines[2]!, /^\{"Event":"SparkListenerEnvironmentUpdate","JVM Information":/);
  assert.equal(JSON.parse(lines.at(-1)!).Event, 'SparkListenerApplicationEnd');
  assert.ok(lines.every((l) => l.startsWith('{"Event":"')), 'compact lines, "Event" first');
  assert.doesNotMatch(readFileSync(final, 'utf8'), /sekrit-value/);
  // Executors leave and the application ends after the jobs: replay up to there, then compare.
  const after = (line: string) => /^\{"Event":"SparkListener(ExecutorRemoved|BlockManagerRemoved|ApplicationEnd)"/.test(line);
  const fromLog = await replayed(final, appId, after);
  assert.deepEqual([...fromLog.keys()], [...live!.keys()]);
  for (const [p, v] of live!) assert.equal(fromLog.get(p), v, p);
  assert.ok(live!.size > 20, `${live!.size} endpoints compared`);
});
