import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NetworkInterfaceInfo } from 'node:os';
import { SparkConf } from '../../src/conf/SparkConf.js';
import { addressInHostsFile, driverBindAddress, driverHost, localHostName, nonLoopbackAddress, type HostFacts } from '../../src/conf/hostAddress.js';

const iface = (address: string, family: 'IPv4' | 'IPv6' = 'IPv4', internal = false) =>
  ({ address, family, internal, netmask: '', mac: '', cidr: null, ...(family === 'IPv6' ? { scopeid: 0 } : {}) }) as NetworkInterfaceInfo;
const lo = { lo: [iface('127.0.0.1', 'IPv4', true), iface('::1', 'IPv6', true)] };
const facts = (hostnameAddress: string | undefined, interfaces: HostFacts['interfaces'] = { ...lo, eth0: [iface('fe80::1', 'IPv6'), iface('10.0.0.5')] }): HostFacts =>
  ({ hostname: 'box', hostnameAddress, interfaces });

test('localHostName follows Spark: SPARK_LOCAL_HOSTNAME, SPARK_LOCAL_IP, the resolved name, else a non-loopback interface', () => {
  const cases: [string, Record<string, string>, HostFacts, string][] = [
    ['SPARK_LOCAL_HOSTNAME wins', { SPARK_LOCAL_HOSTNAME: 'driver-host', SPARK_LOCAL_IP: '10.9.9.9' }, facts('10.1.1.1'), 'driver-host'],
    ['SPARK_LOCAL_IP next', { SPARK_LOCAL_IP: '10.9.9.9' }, facts('10.1.1.1'), '10.9.9.9'],
    ['SPARK_LOCAL_IP may be loopback', { SPARK_LOCAL_IP: '127.0.0.1' }, facts('10.1.1.1'), '127.0.0.1'],
    ['the host name resolves to a non-loopback address', {}, facts('10.1.1.1'), '10.1.1.1'],
    ['the host name resolves to loopback: an interface address instead', {}, facts('127.0.1.1'), '10.0.0.5'],
    ['the host name does not resolve: an interface address', {}, facts(undefined), '10.0.0.5'],
    ['only loopback exists: the resolved loopback address', {}, facts('127.0.1.1', lo), '127.0.1.1'],
    ['nothing at all: 127.0.0.1', {}, facts(undefined, lo), '127.0.0.1'],
  ];
  for (const [why, env, f, want] of cases) assert.equal(localHostName(env, f), want, why);
});

test('the interface scan goes in reverse order, skips link-local addresses and prefers IPv4 within an interface', () => {
  assert.equal(nonLoopbackAddress({ ...lo, eth0: [iface('10.0.0.5')], eth1: [iface('fd00::7', 'IPv6'), iface('192.168.1.9')] }), '192.168.1.9');
  assert.equal(nonLoopbackAddress({ ...lo, eth0: [iface('10.0.0.5')], eth1: [iface('169.254.3.3'), iface('fe80::2', 'IPv6')] }), '10.0.0.5');
  assert.equal(nonLoopbackAddress({ ...lo, eth0: [iface('fd00::7', 'IPv6')] }), 'fd00::7');
  assert.equal(nonLoopbackAddress(lo), undefined);
});

test('spark.driver.host and spark.driver.bindAddress: the first wins over the environment, the second defaults to the first', () => {
  const cases: [string, Record<string, string>, Record<string, string>, string, string][] = [
    ['nothing set, name resolves to loopback', {}, {}, '10.0.0.5', '10.0.0.5'],
    ['SPARK_LOCAL_IP', {}, { SPARK_LOCAL_IP: '10.7.0.2' }, '10.7.0.2', '10.7.0.2'],
    ['spark.driver.host wins over the environment', { 'spark.driver.host': 'drv' }, { SPARK_LOCAL_IP: '10.7.0.2' }, 'drv', 'drv'],
    ['bindAddress binds elsewhere', { 'spark.driver.host': 'drv', 'spark.driver.bindAddress': '0.0.0.0' }, {}, 'drv', '0.0.0.0'],
    ['bindAddress alone', { 'spark.driver.bindAddress': '10.0.0.5' }, { SPARK_LOCAL_HOSTNAME: 'me' }, 'me', '10.0.0.5'],
  ];
  for (const [why, settings, env, host, bind] of cases) {
    const conf = new SparkConf({}).setAll(Object.entries(settings));
    assert.equal(driverHost(conf, env, facts('127.0.1.1')), host, why);
    assert.equal(driverBindAddress(conf, env, facts('127.0.1.1')), bind, why);
  }
});

test('/etc/hosts lookup: first line naming the host, aliases and case ignored, comments skipped', () => {
  const hosts = '# 10.0.0.1 box\n127.0.0.1 localhost\n10.0.0.2   other box.local BOX # the host\n10.0.0.3 box\n';
  assert.equal(addressInHostsFile(hosts, 'box'), '10.0.0.2');
  assert.equal(addressInHostsFile(hosts, 'other'), '10.0.0.2');
  assert.equal(addressInHostsFile(hosts, 'nobody'), undefined);
});

test('the driver endpoint and the framework follow the rule: SPARK_LOCAL_IP is advertised (not loopback), bindAddress is bound', async () => {
  const { endpointOptions } = await import('../../src/scheduler/cluster/DriverEndpoint.js');
  const { buildFrameworkInfo } = await import('../../src/cluster/mesos/FrameworkConnection.js');
  const saved = process.env.SPARK_LOCAL_IP;
  process.env.SPARK_LOCAL_IP = '127.0.0.2';
  try {
    const o = endpointOptions(new SparkConf({}), () => true);
    assert.equal(o.host, '127.0.0.2');
    assert.equal(o.bindHost, '127.0.0.2');
    const o2 = endpointOptions(new SparkConf({ 'spark.driver.host': 'drv', 'spark.driver.bindAddress': '127.0.0.3' }), () => true);
    assert.deepEqual([o2.host, o2.bindHost], ['drv', '127.0.0.3']);
  } finally {
    if (saved === undefined) delete process.env.SPARK_LOCAL_IP;
    else process.env.SPARK_LOCAL_IP = saved;
  }
  assert.equal(buildFrameworkInfo(new SparkConf({}), undefined, { SPARK_LOCAL_IP: '10.1.2.3' }).hostname, '10.1.2.3');
  assert.equal(buildFrameworkInfo(new SparkConf({}), undefined, { SPARK_LOCAL_IP: '10.1.2.3', SPARK_PUBLIC_DNS: 'pub' }).hostname, 'pub');
});
