/**
 * Cluster mode end to end: a driver launched by the dispatcher writes its event log under its framework id (Spark's
 * app id on Mesos); the dispatcher's History link `<historyServer.url>/history/<framework id>` opens that application
 * on the history server.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SparkConf } from '../../src/index.js';
import { MesosClusterDispatcher } from '../../src/deploy/MesosClusterDispatcher.js';
import { RestSubmissionClient } from '../../src/deploy/rest/RestSubmissionClient.js';
import { HistoryServer } from '../../src/history/HistoryServer.js';
import { withCluster } from '../helpers/jobs.js';
import { waitFor } from '../helpers/events.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

test('the dispatcher\'s History link opens the driver\'s application on the history server', async () => {
  await withCluster({ agents: 1, resources: 'cpus:4;mem:4096' }, async (c) => {
    const logDir = mkdtempSync(join(tmpdir(), 'dispatcher-history-'));
    const history = new HistoryServer(new SparkConf({ 'spark.history.fs.logDirectory': logDir, 'spark.history.ui.port': '0', 'spark.history.fs.update.interval': '100ms' }));
    await history.start('127.0.0.1');
    const historyUrl = `http://127.0.0.1:${history.address!.port}`;
    const dispatcher = new MesosClusterDispatcher({ host: '127.0.0.1', port: 0, webUiPort: 0, master: c.masterUrl },
      new SparkConf({ 'spark.deploy.recoveryDirectory': mkdtempSync(join(tmpdir(), 'dispatcher-state-')), 'spark.app.name': 'Spark Cluster', 'spark.mesos.dispatcher.historyServer.url': historyUrl }));
    await dispatcher.start();
    try {
      const rest = new RestSubmissionClient(`mesos://127.0.0.1:${dispatcher.rest!.address!.port}`);
      const reply = (await rest.createSubmission({
        appResource: `file://${root}test/fixtures/slow-sum.ts`, mainClass: '', appArgs: ['4', '10'], environmentVariables: {},
        sparkProperties: {
          'spark.app.name': 'summed', 'spark.driver.memory': '256m', 'spark.executor.memory': '256m', 'spark.cores.max': '1', 'spark.driver.host': '127.0.0.1',
          'spark.ui.port': '0', 'spark.eventLog.enabled': 'true', 'spark.eventLog.dir': logDir,
        },
      })) as { submissionId: string };
      const id = reply.submissionId;
      await waitFor(() => dispatcher.scheduler!.find(id)?.state === 'FINISHED', 120_000, 'the driver finished');
      const page = await (await fetch(`http://127.0.0.1:${dispatcher.ui!.address!.port}/`)).text();
      const href = new RegExp(`href="(${historyUrl}/history/[^"]+)"`).exec(page)?.[1];
      assert.ok(href, 'a History link');
      const frameworkId = href.slice(`${historyUrl}/history/`.length);
      assert.match(frameworkId, new RegExp(`-${id}$`), 'the driver\'s framework id is the dispatcher\'s plus the submission id');
      await waitFor(async () => (await fetch(`${historyUrl}/api/v1/applications/${frameworkId}`)).status === 200, 30_000, 'the application listed');
      const opened = await fetch(href);
      assert.equal(opened.status, 200);
      assert.match(opened.url, new RegExp(`/history/${frameworkId}/jobs/$`));
      assert.match(await opened.text(), /summed application UI/);
      const app = (await (await fetch(`${historyUrl}/api/v1/applications/${frameworkId}`)).json()) as { name: string; attempts: { completed: boolean }[] };
      assert.equal(app.name, 'summed');
      assert.equal(app.attempts[0]!.completed, true);
      const execs = (await (await fetch(`${historyUrl}/api/v1/applications/${frameworkId}/allexecutors`)).json()) as { id: string; totalTasks: number; executorLogs: Record<string, string> }[];
      const exec = execs.find((x) => x.id !== 'driver')!;
      assert.equal(exec.totalTasks, 4, 'the Mesos executor ran the four tasks');
      // Its log links lead to its sandbox through the agent's /files endpoint.
      const stdout = new URL(exec.executorLogs.stdout!);
      assert.equal(stdout.pathname, '/files/download');
      assert.match(stdout.searchParams.get('path')!, new RegExp(`/frameworks/${frameworkId}/executors/[^/]+/runs/[^/]+/stdout$`));
      const read = await fetch(`${stdout.origin}/files/read?path=${encodeURIComponent(stdout.searchParams.get('path')!)}&offset=0`);
      assert.equal(read.status, 200, 'the agent has that file');
    } finally {
      await dispatcher.stop();
      await history.stop();
    }
  });
});
