/**
 * The driver UI and the history server in a real headless Chromium (Debian's chromium via playwright-core), on an
 * application with a cached RDD, a shuffle run twice and a failed task: every tab's content and links, the same
 * pages through a reverse proxy (links carry its `X-Forwarded-Context`), killing a running job from its link, the
 * history server's copy of the application, and screenshots that show rendered pages.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { SparkConf, SparkContext } from '../../src/index.js';
import { HistoryServer } from '../../src/history/HistoryServer.js';
import { runUiDemo } from '../helpers/uiJobs.js';
import { waitFor } from '../helpers/events.js';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A reverse proxy serving `target` under `prefix`, telling it so with `X-Forwarded-Context` (as Knox does). */
async function proxy(prefix: string, target: number): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (!req.url!.startsWith(prefix)) {
      res.writeHead(404).end('not proxied');
      return;
    }
    const up = http.request({ host: '127.0.0.1', port: target, path: req.url!.slice(prefix.length) || '/', method: req.method, headers: { ...req.headers, 'x-forwarded-context': prefix } }, (r) => {
      res.writeHead(r.statusCode!, r.headers);
      r.pipe(res);
    });
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as { port: number }).port, close: () => new Promise((r) => server.close(() => r())) };
}

/** Clicks a link and waits for the page it leads to. */
async function follow(page: Page, selector: string): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.click(selector)]);
}

async function rows(page: Page, id: string): Promise<string[]> {
  return page.locator(`#${id} tbody tr`).allInnerTexts();
}

async function assertRendered(browser: Browser, page: Page, what: string): Promise<void> {
  const shot = await page.screenshot({ fullPage: true });
  const blank = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await blank.setContent('<html><body></body></html>');
  const blankShot = await blank.screenshot({ fullPage: true });
  await blank.close();
  assert.ok(shot.length > 4 * blankShot.length, `${what}: screenshot ${shot.length} bytes vs blank ${blankShot.length}`);
}

/** Checks every tab of an application UI whose pages are under `base` (driver: '' or a proxy prefix; history: /history/<id>). */
async function checkTabs(browser: Browser, page: Page, origin: string, base: string, appName: string, cachedRdd: number): Promise<void> {
  const resp = await page.goto(`${origin}${base}/`);
  assert.equal(resp?.status(), 200);
  assert.equal(new URL(page.url()).pathname, `${base}/jobs/`);
  assert.equal(await page.title(), `${appName} - Spark Jobs`);
  assert.equal((await rows(page, 'completedJobs')).length, 3);
  const failed = await rows(page, 'failedJobs');
  assert.equal(failed.length, 1);
  assert.match(failed[0]!, /collect at map/);
  assert.match((await rows(page, 'completedJobs')).at(-1)!, /^0 \(demo-group\)\s+count the pairs/);
  for (const href of await page.locator('main a, nav a').evaluateAll((as) => as.map((a) => a.getAttribute('href')!))) {
    assert.ok(href.startsWith(`${base}/`) || href.startsWith('/') && base === '', `link ${href} under ${base}`);
  }
  await assertRendered(browser, page, 'jobs');

  // A job's page: its stages; the second collect skipped the map stage.
  await follow(page, '#completedJobs a:text("collect at reduceByKey")');
  assert.match(await page.title(), /Details for Job 2/);
  assert.equal((await rows(page, 'skippedStages')).length, 1);
  assert.equal((await rows(page, 'completedStages')).length, 1);

  // Stages: the failed one with its reason, and the failed task's error on its page.
  await follow(page, 'nav a:text("Stages")');
  assert.equal(await page.title(), `${appName} - Stages for All Jobs`);
  const failedStages = await rows(page, 'failedStages');
  assert.match(failedStages[0]!, /boom on 4/);
  await follow(page, '#failedStages a:text("collect at map")');
  assert.match(await page.title(), /Details for Stage \d+ \(Attempt 0\)/);
  const tasks = await rows(page, 'task-table');
  assert.equal(tasks.length, 2);
  assert.ok(tasks.some((t) => /FAILED/.test(t) && /TypeError: boom on 4/.test(t)), tasks.join('\n'));
  assert.equal((await rows(page, 'summary-metrics'))[0]!.split('\t')[0], 'Duration');
  await assertRendered(browser, page, 'stage');
  await Promise.all([page.waitForEvent('load'), page.goBack()]);
  await follow(page, '#completedStages a:text-matches("^shuffle map")');
  assert.match(await page.locator('main ul.summary').innerText(), /Shuffle Write Size \/ Records: [\d.]+ \w?B \/ 60/);
  assert.ok((await rows(page, 'summary-metrics')).some((r) => r.startsWith('Shuffle Write Size / Records')));
  assert.equal((await rows(page, 'executor-metrics')).length >= 1, true);

  // Storage: the cached RDD and where its three blocks are.
  await follow(page, 'nav a:text("Storage")');
  const rdds = await rows(page, 'storage-by-rdd-table');
  assert.equal(rdds.length, 1);
  assert.match(rdds[0]!, new RegExp(`^${cachedRdd}\\tpairs\\tMemory Deserialized 1x Replicated\\t3\\t100%`));
  await follow(page, '#storage-by-rdd-table a:text("pairs")');
  assert.equal((await rows(page, 'rdd-storage-by-block-table')).length, 3);
  assert.ok((await rows(page, 'rdd-storage-by-executor-table')).length >= 1);

  // Environment: secrets redacted.
  await follow(page, 'nav a:text("Environment")');
  const props = (await rows(page, 'spark-properties-table')).join('\n');
  assert.match(props, /spark\.db\.password\t\*\*\*\*\*\*\*\*\*\(redacted\)/);
  assert.doesNotMatch(await page.content(), /hunter2/);

  // Executors: the driver and two executors.
  await follow(page, 'nav a:text("Executors")');
  const execs = await rows(page, 'active-executors-table');
  assert.equal(execs.length, 3);
  assert.match(execs[0]!, /^driver\t/);
  await assertRendered(browser, page, 'executors');
}

