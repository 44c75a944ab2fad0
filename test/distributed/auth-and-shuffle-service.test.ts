import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkConf, SparkContext, ExternalShuffleService, MesosExternalBlockStoreClient } from '../../src/index.js';
import type { LocalClusterBackend } from '../../src/scheduler/cluster/LocalClusterBackend.js';
import { executorCommand } from '../../src/scheduler/cluster/executorCommand.js';
import { Connection } from '../../src/rpc/Connection.js';
import { freePort } from '../helpers/zookeeper.js';
import { waitFor } from '../helpers/events.js';

/** Starts an executor process by hand against a driver, with the given secret; resolves with its exit code. */
function rogueExecutor(driverUrl: string, id: string, secret: string | undefined): Promise<number | null> {
  const { command, args } = executorCommand();
  const env: NodeJS.ProcessEnv = { ...process.env, SPARK_MESOS_LOG_LEVEL: 'silent' };
  delete env.NODE_TEST_CONTEXT;
  if (secret) env.SPARK_AUTHENTICATE_SECRET = secret;
  else delete env.SPARK_AUTHENTICATE_SECRET;
  const p = spawn(command, [...args, '--driver-url', driverUrl, '--executor-id', id, '--hostname', '127.0.0.1', '--cores', '1', '--app-id', 'x'], { env, stdio: 'ignore' });
  return new Promise((resolve) => p.on('exit', (code) => resolve(code)));
}

test('spark.authenticate: executors with the secret run tasks; one with a wrong or no secret is refused', async () => {
  const sc = new SparkContext(new SparkConf().setMaster('local-cluster[2,1,512]').setAppName('auth').set('spark.authenticate', 'true').set('spark.authenticate.secret', 'correct horse battery'));
  try {
    await sc.ready();
    assert.equal(await sc.parallelize([1, 2, 3, 4], 2).map((x) => x * x).sum(), 30, 'authenticated executors run tasks');
    const backend = sc.schedulerBackend as LocalClusterBackend;
    const driver = backend.driver;
    const refusedBefore = driver.refused;
    assert.equal(await rogueExecutor(driver.url, 'test-wrong', 'wrong secret'), 1, 'the wrong-secret executor exits refused');
    assert.equal(await rogueExecutor(driver.url, 'test-none', undefined), 1, 'an executor without a secret is refused too');
    assert.equal(driver.refused, refusedBefore + 2);
    assert.deepEqual([...driver.executors.keys()].sort(), ['0', '1'], 'no refused executor was registered');
    assert.equal(await sc.parallelize([1, 2, 3], 3).count(), 3);
  } finally {
    await sc.stop();
  }
});

test('the shuffle service deletes an application\'s files after missed heartbeats, and not before', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ess-clean-'));
  const port = await freePort();
  const service = new ExternalShuffleService({ host: '127.0.0.1', port, dir, secret: 's3', cleanerIntervalMs: 100 });
  await service.start();
  try {
    const appDir = join(dir, 'app-1');
    mkdirSync(appDir, { recursive: true });
    writeFileSync(join(appDir, 'shuffle_0_0.data'), 'bytes');
    await assert.rejects(new MesosExternalBlockStoreClient('app-1', 'wrong', true, 2000).registerDriverWithShuffleService('127.0.0.1', port, 600, 100), /Unable to register .*authentication failed/);
    const client = new MesosExternalBlockStoreClient('app-1', 's3', true, 2000);
    await client.registerDriverWithShuffleService('127.0.0.1', port, 600, 100);
    assert.deepEqual(client.registeredServices, [`127.0.0.1:${port}`]);
    // Another connection cannot heartbeat for, or take over, app-1.
    const other = await Connection.connect('127.0.0.1', port, 's3', 'intruder');
    const refused = new Promise<string>((r) => other.on('message', (m) => m.t === 'error' && r(String(m.message))));
    other.send({ t: 'registerDriver', appId: 'app-1', heartbeatTimeoutMs: 1 });
    assert.match(await refused, /registered by another driver/);
    other.close();
    await new Promise((r) => setTimeout(r, 1500)); // well past the timeout, with heartbeats flowing
    assert.ok(existsSync(join(appDir, 'shuffle_0_0.data')), 'kept while heartbeats go on');
    const stoppedAt = Date.now();
    client.close();
    await waitFor(() => !existsSync(appDir), 5000, 'files removed');
    assert.ok(Date.now() - stoppedAt >= 500, 'not removed before the timeout');
    assert.equal(service.apps.has('app-1'), false);
  } finally {
    await service.stop();
  }
});

test('the shuffle-service command serves and stops on SIGTERM', async () => {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'ess-cli-'));
  const { command, args } = executorCommand();
  const cliArgs = args.slice(0, -1);
  const p = spawn(command, [...cliArgs, 'shuffle-service', '--host', '127.0.0.1', '--port', String(port), '--dir', dir], { env: { ...process.env, SPARK_MESOS_LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  p.stdout.on('data', (c) => (out += c));
  const exited = new Promise<number | null>((r) => p.on('exit', (c) => r(c)));
  try {
    await waitFor(() => out.includes('listening'), 15_000, 'startup');
    assert.match(out, new RegExp(`shuffle service listening on 127\\.0\\.0\\.1:${port}`));
    const client = new MesosExternalBlockStoreClient('app-cli', undefined, false, 2000);
    await client.registerDriverWithShuffleService('127.0.0.1', port, 10_000, 1000);
    assert.ok(existsSync(join(dir, 'app-cli')));
    client.close();
  } finally {
    p.kill('SIGTERM');
  }
  assert.equal(await exited, 0);
});
