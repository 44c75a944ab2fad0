/**
 * `mini-cluster --hosts`: the plan as pure data, then a real cluster whose master, agents and driver each run on a
 * simulated host (network + UTS namespace on a private bridge). Every namespace, veth, bridge and hosts file the
 * test makes is removed, also on failure; nothing outside those namespaces is addressed.
 */
import { unprivilegedSkip } from '../helpers/unprivileged.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HostsCluster } from '../../src/minimesos/hosts/HostsCluster.js';
import { CliProcess } from '../../src/minimesos/AgentProcess.js';
import { removeLeftoverNamespaces } from '../../src/minimesos/hosts/HostNetwork.js';
import { hostsSkip, namespacesOf, removeStaleClusters } from '../helpers/hosts.js';
import { execOnHost, hostsFile, planHosts, setupCommands, teardownCommands } from '../../src/minimesos/hosts/plan.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const skip = hostsSkip();
if (!skip) removeStaleClusters();
const namespaces = namespacesOf;

test('the hosts plan: one namespace per host, addresses in order, every link made inside the cluster\'s namespaces', () => {
  const plan = planHosts('c1', ['master', 'agent1', 'driver']);
  assert.deepEqual(plan.hosts.map((h) => [h.name, h.ns, h.ip, h.port]), [
    ['master', 'minimesos-c1-master', '10.77.0.2', 'v-master'], ['agent1', 'minimesos-c1-agent1', '10.77.0.3', 'v-agent1'], ['driver', 'minimesos-c1-driver', '10.77.0.4', 'v-driver'],
  ]);
  assert.equal(hostsFile(plan), '127.0.0.1 localhost\n::1 localhost\n10.77.0.2 master\n10.77.0.3 agent1\n10.77.0.4 driver\n');
  for (const args of setupCommands(plan)) {
    // Every link command names a namespace of the cluster: nothing is made where the cluster was started.
    if (args[0] !== 'netns') assert.ok(args[0] === '-n' && args[1]!.startsWith('minimesos-c1-'), args.join(' '));
  }
  assert.deepEqual(teardownCommands(plan).at(-1), ['netns', 'del', 'minimesos-c1-switch']);
  assert.deepEqual(execOnHost('minimesos-c1-driver', 'driver', ['hostname']), ['ip', 'netns', 'exec', 'minimesos-c1-driver', 'unshare', '--uts', '/bin/sh', '-c', 'hostname "$0" && exec "$@"', 'driver', 'hostname']);
  assert.throws(() => planHosts('C!', ['a']), /cluster name 'C!' should be/);
  assert.throws(() => planHosts('c', ['a-very-long-hostname']), /host name 'a-very-long-hostname' should start with a letter and have at most 13/);
  assert.throws(() => planHosts('c', ['a', 'a']), /host name 'a' appears twice/);
  assert.throws(() => planHosts('c', ['a'], '8.8.8'), /subnet '8.8.8' should be/);
});

test('a coarse job with the driver on a host of its own and no spark.driver.host: executors on two agent hosts reach it', { skip, timeout: 180_000 }, async () => {
  const cluster = new HostsCluster({ name: `t${process.pid}`, agents: 2, resources: 'cpus:1;mem:2048', extraHosts: ['driver'] });
  try {
    await cluster.start();
    const who = await cluster.run('driver', ['sh', '-c', 'hostname; grep -w driver /etc/hosts']);
    assert.equal(who.out, 'driver\n10.77.0.5 driver\n', who.err);
    const state = await cluster.run('driver', [process.execPath, '-e', `fetch('http://${cluster.masterAddress}/master/state').then((r) => r.json()).then((s) => console.log(JSON.stringify(s.slaves.map((a) => [a.hostname, a.pid]))))`]);
    assert.match(state.out, /"agent1","slave\(1\)@10\.77\.0\.3:[0-9]+"/);
    assert.match(state.out, /"agent2","slave\(1\)@10\.77\.0\.4:[0-9]+"/);
    const job = await cluster.run('driver', [process.execPath, '--import', 'tsx', 'test/fixtures/hosts-coarse-job.ts', cluster.masterUrl], { cwd: root, env: { SPARK_MESOS_LOG_LEVEL: 'warn' } });
    assert.equal(job.code, 0, job.err.slice(-3000));
    const r = JSON.parse(job.out.trim().split('\n').at(-1)!) as { hostname: string; sums: Record<string, number>; executors: number; executorHosts: string[] };
    assert.equal(r.hostname, 'driver');
    assert.deepEqual(r.sums, { 0: 1683, 1: 1617, 2: 1650 });
    assert.equal(r.executors, 2);
    assert.deepEqual(r.executorHosts, ['10.77.0.3', '10.77.0.4'], 'one executor on each agent host (the shuffle crossed hosts)');
  } finally {
    await cluster.stop();
  }
  assert.deepEqual(namespaces(`t${process.pid}`), [], 'every namespace is removed');
  assert.ok(!existsSync(`/etc/netns/minimesos-t${process.pid}-driver`), 'hosts files are removed');
});