test('driver UI and history server pages in Chromium, directly and through a proxy, with kill links', async () => {
  const logDir = mkdtempSync(join(tmpdir(), 'ui-events-'));
  const sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('ui-demo').set('spark.ui.port', '0').set('spark.driver.host', '127.0.0.1')
    .set('spark.db.password', 'hunter2').set('spark.eventLog.enabled', 'true').set('spark.eventLog.dir', logDir).set('spark.eventLog.logBlockUpdates.enabled', 'true'));
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    await driverAndHistory(browser, sc, logDir);
  } finally {
    await browser.close();
  }
});

async function driverAndHistory(browser: Browser, sc: SparkContext, logDir: string): Promise<void> {
  let history: HistoryServer | undefined;
  let proxied: Awaited<ReturnType<typeof proxy>> | undefined;
  try {
    await sc.ready();
    const { cachedRdd } = await runUiDemo(sc);
    const port = sc.uiAddress!.port;
    const origin = `http://127.0.0.1:${port}`;
    await waitFor(async () => ((await (await fetch(`${origin}/api/v1/applications/${sc.applicationId}/jobs`)).json()) as unknown[]).length === 4, 10_000, 'four jobs');
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await checkTabs(browser, page, origin, '', 'ui-demo', cachedRdd);

    // Through a proxy under /proxy/app: every link keeps the prefix.
    proxied = await proxy('/proxy/app', port);
    await checkTabs(browser, page, `http://127.0.0.1:${proxied.port}`, '/proxy/app', 'ui-demo', cachedRdd);
    const css = await page.evaluate("getComputedStyle(document.querySelector('.navbar')).display");
    assert.equal(css, 'flex', 'the stylesheet loads through the proxy');

    // Kill a running job from its link (confirming the dialog): its tasks stop and the job fails as cancelled.
    const slow = sc.parallelize([1, 2], 2).map((x) => {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
      return x;
    }).collect();
    const outcome = slow.then(() => 'finished', (e: Error) => e.message);
    await page.goto(`http://127.0.0.1:${proxied.port}/proxy/app/jobs/`);
    await waitFor(async () => {
      await page.reload();
      return (await page.locator('#activeJobs a.kill-link').count()) === 1;
    }, 15_000, 'the running job listed with a kill link');
    assert.equal(await page.locator('#activeJobs a.kill-link').getAttribute('href'), '/proxy/app/jobs/job/kill/?id=4');
    page.once('dialog', (d) => void d.accept());
    await follow(page, '#activeJobs a.kill-link');
    assert.equal(new URL(page.url()).pathname, '/proxy/app/jobs/');
    assert.match(await outcome, /Job 4 cancelled killed via the Web UI/);
    await waitFor(async () => {
      await page.reload();
      return (await rows(page, 'failedJobs')).length === 2;
    }, 15_000, 'the killed job among the failed ones');
    assert.equal(await page.locator('a.kill-link').count(), 0);
  } finally {
    await sc.stop();
    await proxied?.close();
  }
  try {
    if (!sc.applicationId) throw new Error('no application');
    // The history server shows the same application from its log, under /history/<app id>, and with a proxy base.
    history = new HistoryServer(new SparkConf({ 'spark.history.fs.logDirectory': logDir, 'spark.history.ui.port': '0' }));
    await history.start('127.0.0.1');
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const origin = `http://127.0.0.1:${history.address!.port}`;
    await page.goto(`${origin}/`);
    assert.equal(await page.title(), 'History Server');
    assert.equal((await rows(page, 'history-summary')).length, 1);
    await follow(page, `#history-summary a:text("${sc.applicationId}")`);
    assert.equal(new URL(page.url()).pathname, `/history/${sc.applicationId}/jobs/`);
    assert.equal(await page.locator('a.kill-link').count(), 0, 'nothing to kill in a finished application');
    const app = `/history/${sc.applicationId}`;
    assert.equal((await rows(page, 'failedJobs')).length, 2);
    await follow(page, 'nav a:text("Storage")');
    assert.equal(new URL(page.url()).pathname, `${app}/storage/`);
    await follow(page, 'nav a:text("Executors")');
    assert.equal((await rows(page, 'active-executors-table'))[0]!.split('\t')[2], 'Active', 'the driver');
    await assertRendered(browser, page, 'history executors');
  } finally {
    await history?.stop();
  }
}
