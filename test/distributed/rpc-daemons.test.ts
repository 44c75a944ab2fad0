/**
 * The daemons' side of the wire: a real `shuffle-service` process refuses junk before authentication without
 * buffering it, validates registrations, and serves encrypted connections when asked to.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection, type Message } from '../../src/rpc/Connection.js';
import { heartbeatTimeout } from '../../src/shuffle/ExternalShuffleService.js';
import { executorCommand } from '../../src/scheduler/cluster/executorCommand.js';
import { freePort } from '../helpers/zookeeper.js';
import { waitFor } from '../helpers/events.js';

async function startService(port: number, conf: string[]): Promise<ChildProcess> {
  const { command, args } = executorCommand();
  const dir = mkdtempSync(join(tmpdir(), 'ess-hostile-'));
  const p = spawn(command, [...args.slice(0, -1), 'shuffle-service', '--host', '127.0.0.1', '--port', String(port), '--dir', dir, ...conf.flatMap((c) => ['--conf', c])], {
    env: { ...process.env, SPARK_MESOS_LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'ignore'],
  });
  let out = '';
  p.stdout!.on('data', (c) => (out += c));
  await waitFor(() => out.includes('listening'), 15_000, 'shuffle service startup');
  return p;
}

function stop(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((r) => {
    p.once('exit', () => r());
    p.kill('SIGKILL');
  });
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m![1]) / 1024;
}

/** Sends a header announcing 256 MiB and then junk as fast as the socket takes it; resolves with the bytes written before the close. */
function sendJunk(port: number, total: number): Promise<number> {
  return new Promise((resolve) => {
    let written = 0;
    const s = net.connect({ host: '127.0.0.1', port }, () => {
      const head = Buffer.alloc(4);
      head.writeUInt32BE(256 * 1024 * 1024, 0);
      s.write(head);
      const chunk = Buffer.alloc(1024 * 1024, 0x5a);
      const pump = () => {
        while (written < total && !s.destroyed) {
          written += chunk.length;
          if (!s.write(chunk)) return void s.once('drain', pump);
        }
        s.end();
      };
      pump();
    });
    s.resume();
    s.on('error', () => undefined);
    s.on('close', () => resolve(written));
  });
}

test('a shuffle service with spark.authenticate closes a 256 MiB pre-authentication frame at once and does not grow', async () => {
  const port = await freePort();
  const p = await startService(port, ['spark.authenticate=true', 'spark.authenticate.secret=s3']);
  try {
    const before = rssMiB(p.pid!);
    const written = await sendJunk(port, 256 * 1024 * 1024);
    assert.ok(written < 64 * 1024 * 1024, `the service read ${written} bytes before closing`);
    const after = rssMiB(p.pid!);
    assert.ok(after - before < 32, `RSS grew by ${(after - before).toFixed(1)} MiB`);
    // Still serving honest clients.
    const c = await Connection.connect('127.0.0.1', port, 's3', 'driver-x');
    c.close();
  } finally {
    await stop(p);
  }
});

test('registrations with a zero, negative, non-finite, absurd or non-numeric heartbeat timeout are refused', async () => {
  for (const bad of [0, -1, NaN, Infinity, 1e18, '600', undefined]) assert.throws(() => heartbeatTimeout(bad), /heartbeatTimeoutMs should be a number of milliseconds/);
  assert.equal(heartbeatTimeout(120_000), 120_000);
  const port = await freePort();
  const p = await startService(port, []);
  try {
    const c = await Connection.connect('127.0.0.1', port, undefined, 'driver-x');
    const answers: Message[] = [];
    c.on('message', (m: Message) => answers.push(m));
    c.send({ t: 'registerDriver', reqId: 1, appId: 'app-bad', heartbeatTimeoutMs: 0 });
    c.send({ t: 'registerDriver', reqId: 2, appId: 'app-good', heartbeatTimeoutMs: 60_000 });
    await waitFor(() => answers.length === 2, 10_000, 'answers');
    assert.equal(answers[0]!.t, 'error');
    assert.match(String(answers[0]!.message), /heartbeatTimeoutMs/);
    assert.equal(answers[1]!.t, 'registered');
    c.close();
  } finally {
    await stop(p);
  }
});

test('spark.network.crypto.enabled on the service: clients end up encrypted without asking', async () => {
  const port = await freePort();
  const p = await startService(port, ['spark.authenticate=true', 'spark.authenticate.secret=s3', 'spark.network.crypto.enabled=true']);
  try {
    const c = await Connection.connect('127.0.0.1', port, 's3', 'driver-x');
    assert.equal(c.encrypted, true);
    const answer = new Promise<Message>((r) => c.once('message', r));
    c.send({ t: 'registerDriver', reqId: 1, appId: 'app-enc', heartbeatTimeoutMs: 60_000 });
    assert.equal((await answer).t, 'registered');
    c.close();
  } finally {
    await stop(p);
  }
});
