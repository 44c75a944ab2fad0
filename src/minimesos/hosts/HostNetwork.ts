/**
 * Builds and removes the network of a `plan.ts` plan (namespaces, bridge, veths, `/etc/netns/<ns>/hosts`), runs
 * commands on its hosts, and cuts or restores a host's link. Setup that fails half-way is undone.
 */
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getLogger } from '../../util/logging.js';
import { execOnHost, hostsFile, linkCommand, NETNS_PREFIX, setupCommands, teardownCommands, type HostsPlan, type SimHost } from './plan.js';

const log = getLogger('minimesos.hosts');
const NETNS_ETC = '/etc/netns';

/** Why simulated hosts cannot be made here, or undefined when they can. */
export function hostsUnsupported(): string | undefined {
  if (process.platform !== 'linux') return 'simulated hosts (--hosts) need Linux network namespaces';
  if (process.getuid?.() !== 0) return 'simulated hosts (--hosts) need root (network namespaces, veth links and a bridge); run mini-cluster without --hosts for a single-host cluster';
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'pipe' });
  } catch (err) {
    return `simulated hosts (--hosts) need iproute2's 'ip netns': ${(err as Error).message.split('\n')[0]}`;
  }
  return undefined;
}

function ip(args: string[]): void {
  execFileSync('ip', args, { stdio: 'pipe' });
}

export class HostNetwork {
  private built = false;

  constructor(readonly plan: HostsPlan) {}

  host(name: string): SimHost {
    const h = this.plan.hosts.find((x) => x.name === name);
    if (!h) throw new Error(`no host '${name}' in cluster ${this.plan.cluster} (hosts: ${this.plan.hosts.map((x) => x.name).join(', ')})`);
    return h;
  }

  /** Creates namespaces, bridge, links and hosts files; on any failure removes what was made and rethrows. */
  create(): void {
    const why = hostsUnsupported();
    if (why) throw new Error(why);
    this.built = true;
    try {
      for (const args of setupCommands(this.plan)) {
        try {
          ip(args);
        } catch (err) {
          throw new Error(`ip ${args.join(' ')} failed: ${((err as { stderr?: Buffer }).stderr?.toString() ?? (err as Error).message).trim()}`);
        }
      }
      const hosts = hostsFile(this.plan);
      for (const h of this.plan.hosts) {
        mkdirSync(join(NETNS_ETC, h.ns), { recursive: true });
        writeFileSync(join(NETNS_ETC, h.ns, 'hosts'), hosts);
      }
    } catch (err) {
      this.remove();
      throw err;
    }
    log.info({ cluster: this.plan.cluster, hosts: this.plan.hosts.map((h) => `${h.name}=${h.ip}`) }, 'simulated hosts created');
  }

  /** Removes everything (tolerates what was never made). Processes on the hosts should be stopped first. */
  remove(): void {
    if (!this.built) return;
    this.built = false;
    for (const args of teardownCommands(this.plan)) {
      try {
        ip(args);
      } catch {
        /* never made, or already gone */
      }
    }
    for (const h of this.plan.hosts) rmSync(join(NETNS_ETC, h.ns), { recursive: true, force: true });
  }

  /** The argv that runs `argv` on a host. */
  wrap(host: string, argv: readonly string[] = []): string[] {
    const h = this.host(host);
    return execOnHost(h.ns, h.name, argv);
  }

  /** Starts `argv` on a host. */
  spawn(host: string, argv: readonly string[], opts: SpawnOptions = {}): ChildProcess {
    const full = this.wrap(host, argv);
    return spawn(full[0]!, full.slice(1), opts);
  }

  /** Cuts a host's link (packets are dropped, as with a pulled cable: no connection sees a reset). */
  cutLink(host: string): void {
    ip(linkCommand(this.plan, host, false));
  }

  restoreLink(host: string): void {
    ip(linkCommand(this.plan, host, true));
  }
}

/** Namespaces (and hosts files) of mini-Mesos clusters left behind, e.g. by a killed supervisor; removes them. */
export function removeLeftoverNamespaces(cluster?: string): string[] {
  const prefix = cluster === undefined ? NETNS_PREFIX : `${NETNS_PREFIX}${cluster}-`;
  let names: string[] = [];
  try {
    names = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').map((l) => l.split(' ')[0]!).filter((n) => n.startsWith(prefix));
  } catch {
    return [];
  }
  for (const n of names) {
    try {
      ip(['netns', 'del', n]);
    } catch {
      /* already gone */
    }
  }
  try {
    for (const d of readdirSync(NETNS_ETC)) if (d.startsWith(prefix)) rmSync(join(NETNS_ETC, d), { recursive: true, force: true });
  } catch {
    /* no /etc/netns */
  }
  return names;
}
