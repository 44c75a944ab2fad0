/**
 * Helpers for tests on `mini-cluster --hosts` clusters: why they skip, removal of clusters a killed run left behind,
 * ZooKeeper on a host of its own, JSON fetched from inside the cluster (its addresses are reachable from its hosts only).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HostsCluster } from '../../src/minimesos/hosts/HostsCluster.js';
import { hostsUnsupported, removeLeftoverNamespaces } from '../../src/minimesos/hosts/HostNetwork.js';
import { alive } from './process.js';
import { ZOOKEEPER_CLASSPATH } from './zookeeper.js';

/** The skip reason of a `--hosts` test (not root, no `ip netns`, not Linux), or false. */
export function hostsSkip(): string | false {
  return hostsUnsupported() ?? false;
}

/**
 * The cluster a namespace belongs to and the pid that made it, for the names tests and `HostsCluster`'s default give:
 * `t<pid>`/`c<pid>` (tests), `mm<pid>z<hex>` (bench/mesos and `mini-cluster --hosts` without `--cluster-name`).
 */
export function clusterOwner(namespace: string): { cluster: string; pid: number } | undefined {
  const m = /^minimesos-([tc]([0-9]+)|mm([0-9]+)z[0-9a-f]+)-[a-z0-9]+$/.exec(namespace.split(' ')[0] ?? '');
  return m ? { cluster: m[1]!, pid: Number(m[2] ?? m[3]) } : undefined;
}

/** Namespaces of clusters whose creating process is gone (a killed run cannot clean up after itself). */
export function removeStaleClusters(): void {
  const lines = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n');
  const stale = new Set(lines.map(clusterOwner).filter((o) => o && !alive(o.pid)).map((o) => o!.cluster));
  for (const c of stale) removeLeftoverNamespaces(c);
}

/** The cluster's namespaces still present (none after `stop()`). */
export function namespacesOf(cluster: string): string[] {
  return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith(`minimesos-${cluster}-`));
}

/** GETs a URL from a host of the cluster and parses the JSON. */
export async function fetchJsonOn<T = unknown>(cluster: HostsCluster, host: string, url: string): Promise<T> {
  const r = await cluster.run(host, [process.execPath, '-e', `fetch(${JSON.stringify(url)}).then((r) => r.text()).then((t) => process.stdout.write(t), (e) => { console.error(String(e)); process.exit(1); })`]);
  if (r.code !== 0) throw new Error(`GET ${url} from ${host} failed: ${r.err}`);
  return JSON.parse(r.out) as T;
}

/**
 * A real ZooKeeper on `host`, listening on that host's address, port 2181 (where `HostsCluster` with `zkHost` looks). Resolves
 * with its connect string once it answers `ruok` from the host itself; `HostsCluster.stop()` kills it.
 */
export async function startZooKeeperOn(cluster: HostsCluster, host: string): Promise<string> {
  if (!existsSync('/usr/share/java/zookeeper.jar')) throw new Error('ZooKeeper is not installed: run scripts/install-system-deps.sh');
  const ip = cluster.network.host(host).ip;
  const dir = mkdtempSync(join(tmpdir(), 'zk-host-'));
  mkdirSync(join(dir, 'data'));
  writeFileSync(join(dir, 'zoo.cfg'), `tickTime=500\nminSessionTimeout=1000\ndataDir=${dir}/data\nclientPort=2181\nclientPortAddress=${ip}\nadmin.enableServer=false\n4lw.commands.whitelist=ruok\n`);
  const zk = cluster.exec(host, ['java', '-Dzookeeper.jmx.log4j.disable=true', '-cp', ZOOKEEPER_CLASSPATH, 'org.apache.zookeeper.server.quorum.QuorumPeerMain', join(dir, 'zoo.cfg')], { stdio: 'ignore' });
  // Its data and config go with it (`HostsCluster.stop()` kills it and waits for this exit).
  zk.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const ruok = `const s = require('net').connect(2181, ${JSON.stringify(ip)}); let r = ''; s.on('connect', () => s.write('ruok')); s.on('data', (d) => (r += d)); s.on('close', () => process.exit(r === 'imok' ? 0 : 1)); s.on('error', () => process.exit(1)); setTimeout(() => process.exit(1), 1000);`;
  const deadline = Date.now() + 30_000;
  while ((await cluster.run(host, [process.execPath, '-e', ruok])).code !== 0) {
    if (Date.now() > deadline || zk.exitCode !== null) throw new Error(`ZooKeeper did not start on ${host}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return `${ip}:2181`;
}
