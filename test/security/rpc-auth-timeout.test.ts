/**
 * `spark.network.auth.rpcTimeout` reaches executors' block servers (not only the driver's endpoint), and cannot be 0,
 * which would close every connection before it could authenticate.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkConf } from '../../src/conf/SparkConf.js';
import * as config from '../../src/conf/catalog.js';
import { TaskThreads } from '../../src/executor/TaskThreads.js';
import { AUTH_TIMEOUT_ENV, authTimeoutFromEnv } from '../../src/executor/cryptoEnv.js';
import { executorEnvironment } from '../../src/cluster/mesos/executorTask.js';

test('spark.network.auth.rpcTimeout must be positive: 0 and sub-second values are refused naming the key', () => {
  for (const v of ['0', '0s', '500ms', '-1']) {
    assert.throws(() => new SparkConf({ 'spark.network.auth.rpcTimeout': v }).get(config.NETWORK_AUTH_RPC_TIMEOUT), /spark\.network\.auth\.rpcTimeout should be at least 1/, v);
  }
  assert.equal(new SparkConf({ 'spark.network.auth.rpcTimeout': '1s' }).get(config.NETWORK_AUTH_RPC_TIMEOUT), 1);
  assert.equal(new SparkConf({}).get(config.NETWORK_AUTH_RPC_TIMEOUT), 30);
});

test('executors are told the handshake timeout; unset or junk falls back to the documented 30 s', () => {
  assert.equal(authTimeoutFromEnv({}), 30_000);
  assert.equal(authTimeoutFromEnv({ [AUTH_TIMEOUT_ENV]: '0' }), 30_000);
  assert.equal(authTimeoutFromEnv({ [AUTH_TIMEOUT_ENV]: 'x' }), 30_000);
  assert.equal(authTimeoutFromEnv({ [AUTH_TIMEOUT_ENV]: '45000' }), 45_000);
  const conf = new SparkConf({ 'spark.network.auth.rpcTimeout': '45s' });
  const env = executorEnvironment(conf, { appId: 'app', taskId: '1', user: 'u', authSecret: 's' });
  assert.deepEqual(env.variables!.find((v) => v.name === AUTH_TIMEOUT_ENV), { name: AUTH_TIMEOUT_ENV, value: '45000' });
});

test("an executor's block server closes a connection that does not authenticate within the configured timeout", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'auth-timeout-'));
  const threads = await TaskThreads.open(
    { executorId: '1', appId: 'app', hostname: '127.0.0.1', threads: 1, grow: false, onEnd: () => undefined },
    { SPARK_AUTHENTICATE_SECRET: 's', SPARK_LOCAL_DIRS: dir, [AUTH_TIMEOUT_ENV]: '300' },
  );
  try {
    const s = net.connect({ host: '127.0.0.1', port: threads.blockPort });
    s.on('error', () => undefined);
    s.resume();
    const started = Date.now();
    // Silent after connecting: the block server must hang up after ~300 ms (the old fixed default was 10 s).
    await Promise.race([
      new Promise<void>((r) => s.once('close', () => r())),
      new Promise((_, rej) => setTimeout(() => rej(new Error('the block server kept an unauthenticated connection open')), 5_000)),
    ]);
    assert.ok(Date.now() - started >= 250, `closed after ${Date.now() - started} ms, before the timeout`);
    s.destroy();
  } finally {
    await threads.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
