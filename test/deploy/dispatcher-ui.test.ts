/**
 * The dispatcher's web UI in a real headless Chromium (Debian's chromium, driven by playwright-core): the drivers
 * page with its four tables and links, a driver page with redacted secrets and its state history, a screenshot that
 * shows the page rendered, and the metrics endpoints.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { MiniCluster, SparkConf } from '../../src/index.js';
import { MesosClusterDispatcher } from '../../src/deploy/MesosClusterDispatcher.js';
import { FileSystemPersistenceEngine } from '../../src/deploy/persistence/FileSystemPersistenceEngine.js';
import { describeDriver } from '../../src/deploy/mesos/MesosDriverDescription.js';
import { RestSubmissionClient } from '../../src/deploy/rest/RestSubmissionClient.js';
import { waitFor } from '../helpers/events.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

test('the dispatcher UI renders queued, launched, finished and retrying drivers in Chromium', async () => {
  const c = await new MiniCluster({ agents: 1, resources: 'cpus:2;mem:4096', master: { allocationIntervalMs: 50 }, agent: { statusUpdateRetryMs: 500 } }).start();
  const stateDir = mkdtempSync(join(tmpdir(), 'dispatcher-ui-'));
  // A supervised driver waiting for its retry an hour from now, as a restarted dispatcher finds it in its store.
  const waiting = describeDriver({ action: 'CreateSubmissionRequest', appResource: 'file:///apps/flaky.ts', mainClass: '', appArgs: [], sparkProperties: { 'spark.app.name': 'flaky', 'spark.driver.supervise': 'true' }, environmentVariables: {}, clientSparkVersion: '3.5.1' }, 'driver-20261201000000-0042', Date.now() - 60_000, 0);
  waiting.retryState = { lastFailureStatus: { task_id: { value: 'driver-20261201000000-0042' }, state: 'TASK_FAILED', message: 'Command exited with status 3' }, retries: 1, nextRetry: Date.now() + 3_600_000, waitTimeSeconds: 1 };
  await new FileSystemPersistenceEngine(stateDir).persist('retryList', waiting.submissionId, waiting);
  const conf = new SparkConf({
    'spark.deploy.recoveryDirectory': stateDir, 'spark.app.name': 'Spark Cluster',
    'spark.mesos.proxy.baseURL': 'http://mesos.example:5050', 'spark.mesos.dispatcher.historyServer.url': 'http://history.example:18080',
  });
  const dispatcher = new MesosClusterDispatcher({ host: '127.0.0.1', port: 0, webUiPort: 0, master: c.masterUrl }, conf);
  await dispatcher.start();
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const rest = new RestSubmissionClient(`mesos://127.0.0.1:${dispatcher.rest!.address!.port}`);
    const app = `file://${root}test/fixtures/exit-with.ts`;
    const submit = async (name: string, args: string[], props: Record<string, string> = {}) =>
      ((await rest.createSubmission({ appResource: app, mainClass: '', appArgs: args, sparkProperties: { 'spark.app.name': name, 'spark.driver.memory': '64m', ...props }, environmentVariables: { SPARK_USER: 'ann', DB_TOKEN: 'tok-123' } })) as { submissionId: string }).submissionId;
    const done = await submit('quick', ['0', '0']);
    await waitFor(() => dispatcher.scheduler!.find(done)?.state === 'FINISHED', 30_000, 'the quick driver finished');
    const running = await submit('sleeper', ['60000', '0']);
    const queued = await submit('too-big', [], { 'spark.driver.cores': '64', 'spark.mesos.driver.secret.values': 'hunter2', 'spark.mesos.driver.secret.envkeys': 'PW' });
    await waitFor(() => dispatcher.scheduler!.find(running)?.state === 'RUNNING' && dispatcher.scheduler!.state().launched[0]?.status?.state === 'TASK_RUNNING', 30_000, 'the sleeper runs');

    const ui = `http://127.0.0.1:${dispatcher.ui!.address!.port}`;
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const resp = await page.goto(`${ui}/`);
    assert.equal(resp?.status(), 200);
    assert.equal(await page.title(), 'Spark Drivers for Mesos cluster');
    assert.match(await page.locator('#framework').innerText(), new RegExp(`Mesos Framework ID: ${dispatcher.scheduler!.state().frameworkId}`));
    const rows = async (id: string) => page.locator(`#${id} tbody tr`).allInnerTexts();
    assert.deepEqual((await rows('queued')).map((r) => r.split('\t')[0]), [queued]);
    assert.match((await rows('queued'))[0]!, /cpus: 64, mem: 448/);
    // It waits for an agent that has 64 cpus, and says so.
    assert.match((await rows('queued'))[0]!, /waiting: needs 64 cpus \/ 448 MiB; [0-9]+ offers? declined: [0-9]+ below 64 cpus; largest offer seen: [0-9.]+ cpus \/ [0-9.]+ MiB/);
    const launched = await rows('launched');
    assert.equal(launched.length, 1);
    assert.match(launched[0]!, new RegExp(`${running}.*State: TASK_RUNNING`, 's'));
    assert.match((await rows('finished')).join('\n'), new RegExp(`${done}.*State: TASK_FINISHED`, 's'));
    assert.match((await rows('retrying'))[0]!, /driver-20261201000000-0042.*State: TASK_FAILED, Message: Command exited with status 3.*\t1$/s);
    const headers = await page.locator('#launched thead th').allInnerTexts();
    assert.deepEqual(headers, ['Driver ID', 'History', 'Submit Date', 'Main Class', 'Driver Resources', 'Queue', 'Start Date', 'Mesos Slave ID', 'State', 'Sandbox']);
    const agent = c.agents[0]!.id!;
    const fid = dispatcher.scheduler!.state().frameworkId!;
    assert.equal(await page.locator('#launched a', { hasText: 'Sandbox' }).getAttribute('href'), `http://mesos.example:5050/#/agents/${agent}/frameworks/${fid}/executors/${running}/browse`);
    assert.equal(await page.locator('#launched a', { hasText: `${fid}-${running}` }).getAttribute('href'), `http://history.example:18080/history/${fid}-${running}`);

    // The page renders: its screenshot carries far more than a blank page's.
    const shot = await page.screenshot({ fullPage: true });
    const blank = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await blank.setContent('<html><body></body></html>');
    const blankShot = await blank.screenshot({ fullPage: true });
    assert.equal(shot.subarray(1, 4).toString(), 'PNG');
    assert.ok(shot.length > 5 * blankShot.length, `screenshot ${shot.length} bytes vs blank ${blankShot.length}`);

    // A driver's page: its state, description, history; secrets redacted.
    await page.click(`#queued a:text("${queued}")`);
    await page.waitForURL(/driver\?id=/);
    assert.equal(await page.title(), `Details for Job ${queued}`);
    assert.equal(await page.locator('#driver-state').innerText(), 'Driver state: QUEUED');
    assert.match(await page.locator('#waiting').innerText(), /^waiting: needs 64 cpus/);
    const body = await page.locator('body').innerText();
    assert.ok(!body.includes('hunter2') && !body.includes('tok-123'), 'secrets are not shown');
    assert.match(body, /spark\.mesos\.driver\.secret\.values\s+\*+\(redacted\)/);
    assert.match(body, /DB_TOKEN\s+\*+\(redacted\)/);
    assert.match(body, /SPARK_USER\s+ann/);
    await page.goto(`${ui}/driver?id=${done}`);
    assert.equal(await page.locator('#driver-state').innerText(), 'Driver state: FINISHED');
    assert.deepEqual((await page.locator('#history tbody tr').allInnerTexts()).map((r) => r.split('\t')[1]), ['QUEUED', 'LAUNCHED', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED']);
    await page.goto(`${ui}/driver?id=driver-20000101000000-0000`);
    assert.match(await page.locator('body').innerText(), /Cannot find driver driver-20000101000000-0000/);
    assert.equal((await page.goto(`${ui}/driver`))?.status(), 400);

    // Metrics: Spark's gauges for Prometheus, and the JSON status.
    const metrics = await (await fetch(`${ui}/metrics/prometheus`)).text();
    const gauge = (n: string) => Number(new RegExp(`^${n} ([0-9]+)$`, 'm').exec(metrics)?.[1]);
    assert.deepEqual(['waiting', 'launched', 'retry', 'finished'].map((g) => gauge(`spark_mesos_dispatcher_${g}_drivers`)), [1, 1, 1, 1]);
    assert.equal(gauge('spark_mesos_dispatcher_ready'), 1);
    const status = (await (await fetch(`${ui}/api/status`)).json()) as { counts: Record<string, number>; queued: { submissionId: string }[] };
    assert.deepEqual(status.counts, { queued: 1, launched: 1, retrying: 1, finished: 1 });
    assert.equal(status.queued[0]!.submissionId, queued);
    assert.ok(!JSON.stringify(status).includes('hunter2'));
  } finally {
    await browser.close();
    await dispatcher.stop();
    await c.stop();
  }
});
