/**
 * Between winning the leader election and finishing scheduler.start() (recovery, Mesos registration), the REST API
 * answers 503 with Retry-After: a moment's wait, not a failed submission (200 success=false) nor a 400/500.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SparkConf } from '../../src/index.js';
import { MesosClusterScheduler } from '../../src/deploy/mesos/MesosClusterScheduler.js';
import { BlackHolePersistenceEngine } from '../../src/deploy/persistence/PersistenceEngine.js';
import { RestSubmissionServer } from '../../src/deploy/rest/RestSubmissionServer.js';

test('REST of a dispatcher whose scheduler is not ready yet: 503 with Retry-After for create, status and kill', async () => {
  // Not started: the state a freshly elected leader is in until scheduler.start() returns.
  const scheduler = new MesosClusterScheduler(new SparkConf({ 'spark.app.name': 'not-ready' }), '127.0.0.1:1', new BlackHolePersistenceEngine());
  const rest = new RestSubmissionServer({ host: '127.0.0.1', port: 0 }, scheduler);
  await rest.start();
  try {
    const base = `http://127.0.0.1:${rest.address!.port}/v1/submissions`;
    const body = JSON.stringify({ action: 'CreateSubmissionRequest', clientSparkVersion: '3.5.1', appResource: 'http://repo.example/job.ts', mainClass: '', appArgs: [], sparkProperties: { 'spark.app.name': 'x' }, environmentVariables: {} });
    for (const [path, init] of [['create', { method: 'POST', body, headers: { 'Content-Type': 'application/json' } }], ['status/driver-1', {}], ['kill/driver-1', { method: 'POST' }]] as const) {
      const res = await fetch(`${base}/${path}`, init);
      assert.equal(res.status, 503, path);
      assert.equal(res.headers.get('retry-after'), '1', path);
      const r = (await res.json()) as { action: string; message: string };
      assert.equal(r.action, 'ErrorResponse');
      assert.match(r.message, /not ready to take requests yet .*try again in a few seconds/);
    }
  } finally {
    await rest.stop();
  }
});