test('mini-cluster --hosts without root fails with a clear message; the single-host mode is unaffected', { skip: unprivilegedSkip(root), timeout: 120_000 }, async () => {
  // As root it would start a cluster: the message is checked through a run without root.
  const main = `${root}src/cli/main.ts`;
  let err = '';
  let code = 0;
  try {
    execFileSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, '--import', 'tsx', main, 'mini-cluster', '--hosts'], { cwd: root, stdio: 'pipe', env: { ...process.env, SPARK_MESOS_LOG_LEVEL: 'warn' } });
  } catch (e) {
    code = (e as { status: number }).status;
    err = String((e as { stderr: Buffer }).stderr);
  }
  assert.equal(code, 1);
  assert.match(err, /simulated hosts \(--hosts\) need root .*run mini-cluster without --hosts for a single-host cluster/);
  assert.deepEqual(removeLeftoverNamespaces(`t${process.pid}`), [], 'nothing was made');

  // The single-host mode needs no root: a master and an agent process started as nobody, the agent registered.
  const cluster = new CliProcess(['mini-cluster', '--port', '0', '--agents', '1', '--exit-with-parent'], /mini-mesos master at \S+ \((http:\/\/\S+)\), 1 agent\(s\)/,
    { wrap: ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups'], env: { SPARK_MESOS_LOG_LEVEL: 'warn' } });
  try {
    const m = await cluster.start(60_000);
    const state = (await (await fetch(`${m[1]}/master/state`)).json()) as { slaves: { active: boolean }[] };
    assert.deepEqual(state.slaves.map((a) => a.active), [true], cluster.output);
    const owner = Number(execFileSync('ps', ['-o', 'uid=', '-p', String(cluster.pid)], { encoding: 'utf8' }).trim());
    assert.notEqual(owner, 0, 'it ran without root');
  } finally {
    await cluster.stop();
  }
});

test('spark-mesos mini-cluster --hosts, and exec runs commands on its hosts with their exit status', { skip, timeout: 120_000 }, async () => {
  const { spawn } = await import('node:child_process');
  const name = `c${process.pid}`;
  const cli = (args: string[]) => spawn(process.execPath, ['--import', 'tsx', `${root}src/cli/main.ts`, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SPARK_MESOS_LOG_LEVEL: 'warn' } });
  const run = (args: string[]) => new Promise<{ code: number | null; out: string }>((resolve) => {
    const p = cli(args);
    let out = '';
    p.stdout.on('data', (c) => (out += c));
    p.once('exit', (code) => resolve({ code, out }));
  });
  const sup = cli(['mini-cluster', '--hosts', '--exit-with-parent', '--cluster-name', name, '--agents', '1', '--extra-hosts', 'driver,zk']);
  let out = '';
  sup.stdout.on('data', (c) => (out += c));
  const exited = new Promise((r) => sup.once('exit', r));
  try {
    const deadline = Date.now() + 60_000;
    while (!out.includes('run a command on a host')) {
      assert.ok(Date.now() < deadline && sup.exitCode === null, `supervisor did not start: ${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(out, new RegExp(`mini-mesos master at mesos://10\\.77\\.0\\.2:5050 on simulated hosts of cluster ${name} \\(master 10\\.77\\.0\\.2, agent1 10\\.77\\.0\\.3, driver 10\\.77\\.0\\.4, zk 10\\.77\\.0\\.5\\)`));
    assert.deepEqual(await run(['mini-cluster', 'exec', '--cluster', name, 'zk', '--', 'hostname']), { code: 0, out: 'zk\n' });
    assert.equal((await run(['mini-cluster', 'exec', '--cluster', name, 'driver', '--', 'sh', '-c', 'exit 3'])).code, 3);
  } finally {
    if (sup.exitCode === null) sup.kill('SIGTERM');
    await exited;
  }
  assert.match(out, /mini-mesos stopped/);
  assert.deepEqual(namespaces(name), []);
});

test('a cut link: the master marks the agent unreachable after missed pings (TASK_UNREACHABLE, FAILURE); restored, the agent re-registers and the task is RUNNING again', { skip, timeout: 120_000 }, async () => {
  const cluster = new HostsCluster({ name: `t${process.pid}`, agents: 1, resources: 'cpus:1;mem:512', extraHosts: ['fw'], masterArgs: ['--agent-ping-timeout', '300ms', '--max-agent-ping-timeouts', '3'] });
  try {
    await cluster.start();
    const fw = cluster.exec('fw', [process.execPath, '--import', 'tsx', 'test/fixtures/hosts-watch-task.ts', cluster.masterAddress], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { SPARK_MESOS_LOG_LEVEL: 'warn' } });
    const seen: { type: string; update?: { status: { state: string; reason?: string; message?: string; agent_id?: { value: string } } }; failure?: unknown }[] = [];
    let buf = '';
    fw.stdout!.on('data', (c: Buffer) => {
      buf += c.toString();
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        seen.push(JSON.parse(buf.slice(0, i)));
        buf = buf.slice(i + 1);
      }
    });
    const until = async (what: string, pred: (e: (typeof seen)[number]) => boolean, ms = 30_000) => {
      const deadline = Date.now() + ms;
      while (!seen.some(pred)) {
        assert.ok(Date.now() < deadline, `timed out waiting for ${what}; seen: ${JSON.stringify(seen)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return seen.find(pred)!;
    };
    const running = await until('TASK_RUNNING', (e) => e.update?.status.state === 'TASK_RUNNING');
    const agentId = running.update!.status.agent_id!.value;
    cluster.cutLink('agent1');
    const lost = await until('TASK_UNREACHABLE', (e) => e.update?.status.state === 'TASK_UNREACHABLE');
    assert.equal(lost.update!.status.reason, 'REASON_AGENT_REMOVED');
    assert.equal(lost.update!.status.message, 'health check timed out');
    await until('FAILURE', (e) => e.type === 'FAILURE');
    cluster.restoreLink('agent1');
    const back = await until('re-registration', (e) => e.update?.status.reason === 'REASON_AGENT_REREGISTERED');
    assert.equal(back.update!.status.state, 'TASK_RUNNING');
    assert.equal(back.update!.status.agent_id!.value, agentId);
    fw.kill('SIGTERM');
  } finally {
    await cluster.stop();
  }
  assert.deepEqual(namespaces(`t${process.pid}`), []);
});
