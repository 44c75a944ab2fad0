/**
 * The driver's registration with external shuffle services: `spark.shuffle.registration.maxAttempts`, and
 * registering again with a service that restarted (a real `shuffle-service` process, killed and started again), so
 * the new service knows the application and still cleans its files when the driver stops.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkConf, MesosExternalBlockStoreClient } from '../../src/index.js';
import { REGISTRATION_RETRY_WAIT_MS } from '../../src/shuffle/MesosExternalBlockStoreClient.js';
import { executorCommand } from '../../src/scheduler/cluster/executorCommand.js';
import { freePort } from '../helpers/zookeeper.js';
import { waitFor } from '../helpers/events.js';

/** Starts `spark-mesos shuffle-service` and resolves once it listens. */
async function startService(port: number, dir: string): Promise<ChildProcess> {
  const { command, args } = executorCommand();
  const p = spawn(command, [...args.slice(0, -1), 'shuffle-service', '--host', '127.0.0.1', '--port', String(port), '--dir', dir, '--conf', 'spark.shuffle.cleaner.interval=1'], {
    env: { ...process.env, SPARK_MESOS_LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'ignore'],
  });
  let out = '';
  p.stdout!.on('data', (c) => (out += c));
  await waitFor(() => out.includes('listening'), 15_000, 'shuffle service startup');
  return p;
}

function kill(p: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((r) => {
    p.once('exit', () => r());
    p.kill(signal);
  });
}

test('the client takes its registration policy from the configuration', () => {
  assert.deepEqual(MesosExternalBlockStoreClient.fromConf(new SparkConf(), 'a', undefined).policy, { maxAttempts: 3, retryWaitMs: REGISTRATION_RETRY_WAIT_MS });
  assert.deepEqual(MesosExternalBlockStoreClient.fromConf(new SparkConf({ 'spark.shuffle.registration.maxAttempts': '7' }), 'a', undefined).policy.maxAttempts, 7);
  assert.throws(() => MesosExternalBlockStoreClient.fromConf(new SparkConf({ 'spark.shuffle.registration.maxAttempts': '0' }), 'a', undefined), /spark\.shuffle\.registration\.maxAttempts should be at least 1/);
});

test('registration is tried maxAttempts times: a service that starts late is still registered with', async () => {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'ess-late-'));
  const once = new MesosExternalBlockStoreClient('app-once', undefined, false, 1000, { maxAttempts: 1, retryWaitMs: 300 });
  await assert.rejects(once.registerDriverWithShuffleService('127.0.0.1', port, 10_000, 500), /Unable to register with the external shuffle service/);
  const client = new MesosExternalBlockStoreClient('app-late', undefined, false, 1000, { maxAttempts: 60, retryWaitMs: 300 });
  const registered = client.registerDriverWithShuffleService('127.0.0.1', port, 10_000, 500);
  await new Promise((r) => setTimeout(r, 700));
  const service = await startService(port, dir);
  try {
    await registered;
    assert.deepEqual(client.registeredServices, [`127.0.0.1:${port}`]);
    assert.ok(existsSync(join(dir, 'app-late')), 'the service knows the application');
    const few = new MesosExternalBlockStoreClient('app-few', undefined, false, 1000, { maxAttempts: 2, retryWaitMs: 100 });
    await assert.rejects(few.registerDriverWithShuffleService('127.0.0.1', await freePort(), 10_000, 500), /gave up after 2 attempts/);
  } finally {
    client.close();
    await kill(service, 'SIGTERM');
  }
});

test('after the shuffle service restarts, the driver registers again and the new service still cleans up after it', async () => {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'ess-restart-'));
  let service = await startService(port, dir);
  const client = new MesosExternalBlockStoreClient('app-restart', undefined, false, 1000, { maxAttempts: 30, retryWaitMs: 300 });
  try {
    await client.registerDriverWithShuffleService('127.0.0.1', port, 1500, 200);
    writeFileSync(join(dir, 'app-restart', 'shuffle_0_0.data'), 'bytes');
    // A crash: the service forgets every application.
    await kill(service, 'SIGKILL');
    await waitFor(() => client.registeredServices.length === 0, 10_000, 'the client saw the connection drop');
    service = await startService(port, dir);
    await waitFor(() => client.registeredServices.length === 1, 20_000, 're-registered with the restarted service');
    await new Promise((r) => setTimeout(r, 3000)); // past the heartbeat timeout and several cleaner runs
    assert.ok(existsSync(join(dir, 'app-restart', 'shuffle_0_0.data')), 'heartbeats to the new service keep the files');
    client.close();
    await waitFor(() => !existsSync(join(dir, 'app-restart')), 10_000, 'the restarted service removes the files once the driver stops');
  } finally {
    client.close();
    await kill(service, 'SIGTERM');
  }
});
