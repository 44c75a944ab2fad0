/**
 * Two Mesos clusters, dispatchers on one machine: the default FILESYSTEM store is per master and framework name, so
 * a dispatcher of the second cluster does not pick up the first one's drivers or framework id; pointed explicitly
 * at the first one's store it refuses to start, unless spark.mesos.dispatcher.recovery.allowMasterChange is set.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MiniCluster } from '../../src/index.js';
import { RestSubmissionClient } from '../../src/deploy/rest/RestSubmissionClient.js';
import { defaultRecoveryDirectory } from '../../src/deploy/persistence/storeIdentity.js';
import { startDispatcher } from '../helpers/dispatcher.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const frameworkOf = (stderr: string) => /web UI at \S+, framework (\S+)/.exec(stderr)?.[1];
type Reply = { success?: boolean; submissionId?: string; driverState?: string };

test('the default recovery store is per Mesos master; another master\'s store is refused unless allowed', async () => {
  const cluster = () => new MiniCluster({ agents: 1, resources: 'cpus:1;mem:2048', master: { allocationIntervalMs: 50 } }).start();
  const [c1, c2] = [await cluster(), await cluster()];
  const home = mkdtempSync(join(tmpdir(), 'dispatcher-home-'));
  try {
    // Cluster 1's dispatcher, default store: a driver no agent fits stays queued in it.
    const d1 = await startDispatcher(c1.masterUrl, [], 30_000, { HOME: home });
    const fw1 = frameworkOf(d1.stderr());
    const queued = (await new RestSubmissionClient(d1.restUrl).createSubmission({
      appResource: `file://${root}test/fixtures/exit-with.ts`, mainClass: '', appArgs: [], sparkProperties: { 'spark.app.name': 'big', 'spark.driver.cores': '16' }, environmentVariables: {},
    })) as Reply;
    assert.ok(queued.success);
    assert.equal(await d1.stop(), 0);
    const store1 = defaultRecoveryDirectory(join(home, '.spark-mesos', 'recovery'), { master: c1.masterUrl, frameworkName: 'Spark Cluster' });
    assert.ok(existsSync(join(store1, 'driverQueue', `${queued.submissionId}.json`)), 'the driver is in cluster 1\'s default store');
    assert.deepEqual(JSON.parse(readFileSync(join(store1, 'scheduler', 'identity.json'), 'utf8')), { master: c1.masterUrl.replace('mesos://', ''), frameworkName: 'Spark Cluster' });

    // Cluster 2's dispatcher on the same machine, default store: its own framework, none of cluster 1's drivers.
    const d2 = await startDispatcher(c2.masterUrl, [], 30_000, { HOME: home });
    try {
      assert.notEqual(frameworkOf(d2.stderr()), fw1);
      assert.equal(((await new RestSubmissionClient(d2.restUrl).requestSubmissionStatus(queued.submissionId!)) as Reply).driverState, 'NOT_FOUND');
    } finally {
      await d2.stop();
    }

    // Pointed at cluster 1's store explicitly: refused, with both masters named and the way out.
    const explicit = ['--conf', `spark.deploy.recoveryDirectory=${store1}`];
    const refused = await startDispatcher(c2.masterUrl, explicit, 30_000, { HOME: home }).then(async (d) => {
      await d.stop();
      return new Error('started');
    }, (err: Error) => err);
    assert.match(refused.message, /exited with 1/);
    assert.match(refused.message, new RegExp(`The recovery store directory ${store1} holds the state .* Mesos master '${c1.masterUrl.replace('mesos://', '')}', but this dispatcher's master is '${c2.masterUrl.replace('mesos://', '')}'`));
    assert.match(refused.message, /spark\.mesos\.dispatcher\.recovery\.allowMasterChange=true/);
    assert.equal((c2.master.state() as unknown as { frameworks: unknown[] }).frameworks.length, 1, 'the refused dispatcher never registered');

    // Told to: it recovers cluster 1's state and fails over to its framework id.
    const d3 = await startDispatcher(c2.masterUrl, [...explicit, '--conf', 'spark.mesos.dispatcher.recovery.allowMasterChange=true'], 30_000, { HOME: home });
    try {
      assert.equal(frameworkOf(d3.stderr()), fw1);
      assert.equal(((await new RestSubmissionClient(d3.restUrl).requestSubmissionStatus(queued.submissionId!)) as Reply).driverState, 'QUEUED');
      assert.match(d3.stderr(), /recovering it for master/);
    } finally {
      await d3.stop();
    }
    assert.equal(JSON.parse(readFileSync(join(store1, 'scheduler', 'identity.json'), 'utf8')).master, c2.masterUrl.replace('mesos://', ''));
  } finally {
    await c1.stop();
    await c2.stop();
  }
});
