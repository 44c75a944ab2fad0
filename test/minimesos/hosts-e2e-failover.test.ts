/**
 * Master failover on `mini-cluster --hosts` (root, Linux): ZooKeeper on a host of its own, two masters on theirs,
 * agents finding the leader through ZooKeeper, and a coarse-grained driver on its own host given the zk:// URL (no
 * spark.driver.host). The leading master's process is killed; the second is elected, the agents re-register, the
 * framework re-subscribes with its id, and the application's next jobs run on its executors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { HostsCluster } from '../../src/minimesos/hosts/HostsCluster.js';
import { fetchJsonOn, hostsSkip, namespacesOf, removeStaleClusters, startZooKeeperOn } from '../helpers/hosts.js';
import { waitFor } from '../helpers/events.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const skip = hostsSkip();
if (!skip) removeStaleClusters();
const name = `t${process.pid}`;

interface State { leader: string; slaves: { hostname: string }[]; frameworks: { id: string; name: string; active: boolean }[] }

test('several masters: hosts master, master2, ...; they need a ZooKeeper host among the extra hosts', () => {
  const c = new HostsCluster({ name: 'p1', masters: 2, agents: 1, zkHost: 'zk', extraHosts: ['zk'], workDir: '/nonexistent' });
  assert.deepEqual(c.network.plan.hosts.map((h) => h.name), ['master', 'master2', 'agent1', 'zk']);
  assert.equal(c.masterUrl, 'mesos://zk://10.77.0.5:2181/mesos');
  assert.equal(c.masterAddressOf('master2'), '10.77.0.3:5050');
  assert.throws(() => new HostsCluster({ masters: 2 }), /several masters need zkHost/);
  assert.throws(() => new HostsCluster({ zkHost: 'zk' }), /zkHost 'zk' should be one of extraHosts/);
});

test('master failover through ZooKeeper on its own host: the leader is killed, the framework continues on the new one', { skip, timeout: 180_000 }, async () => {
  const cluster = new HostsCluster({ name, agents: 2, masters: 2, zkHost: 'zk', extraHosts: ['zk', 'driver'], resources: 'cpus:1;mem:2048' });
  try {
    cluster.createHosts();
    await startZooKeeperOn(cluster, 'zk');
    await cluster.startMesos();
    assert.match(cluster.masterUrl, /^mesos:\/\/zk:\/\/10\.77\.0\.[0-9]+:2181\/mesos$/);
    const [first, second] = [cluster.masterAddressOf('master'), cluster.masterAddressOf('master2')];
    // A master that is not leading redirects /state to the leader: while the dead leader is still the leader in
    // ZooKeeper, that fetch fails (and counts as "not yet").
    const state = (address: string) => fetchJsonOn<State>(cluster, 'driver', `http://${address}/master/state`);
    const stateOrNot = (address: string) => state(address).catch(() => undefined);
    assert.equal((await state(second)).leader, `master@${first}`, 'the first master started leads');

    const driver = cluster.exec('driver', [process.execPath, '--import', 'tsx', 'test/fixtures/hosts-e2e-job.ts', cluster.masterUrl, 'failover'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'], env: { SPARK_MESOS_LOG_LEVEL: 'warn' } });
    let out = '';
    let err = '';
    driver.stdout!.on('data', (c) => (out += c));
    driver.stderr!.on('data', (c) => (err += c));
    const exited = new Promise<number | null>((r) => driver.once('exit', (code) => r(code)));
    await waitFor(() => out.includes('"phase":"ready"') || driver.exitCode !== null, 60_000, 'the first job');
    assert.ok(driver.exitCode === null, err.slice(-3000));
    const ready = JSON.parse(out.split('\n')[0]!) as { applicationId: string; first: boolean };
    assert.equal(ready.first, true);

    await cluster.masters[0]!.kill();
    try {
      await waitFor(async () => (await stateOrNot(second))?.leader === `master@${second}`, 30_000, 'the second master elected');
    } catch (e) {
      throw new Error(`${(e as Error).message}; second master's output: ${cluster.masters[1]!.output.slice(-3000)}`);
    }
    await waitFor(async () => {
      const s = await stateOrNot(second);
      return s !== undefined && s.slaves.length === 2 && s.frameworks.some((f) => f.id === ready.applicationId && f.active);
    }, 30_000, 'agents re-registered and the framework re-subscribed with its id');

    driver.stdin!.end('go\n');
    assert.equal(await exited, 0, err.slice(-3000));
    const done = JSON.parse(out.trim().split('\n').at(-1)!) as { hostname: string; applicationId: string; again: boolean; more: number[]; executors: number };
    assert.equal(done.hostname, 'driver');
    assert.equal(done.applicationId, ready.applicationId);
    assert.equal(done.again, true, 'a shuffle job after the failover');
    assert.deepEqual(done.more, [2, 4, 6, 8]);
    assert.equal(done.executors, 2, 'on the executors it had');
  } finally {
    await cluster.stop();
  }
  assert.deepEqual(namespacesOf(name), []);
});
