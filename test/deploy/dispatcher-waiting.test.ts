/**
 * Explainable waiting, dispatcher side: a queued driver's REST status (and UI) names why it waits, from the offers
 * the dispatcher saw, counted by reason.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MiniCluster, SparkConf } from '../../src/index.js';
import { MesosClusterScheduler } from '../../src/deploy/mesos/MesosClusterScheduler.js';
import { BlackHolePersistenceEngine } from '../../src/deploy/persistence/PersistenceEngine.js';
import { parseAttributesSpec, parseResourcesSpec } from '../../src/minimesos/specs.js';
import { waitFor } from '../helpers/events.js';

test('a queued driver\'s status says which offers it saw and why each cannot run it', async () => {
  // One agent in the right zone but too small, one big enough in the wrong zone.
  const c = await new MiniCluster({ agents: 1, resources: 'cpus:2;mem:4096', attributes: 'zone:a', master: { allocationIntervalMs: 50 } }).start();
  await c.addAgent(parseResourcesSpec('cpus:8;mem:8192'), parseAttributesSpec('zone:b'));
  const scheduler = new MesosClusterScheduler(new SparkConf(), c.masterUrl.slice('mesos://'.length), new BlackHolePersistenceEngine());
  try {
    await scheduler.start();
    const r = await scheduler.submit({
      action: 'CreateSubmissionRequest', clientSparkVersion: '3.5.1', appResource: 'file:///a.ts', mainClass: '', appArgs: [], environmentVariables: {},
      sparkProperties: { 'spark.app.name': 'picky', 'spark.driver.cores': '4', 'spark.mesos.driver.constraints': 'zone:a' },
    });
    assert.ok(r.success, r.message);
    const id = r.submissionId!;
    const want = 'waiting: needs 4 cpus / 1408 MiB; 2 offers declined: 1 below 4 cpus, 1 failing constraint zone:a; largest offer seen: 2 cpus / 4096 MiB';
    await waitFor(async () => (await scheduler.status(id)).message === want, 30_000, 'the status naming both reasons');
    assert.deepEqual(await scheduler.status(id), { success: true, driverState: 'QUEUED', message: want });
  } finally {
    await scheduler.stop();
    await c.stop();
  }
});
