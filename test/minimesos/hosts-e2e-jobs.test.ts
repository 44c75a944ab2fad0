/**
 * End-to-end jobs on `mini-cluster --hosts` (root, Linux): master, agents and driver each on a simulated host of
 * their own, and no spark.driver.host anywhere. The fine-grained backend; dynamic allocation with the external
 * shuffle service on every agent host, binding and advertising that host's address by the address rule.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HostsCluster } from '../../src/minimesos/hosts/HostsCluster.js';
import { cliCommand } from '../../src/minimesos/AgentProcess.js';
import { hostsSkip, namespacesOf, removeStaleClusters } from '../helpers/hosts.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const skip = hostsSkip();
if (!skip) removeStaleClusters();
const name = `t${process.pid}`;
const job = (cluster: HostsCluster, args: string[]) =>
  cluster.run('driver', [process.execPath, '--import', 'tsx', 'test/fixtures/hosts-e2e-job.ts', cluster.masterUrl, ...args], { cwd: root, env: { SPARK_MESOS_LOG_LEVEL: 'warn' } });
const result = (out: string) => JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, unknown>;

test('fine-grained: each task a Mesos task on the agent hosts, reaching the driver on its own host', { skip, timeout: 120_000 }, async () => {
  const cluster = new HostsCluster({ name, agents: 2, resources: 'cpus:2;mem:2048' });
  try {
    await cluster.start();
    const r = await job(cluster, ['fine']);
    assert.equal(r.code, 0, r.err.slice(-3000));
    const got = result(r.out);
    assert.equal(got.hostname, 'driver');
    assert.equal(got.ok, true, 'the shuffle\'s sums are right');
    const agentIps = cluster.agents.map((a) => a.opts.host);
    const taskHosts = got.taskHosts as string[];
    assert.ok(taskHosts.length > 0 && taskHosts.every((h) => agentIps.includes(h)), `tasks ran on agent hosts: ${taskHosts.join(', ')}`);
  } finally {
    await cluster.stop();
  }
  assert.deepEqual(namespacesOf(name), []);
});

test('dynamic allocation with a shuffle service on every agent host: executors grow, are released when idle, and their shuffle output is served from the agent hosts', { skip, timeout: 180_000 }, async () => {
  const cluster = new HostsCluster({ name, agents: 2, resources: 'cpus:2;mem:2048' });
  // One directory on the one file system these hosts share; each service serves what its host's executors wrote.
  const dir = mkdtempSync(join(tmpdir(), 'hosts-ess-'));
  try {
    await cluster.start();
    const { command, args } = cliCommand();
    const services = await Promise.all(cluster.agents.map((a) => new Promise<string>((resolve, reject) => {
      // No --host and no SPARK_LOCAL_IP: the service binds what this host's name resolves to.
      const p = cluster.exec(a.opts.hostname!, [command, ...args, 'shuffle-service', '--port', '7337', '--dir', dir], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { SPARK_MESOS_LOG_LEVEL: 'warn' } });
      let out = '';
      p.stdout!.on('data', (c) => {
        out += c;
        const m = /shuffle service listening on (\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      p.stderr!.on('data', (c) => (out += c));
      p.once('exit', (code) => reject(new Error(`shuffle service on ${a.opts.hostname} exited (${code}): ${out}`)));
    })));
    assert.deepEqual(services, cluster.agents.map((a) => `${a.opts.host}:7337`), 'each service binds its own host\'s address');
    const r = await job(cluster, ['dynamic', dir]);
    assert.equal(r.code, 0, r.err.slice(-3000));
    const got = result(r.out);
    assert.equal(got.hostname, 'driver');
    assert.equal(got.before, 0, 'no executors before there is work');
    assert.equal(got.first, true);
    assert.ok((got.peak as number) >= 3, `executors grew under the backlog (peak ${String(got.peak)})`);
    assert.deepEqual(got.executorHosts, cluster.agents.map((a) => a.opts.hostname).sort(), 'executors on both agent hosts, by their names');
    assert.equal(got.afterIdle, 0, 'idle executors released');
    assert.equal(got.again, true, 'the shuffle output outlived its executors');
    assert.equal(got.stagesRun, 1, 'only the reduce stage ran again');
  } finally {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(namespacesOf(name), []);
});
