/**
 * Which address a process advertises and binds, as Spark decides it (`Utils.localHostName`,
 * `findLocalInetAddress`, `spark.driver.host`, `spark.driver.bindAddress`): pure functions of the configuration,
 * the environment and facts about this host, plus `hostFacts()` that reads those facts.
 */
import { readFileSync } from 'node:fs';
import { hostname as osHostname, networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import type { SparkConf } from './SparkConf.js';
import * as config from './catalog.js';

export interface HostFacts {
  /** This host's name (`os.hostname()`). */
  hostname: string;
  /** What the host name resolves to through `/etc/hosts` (undefined when it is not listed there). */
  hostnameAddress: string | undefined;
  /** Network interfaces, in the order the OS lists them. */
  interfaces: Record<string, NetworkInterfaceInfo[] | undefined>;
}

/** The environment the rule reads (`SPARK_LOCAL_HOSTNAME`, `SPARK_LOCAL_IP`). */
export type HostEnv = Readonly<Record<string, string | undefined>>;

export function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address === 'localhost';
}

function isLinkLocal(i: NetworkInterfaceInfo): boolean {
  return i.family === 'IPv4' ? i.address.startsWith('169.254.') : /^fe[89ab]/i.test(i.address);
}

/**
 * A non-loopback address of this host, as Spark scans for one: interfaces in reverse order (as Spark does on
 * Unix), the first with a usable address, preferring its IPv4 address.
 */
export function nonLoopbackAddress(interfaces: HostFacts['interfaces']): string | undefined {
  for (const name of Object.keys(interfaces).reverse()) {
    const usable = (interfaces[name] ?? []).filter((i) => !i.internal && !isLoopback(i.address) && !isLinkLocal(i));
    if (usable.length > 0) return (usable.find((i) => i.family === 'IPv4') ?? usable[0]!).address;
  }
  return undefined;
}

/**
 * The name or address this host is known by (Spark's `Utils.localHostName`): `SPARK_LOCAL_HOSTNAME`, else
 * `SPARK_LOCAL_IP`, else the address the host name resolves to; when that is a loopback address (or the name does
 * not resolve), a non-loopback address of an interface, as Spark warns "Your hostname ... resolves to a loopback
 * address". Loopback only when the host has nothing else.
 */
export function localHostName(env: HostEnv, facts: HostFacts): string {
  if (env.SPARK_LOCAL_HOSTNAME) return env.SPARK_LOCAL_HOSTNAME;
  if (env.SPARK_LOCAL_IP) return env.SPARK_LOCAL_IP;
  const resolved = facts.hostnameAddress;
  if (resolved !== undefined && !isLoopback(resolved)) return resolved;
  return nonLoopbackAddress(facts.interfaces) ?? resolved ?? '127.0.0.1';
}

/** The address executors reach the driver at: `spark.driver.host`, else this host's (`localHostName`). */
export function driverHost(conf: SparkConf, env: HostEnv = process.env, facts: HostFacts = hostFacts()): string {
  return conf.get(config.DRIVER_HOST) ?? localHostName(env, facts);
}

/** The address the driver's servers bind: `spark.driver.bindAddress`, else the driver host. */
export function driverBindAddress(conf: SparkConf, env: HostEnv = process.env, facts: HostFacts = hostFacts()): string {
  return conf.get(config.DRIVER_BIND_ADDRESS) ?? driverHost(conf, env, facts);
}

/** The address `hostname` has in a hosts file's text (first match, names compared case-insensitively). */
export function addressInHostsFile(text: string, hostname: string): string | undefined {
  const want = hostname.toLowerCase();
  for (const raw of text.split('\n')) {
    const fields = raw.replace(/#.*/, '').trim().split(/\s+/);
    if (fields.length >= 2 && fields.slice(1).some((n) => n.toLowerCase() === want)) return fields[0];
  }
  return undefined;
}

/** Reads this host's facts: its name, `/etc/hosts` (a network namespace may have its own), its interfaces. */
export function hostFacts(): HostFacts {
  const hostname = osHostname();
  let hosts = '';
  try {
    hosts = readFileSync('/etc/hosts', 'utf8');
  } catch {
    /* no hosts file: the name does not resolve here */
  }
  return { hostname, hostnameAddress: addressInHostsFile(hosts, hostname), interfaces: networkInterfaces() };
}
