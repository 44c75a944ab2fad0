import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SchedulerClient } from '../../src/mesos/client/SchedulerClient.js';
import { Calls, Operations } from '../../src/mesos/calls.js';
import { isType, nextEvent, waitFor } from '../helpers/events.js';
import { freePort } from '../helpers/zookeeper.js';
import { alive } from '../helpers/process.js';

const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

function cli(args: string[]) {
  return spawn(process.execPath, ['--import', 'tsx', main, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SPARK_MESOS_LOG_LEVEL: 'warn' } });
}

test('spark-mesos mini-cluster prints the master URL, serves frameworks, and stops every task on SIGTERM', async () => {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'mc-'));
  const creds = join(dir, 'creds.json');
  writeFileSync(creds, JSON.stringify({ credentials: [{ principal: 'p', secret: 's' }] }));
  const proc = cli(['mini-cluster', '--port', String(port), '--agents', '2', '--resources', 'cpus:2;mem:512;gpus:0', '--attributes', 'os:centos7;zone:a', '--work-dir', join(dir, 'work'), '--credentials', creds]);
  let out = '';
  proc.stdout.on('data', (c) => (out += c));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  try {
    await waitFor(() => out.includes('mini-mesos master at'), 20_000, 'startup line');
    assert.match(out, new RegExp(`mini-mesos master at mesos://127\\.0\\.0\\.1:${port} \\(http://127\\.0\\.0\\.1:${port}\\), 2 agent\\(s\\)`));
    const state = (await (await fetch(`http://127.0.0.1:${port}/master/state`)).json()) as { slaves: { attributes: Record<string, unknown>; resources: Record<string, unknown> }[]; flags: Record<string, string> };
    assert.equal(state.slaves.length, 2);
    assert.deepEqual(state.slaves[0]!.attributes, { os: 'centos7', zone: 'a' });
    assert.equal(state.slaves[0]!.resources.cpus, 2);
    assert.equal(state.flags.authenticate_http_frameworks, 'true');
    const client = new SchedulerClient({ master: `mesos://127.0.0.1:${port}`, frameworkInfo: { user: 'u', name: 'cli', failover_timeout: 3600 }, credentials: { principal: 'p', secret: 's' } }).start();
    const events = client.events();
    const offer = (await nextEvent(events, isType('OFFERS'))).offers.offers![0]!;
    await client.call(Calls.accept([offer.id], [Operations.launch([{ name: 's', task_id: { value: 's' }, agent_id: offer.agent_id, resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }], command: { value: 'echo $$ > pid; exec sleep 300' } }])]));
    const running = await nextEvent(events, (e) => e.type === 'UPDATE' && e.update.status.state === 'TASK_RUNNING', 15_000, async (e) => {
      if (e.type === 'UPDATE' && e.update.status.uuid) await client.call(Calls.acknowledge(e.update.status));
    });
    const pid = running.type === 'UPDATE' ? running.update.status.container_status?.executor_pid : undefined;
    assert.ok(pid && alive(pid));
    await client.close();
    proc.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.match(out, /mini-mesos stopped/);
    await waitFor(() => !alive(pid), 5000, 'task process stopped');
  } finally {
    if (proc.exitCode === null) proc.kill('SIGKILL');
  }
});

test('bad mini-cluster arguments are refused with a message naming them', async () => {
  for (const [args, re] of [
    [['--agents', 'many'], /--agents should be a whole number/],
    [['--resources', 'cpus:lots'], /--resources cpus: expected a non-negative number/],
    [['--bogus'], /unknown option '--bogus'/],
  ] as const) {
    const proc = cli(['mini-cluster', ...args]);
    let err = '';
    proc.stderr.on('data', (c) => (err += c));
    const code = await new Promise<number | null>((r) => proc.once('exit', (c) => r(c)));
    assert.equal(code, 1, args.join(' '));
    assert.match(err, re);
  }
});

test('mini-cluster --role master and --role agent run separately; the agent registers over HTTP', async () => {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'mc-role-'));
  const master = cli(['mini-cluster', '--role', 'master', '--port', String(port)]);
  let mout = '';
  master.stdout.on('data', (c) => (mout += c));
  const agent = cli(['mini-cluster', '--role', 'agent', '--master', `127.0.0.1:${port}`, '--hostname', 'agent-a', '--resources', 'cpus:3;mem:256', '--work-dir', join(dir, 'a')]);
  let aout = '';
  agent.stdout.on('data', (c) => (aout += c));
  try {
    await waitFor(() => mout.includes(`mini-mesos master at http://127.0.0.1:${port}`), 20_000, 'master startup line');
    await waitFor(() => /mini-mesos agent \S+-S0 at http:\/\/127\.0\.0\.1:[0-9]+ registered/.test(aout), 20_000, 'agent registered line');
    const state = (await (await fetch(`http://127.0.0.1:${port}/master/state`)).json()) as { slaves: { hostname: string; resources: Record<string, unknown> }[] };
    assert.equal(state.slaves.length, 1);
    assert.equal(state.slaves[0]!.hostname, 'agent-a');
    assert.equal(state.slaves[0]!.resources.cpus, 3);
  } finally {
    for (const p of [agent, master]) {
      const exited = new Promise((r) => p.once('exit', r));
      if (p.exitCode === null) p.kill('SIGTERM');
      await exited;
    }
  }
});

test('mini-cluster --role agent without a master says how to name one', async () => {
  const proc = cli(['mini-cluster', '--role', 'agent', '--work-dir', '/tmp/x']);
  let err = '';
  proc.stderr.on('data', (c) => (err += c));
  const code = await new Promise<number | null>((r) => proc.once('exit', (c) => r(c)));
  assert.equal(code, 1);
  assert.match(err, /--role agent needs --master host:port or --zk/);
});
