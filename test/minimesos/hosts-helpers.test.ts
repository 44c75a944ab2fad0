/**
 * The `--hosts` test helpers clean up after themselves and after killed runs: namespaces of clusters whose creating
 * process is gone (tests' `t<pid>`/`c<pid>`, bench/mesos's default `mm<pid>z<hex>`), and ZooKeeper's temp dir.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { HostsCluster } from '../../src/minimesos/hosts/HostsCluster.js';
import { clusterOwner, hostsSkip, namespacesOf, removeStaleClusters, startZooKeeperOn } from '../helpers/hosts.js';

const skip = hostsSkip();

test('clusterOwner: the cluster and creating pid of a namespace, for the names tests and HostsCluster give', () => {
  const cases: [string, { cluster: string; pid: number } | undefined][] = [
    ['minimesos-t123-master', { cluster: 't123', pid: 123 }],
    ['minimesos-c45-agent1 (id: 3)', { cluster: 'c45', pid: 45 }],
    ['minimesos-mm678z0f-switch', { cluster: 'mm678z0f', pid: 678 }],
    ['minimesos-mmab12cd-master', undefined],
    ['minimesos-p1-master', undefined],
    ['other-t1-master', undefined],
  ];
  for (const [ns, want] of cases) assert.deepEqual(clusterOwner(ns), want, ns);
  // HostsCluster's default name carries its creator's pid.
  const ns = new HostsCluster({ agents: 1, workDir: '/nonexistent' }).network.plan.hosts[0]!.ns;
  assert.equal(clusterOwner(ns)?.pid, process.pid, ns);
});

async function deadPid(): Promise<number> {
  const p = spawn('true');
  await new Promise((r) => p.once('exit', r));
  return p.pid!;
}

test('removeStaleClusters: an mm<pid>z… cluster whose process is gone is removed, a live one is kept', { skip }, async () => {
  const dead = `mm${await deadPid()}z0a`;
  const live = `mm${process.pid}z0b`;
  for (const c of [dead, live]) execFileSync('ip', ['netns', 'add', `minimesos-${c}-master`]);
  try {
    removeStaleClusters();
    assert.deepEqual(namespacesOf(dead), []);
    assert.deepEqual(namespacesOf(live), [`minimesos-${live}-master`]);
  } finally {
    for (const c of [dead, live]) for (const n of namespacesOf(c)) execFileSync('ip', ['netns', 'del', n.split(' ')[0]!]);
  }
});

const zkSkip = skip || (existsSync('/usr/share/java/zookeeper.jar') ? false : 'ZooKeeper is not installed');

test('startZooKeeperOn: its temp dir is removed when the cluster stops', { skip: zkSkip, timeout: 120_000 }, async () => {
  const before = new Set(readdirSync(tmpdir()).filter((n) => n.startsWith('zk-host-')));
  const cluster = new HostsCluster({ name: `z${process.pid}`.slice(0, 12), agents: 0, extraHosts: ['zk'] });
  let mine: string[] = [];
  try {
    cluster.createHosts();
    await startZooKeeperOn(cluster, 'zk');
    mine = readdirSync(tmpdir()).filter((n) => n.startsWith('zk-host-') && !before.has(n));
    assert.equal(mine.length, 1);
  } finally {
    await cluster.stop();
  }
  assert.deepEqual(mine.filter((n) => existsSync(`${tmpdir()}/${n}`)), []);
});
