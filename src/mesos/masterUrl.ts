import { IllegalArgumentException } from '../util/errors.js';

/** Where the leading Mesos master is found: a fixed address, or a ZooKeeper group. */
export type MasterLocation =
  | { kind: 'standalone'; host: string; port: number }
  | { kind: 'zookeeper'; servers: string; path: string; auth?: { user: string; password: string } };

/**
 * Parses a master string: `mesos://host:port`, `host:port`, `master@host:port`, `mesos://zk://h1:2181,h2:2181/path`
 * or `zk://user:pass@h1:2181/path`. A `mesos://` prefix is Spark's and is stripped first.
 */
export function parseMasterUrl(master: string): MasterLocation {
  const raw = master.trim();
  let s = raw.startsWith('mesos://') ? raw.slice('mesos://'.length) : raw;
  if (s.startsWith('zk://')) {
    s = s.slice('zk://'.length);
    const slash = s.indexOf('/');
    if (slash < 0) throw new IllegalArgumentException(`Invalid Mesos master '${master}': a ZooKeeper URL needs a path, as in zk://host:2181/mesos`);
    let hosts = s.slice(0, slash);
    const path = s.slice(slash).replace(/\/+$/, '');
    if (path === '') throw new IllegalArgumentException(`Invalid Mesos master '${master}': expecting a (chroot) path after the ZooKeeper servers`);
    let auth: { user: string; password: string } | undefined;
    const at = hosts.lastIndexOf('@');
    if (at >= 0) {
      const cred = hosts.slice(0, at);
      hosts = hosts.slice(at + 1);
      const colon = cred.indexOf(':');
      if (colon < 0) throw new IllegalArgumentException(`Invalid Mesos master '${master}': ZooKeeper credentials should be user:password`);
      auth = { user: cred.slice(0, colon), password: cred.slice(colon + 1) };
    }
    if (hosts === '' || hosts.split(',').some((h) => !/^[^:,\s]+:[0-9]+$/.test(h))) {
      throw new IllegalArgumentException(`Invalid Mesos master '${master}': ZooKeeper servers should be host:port[,host:port...]`);
    }
    return auth ? { kind: 'zookeeper', servers: hosts, path, auth } : { kind: 'zookeeper', servers: hosts, path };
  }
  if (s.startsWith('master@')) s = s.slice('master@'.length);
  const m = /^([^:/\s]+|\[[0-9a-fA-F:]+\]):([0-9]{1,5})\/?$/.exec(s);
  if (!m || Number(m[2]) > 65535) {
    throw new IllegalArgumentException(`Invalid Mesos master '${master}': expected mesos://host:port or mesos://zk://host:port[,host:port]/path`);
  }
  return { kind: 'standalone', host: m[1]!, port: Number(m[2]) };
}

/** Decodes MasterInfo.ip: the raw in-memory IPv4 `s_addr`, little-endian. */
export function ipFromPacked(ip: number): string {
  return [ip & 255, (ip >>> 8) & 255, (ip >>> 16) & 255, ip >>> 24].join('.');
}

/** Encodes an IPv4 address as MasterInfo.ip does. */
export function packIp(ip: string): number {
  const p = ip.split('.').map(Number);
  return ((p[3]! << 24) >>> 0) + (p[2]! << 16) + (p[1]! << 8) + p[0]!;
}
