/**
 * The simulated hosts of `mini-cluster --hosts`, as pure data: one network namespace per host, with its own
 * address in a private /24 on a bridge that lives in a namespace of its own (nothing is added to the namespace the
 * cluster is started from), each host's `/etc/hosts`, and the `ip` commands that build and remove it all.
 */

/** Every namespace of a cluster is named `minimesos-<cluster>-<host>`, so leftovers are easy to find. */
export const NETNS_PREFIX = 'minimesos-';
const SWITCH = 'switch';

export interface SimHost {
  name: string;
  /** Network namespace. */
  ns: string;
  ip: string;
  /** The bridge-side end of the host's veth pair (in the switch namespace). */
  port: string;
}

export interface HostsPlan {
  cluster: string;
  switchNs: string;
  bridge: string;
  prefixLength: number;
  hosts: SimHost[];
}

export function namespaceOf(cluster: string, host: string): string {
  return `${NETNS_PREFIX}${cluster}-${host}`;
}

/** Hosts in order get .2, .3, ... of `subnet` (a /24 given as its first three octets). */
export function planHosts(cluster: string, names: readonly string[], subnet = '10.77.0'): HostsPlan {
  if (!/^[a-z0-9]{1,12}$/.test(cluster)) throw new Error(`cluster name '${cluster}' should be 1 to 12 lower-case letters or digits`);
  if (!/^(10|172|192)\.[0-9]{1,3}\.[0-9]{1,3}$/.test(subnet)) throw new Error(`subnet '${subnet}' should be the first three octets of a private /24, e.g. 10.77.0`);
  if (names.length === 0 || names.length > 250) throw new Error(`between 1 and 250 hosts, not ${names.length}`);
  const seen = new Set<string>();
  for (const n of names) {
    // The bridge-side interface is `v-<name>`, and interface names have at most 15 characters.
    if (!/^[a-z][a-z0-9-]{0,12}$/.test(n) || n === SWITCH) throw new Error(`host name '${n}' should start with a letter and have at most 13 lower-case letters, digits or '-' (and not be '${SWITCH}')`);
    if (seen.has(n)) throw new Error(`host name '${n}' appears twice`);
    seen.add(n);
  }
  return {
    cluster,
    switchNs: namespaceOf(cluster, SWITCH),
    bridge: 'br0',
    prefixLength: 24,
    hosts: names.map((name, i) => ({ name, ns: namespaceOf(cluster, name), ip: `${subnet}.${i + 2}`, port: `v-${name}` })),
  };
}

/** Each host's `/etc/hosts`: loopback for `localhost`, every host of the cluster by name. */
export function hostsFile(plan: HostsPlan): string {
  return ['127.0.0.1 localhost', '::1 localhost', ...plan.hosts.map((h) => `${h.ip} ${h.name}`)].join('\n') + '\n';
}

/** `ip` invocations (argv after `ip`) that build the network, in order. */
export function setupCommands(plan: HostsPlan): string[][] {
  const sw = plan.switchNs;
  const out: string[][] = [['netns', 'add', sw]];
  for (const h of plan.hosts) out.push(['netns', 'add', h.ns]);
  out.push(['-n', sw, 'link', 'add', plan.bridge, 'type', 'bridge'], ['-n', sw, 'link', 'set', plan.bridge, 'up'], ['-n', sw, 'link', 'set', 'lo', 'up']);
  for (const h of plan.hosts) {
    // Created inside the switch namespace with its peer moved straight into the host: never in the caller's namespace.
    out.push(
      ['-n', sw, 'link', 'add', h.port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', h.ns],
      ['-n', sw, 'link', 'set', h.port, 'master', plan.bridge],
      ['-n', sw, 'link', 'set', h.port, 'up'],
      ['-n', h.ns, 'link', 'set', 'lo', 'up'],
      ['-n', h.ns, 'addr', 'add', `${h.ip}/${plan.prefixLength}`, 'dev', 'eth0'],
      ['-n', h.ns, 'link', 'set', 'eth0', 'up'],
    );
  }
  return out;
}

/** `ip` invocations that remove everything (each may fail when setup stopped half-way; that is fine). */
export function teardownCommands(plan: HostsPlan): string[][] {
  // Deleting a namespace deletes the interfaces in it, and a veth goes with either end.
  return [...plan.hosts.map((h) => ['netns', 'del', h.ns]), ['netns', 'del', plan.switchNs]];
}

/** Cuts (or restores) a host's link to the bridge, as pulling its cable would. */
export function linkCommand(plan: HostsPlan, host: string, up: boolean): string[] {
  const h = plan.hosts.find((x) => x.name === host);
  if (!h) throw new Error(`no host '${host}' in cluster ${plan.cluster} (hosts: ${plan.hosts.map((x) => x.name).join(', ')})`);
  return ['-n', plan.switchNs, 'link', 'set', h.port, up ? 'up' : 'down'];
}

/**
 * argv that runs `argv` on `host`: in its network namespace (where `ip netns exec` also puts its `/etc/hosts`)
 * and a UTS namespace of its own with the host's name.
 */
export function execOnHost(ns: string, hostname: string, argv: readonly string[]): string[] {
  return ['ip', 'netns', 'exec', ns, 'unshare', '--uts', '/bin/sh', '-c', 'hostname "$0" && exec "$@"', hostname, ...argv];
}
