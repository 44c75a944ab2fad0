/**
 * The pages as functions: the UI root's precedence (spark.ui.proxyBase, APPLICATION_WEB_PROXY_BASE, X-Forwarded-Context),
 * every link under it, kill links only when allowed, escaping, and 404s for unknown ids.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type http from 'node:http';
import { fileURLToPath } from 'node:url';
import { AppStatusStore } from '../../src/ui/status/AppStatusStore.js';
import { describeLog, replayLog } from '../../src/ui/eventlog/EventLogReader.js';
import { renderPage, uiRoot } from '../../src/ui/pages/router.js';
import type { PageContext } from '../../src/ui/pages/layout.js';
import { redact } from '../../src/conf/redaction.js';
import { bytes, duration } from '../../src/ui/pages/format.js';

const DEMO = fileURLToPath(new URL('../fixtures/eventlogs/app-20240501120000-0001', import.meta.url));

const req = (headers: Record<string, string>) => ({ headers }) as unknown as http.IncomingMessage;

test('uiRoot: spark.ui.proxyBase, then APPLICATION_WEB_PROXY_BASE, then X-Forwarded-Context, without a trailing slash', () => {
  const cases: [string | undefined, Record<string, string>, Record<string, string>, string][] = [
    [undefined, {}, {}, ''],
    ['/proxy/app-1/', { APPLICATION_WEB_PROXY_BASE: '/yarn' }, { 'x-forwarded-context': '/knox' }, '/proxy/app-1'],
    [undefined, { APPLICATION_WEB_PROXY_BASE: '/yarn' }, { 'x-forwarded-context': '/knox' }, '/yarn'],
    ['', {}, { 'x-forwarded-context': '/knox/' }, '/knox'],
  ];
  for (const [base, env, headers, want] of cases) assert.equal(uiRoot(base, env, req(headers)), want, JSON.stringify([base, env, headers]));
});

test('formats: Spark\'s sizes and durations', () => {
  assert.deepEqual([0, 1536, 2048, 5 * 1024 * 1024].map(bytes), ['0.0 B', '1536.0 B', '2.0 KiB', '5.0 MiB']);
  assert.deepEqual([5, 1500, 90_000, 7_200_000].map(duration), ['5 ms', '1.5 s', '1.5 min', '2.0 h']);
});

async function ctx(o: Partial<PageContext> = {}): Promise<PageContext> {
  const store = new AppStatusStore();
  await replayLog(describeLog(DEMO)!, (e) => store.apply(e));
  // Make job 0 look running, so kill links can appear.
  store.jobs.get(0)!.status = 'RUNNING';
  store.stages.get('0.0')!.status = 'ACTIVE';
  return { store, base: '/proxy/x', root: '/proxy/x', killEnabled: true, redact: (p) => redact(p), ...o };
}

const hrefs = (html: string) => [...html.matchAll(/(?:href|action)="([^"]*)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));

test('every page links under the UI root, and kill links appear only with spark.ui.killEnabled', async () => {
  const c = await ctx();
  const paths = ['/jobs/', '/jobs/job/?id=0', '/stages/', '/stages/stage/?id=0&attempt=0', '/storage/', '/environment/', '/executors/'];
  for (const p of paths) {
    const u = new URL(p, 'http://x');
    const r = renderPage(c, u.pathname, u.searchParams, undefined);
    assert.equal(r.status, 200, p);
    for (const h of hrefs(r.html!)) assert.ok(h.startsWith('/proxy/x/') || h.startsWith('http'), `${p}: ${h}`);
  }
  const jobs = renderPage(c, '/jobs/', new URLSearchParams(), undefined).html!;
  assert.ok(hrefs(jobs).includes('/proxy/x/jobs/job/kill/?id=0'));
  assert.ok(hrefs(renderPage(c, '/stages/', new URLSearchParams(), undefined).html!).includes('/proxy/x/stages/stage/kill/?id=0'));
  const off = await ctx({ killEnabled: false });
  assert.doesNotMatch(renderPage(off, '/jobs/', new URLSearchParams(), undefined).html!, /kill/);
  const killed: string[] = [];
  const kill = { killJob: (id: number) => killed.push(`job ${id}`), killStage: (id: number) => killed.push(`stage ${id}`) };
  assert.equal(renderPage(off, '/jobs/job/kill/', new URLSearchParams('id=0'), kill).status, 405);
  const r = renderPage(c, '/stages/stage/kill/', new URLSearchParams('id=0'), kill);
  assert.deepEqual([r.status, r.location], [302, '/proxy/x/stages/']);
  assert.deepEqual(killed, ['stage 0']);
});

test('unknown ids are 404s; names are escaped', async () => {
  const c = await ctx();
  c.store.jobs.get(0)!.name = '<script>alert(1)</script>';
  assert.doesNotMatch(renderPage(c, '/jobs/', new URLSearchParams(), undefined).html!, /<script>/);
  for (const p of ['/jobs/job/?id=9', '/stages/stage/?id=9', '/storage/rdd/?id=9', '/jobs/job/']) {
    const u = new URL(p, 'http://x');
    assert.equal(renderPage(c, u.pathname, u.searchParams, undefined).status, 404, p);
  }
  assert.deepEqual(renderPage(c, '/', new URLSearchParams(), undefined), { status: 302, location: '/proxy/x/jobs/' });
});

test('executor log links: a Mesos executor\'s sandbox through its agent; only http(s) URLs are accepted from executors', async () => {
  const { mesosLogUrls, logUrlsFrom } = await import('../../src/executor/logUrls.js');
  assert.deepEqual(mesosLogUrls({ MESOS_AGENT_ENDPOINT: '10.0.0.3:5051', MESOS_SANDBOX: '/var/lib/mesos/slaves/S1/frameworks/F/executors/1/runs/R/' }), {
    stdout: 'http://10.0.0.3:5051/files/download?path=%2Fvar%2Flib%2Fmesos%2Fslaves%2FS1%2Fframeworks%2FF%2Fexecutors%2F1%2Fruns%2FR%2Fstdout',
    stderr: 'http://10.0.0.3:5051/files/download?path=%2Fvar%2Flib%2Fmesos%2Fslaves%2FS1%2Fframeworks%2FF%2Fexecutors%2F1%2Fruns%2FR%2Fstderr',
  });
  assert.equal(mesosLogUrls({ MESOS_SANDBOX: '/x' }), undefined, 'not on Mesos');
  assert.deepEqual(logUrlsFrom({ stdout: 'http://a/x', evil: 'javascript:alert(1)', n: 3 }), { stdout: 'http://a/x' });
  assert.equal(logUrlsFrom('nope'), undefined);
});
