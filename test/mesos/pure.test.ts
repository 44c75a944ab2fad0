import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMasterUrl, ipFromPacked, packIp } from '../../src/mesos/masterUrl.js';
import { backoffDelay } from '../../src/mesos/backoff.js';
import { pickLeader, endpointFromZnode } from '../../src/mesos/client/detector.js';
import { redirectTarget } from '../../src/mesos/client/http.js';
import { Calls, Operations } from '../../src/mesos/calls.js';
import { decode, SchedulerCall } from '../../src/mesos/index.js';

test('parseMasterUrl: every form', () => {
  const cases: [string, unknown][] = [
    ['mesos://host:5050', { kind: 'standalone', host: 'host', port: 5050 }],
    ['host:5050', { kind: 'standalone', host: 'host', port: 5050 }],
    ['master@10.0.0.1:5050', { kind: 'standalone', host: '10.0.0.1', port: 5050 }],
    ['mesos://zk://h1:2181,h2:2181/mesos', { kind: 'zookeeper', servers: 'h1:2181,h2:2181', path: '/mesos' }],
    ['zk://h1:2181/mesos/', { kind: 'zookeeper', servers: 'h1:2181', path: '/mesos' }],
    ['zk://user:pa:ss@h1:2181,h2:2181/a/b', { kind: 'zookeeper', servers: 'h1:2181,h2:2181', path: '/a/b', auth: { user: 'user', password: 'pa:ss' } }],
  ];
  for (const [input, want] of cases) assert.deepEqual(parseMasterUrl(input), want, input);
  const bad: [string, RegExp][] = [
    ['mesos://host', /expected mesos:\/\/host:port/],
    ['mesos://host:99999', /expected/],
    ['zk://h1:2181', /needs a path/],
    ['zk://h1:2181/', /expecting a \(chroot\) path/],
    ['zk://h1/mesos', /servers should be host:port/],
    ['zk://nouser@h1:2181/m', /credentials should be user:password/],
  ];
  for (const [input, re] of bad) assert.throws(() => parseMasterUrl(input), (e: Error) => re.test(e.message) && e.message.includes(input), input);
});

test('MasterInfo.ip packing', () => {
  assert.equal(ipFromPacked(16777226), '10.0.0.1');
  assert.equal(ipFromPacked(16777343), '127.0.0.1');
  assert.equal(packIp('127.0.0.1'), 16777343);
  assert.equal(packIp('10.0.0.1'), 16777226);
});

test('backoff doubles up to the cap, with jitter in the upper half', () => {
  const p = { initialMs: 100, maxMs: 1000 };
  assert.deepEqual([0, 1, 2, 3, 4, 10].map((a) => backoffDelay(a, p, 1)), [100, 200, 400, 800, 1000, 1000]);
  assert.deepEqual([0, 1, 2].map((a) => backoffDelay(a, p, 0)), [50, 100, 200]);
});

test('leader election: lowest sequence wins, whatever the label; non-members ignored', () => {
  assert.deepEqual(pickLeader(['json.info_0000000043', 'log_replicas', 'json.info_0000000041', 'info_0000000042']), { name: 'json.info_0000000041', label: 'json.info' });
  assert.deepEqual(pickLeader(['0000000007', 'json.info_0000000009']), { name: '0000000007', label: undefined });
  assert.equal(pickLeader(['log_replicas']), undefined);
  assert.deepEqual(endpointFromZnode('json.info', Buffer.from('{"id":"x","ip":16777226,"port":5050,"address":{"hostname":"m1","ip":"10.0.0.1","port":5050}}')), { host: '10.0.0.1', port: 5050 });
  assert.deepEqual(endpointFromZnode('json.info', Buffer.from('{"id":"x","ip":16777343,"port":5051}')), { host: '127.0.0.1', port: 5051 });
  assert.deepEqual(endpointFromZnode(undefined, Buffer.from('master@10.1.2.3:5050')), { host: '10.1.2.3', port: 5050 });
  assert.equal(endpointFromZnode('info', Buffer.from([1, 2, 3])), undefined);
});

test('307 Location is protocol-relative', () => {
  assert.deepEqual(redirectTarget('//m2:5051/api/v1/scheduler', { host: 'm1', port: 5050 }), { host: 'm2', port: 5051 });
  assert.deepEqual(redirectTarget('http://m3:5052/api/v1/scheduler', { host: 'm1', port: 5050 }), { host: 'm3', port: 5052 });
  assert.equal(redirectTarget(undefined, { host: 'm1', port: 5050 }), undefined);
});

test('call builders produce valid wire calls', () => {
  const withFid = (c: object) => ({ ...c, framework_id: { value: 'F' } });
  const calls = [
    Calls.subscribe({ user: 'u', name: 'n' }),
    Calls.teardown(),
    Calls.accept(['o1'], [Operations.launch([{ name: 't', task_id: { value: 't' }, agent_id: { value: 'a' }, command: { value: 'true' } }])], 5),
    Calls.decline(['o1', { value: 'o2' }], 120),
    Calls.revive(['r']),
    Calls.revive(),
    Calls.suppress(),
    Calls.kill('t', 'a', { grace_period: { nanoseconds: 1e9 } }),
    Calls.shutdown('e', 'a'),
    Calls.acknowledge({ agent_id: { value: 'a' }, task_id: { value: 't' }, uuid: 'AAECAwQFRgeICQoLDA0ODw==' }),
    Calls.reconcile(),
    Calls.reconcile([{ task_id: { value: 't' } }]),
    Calls.message('a', 'e', 'hi'),
    Calls.request([]),
    Calls.updateFramework({ user: 'u', name: 'n', id: { value: 'F' } }),
  ];
  for (const c of calls) assert.doesNotThrow(() => decode(SchedulerCall, withFid(c), 'call'), JSON.stringify(c));
  assert.deepEqual(Calls.decline(['o1'], 120), { type: 'DECLINE', decline: { offer_ids: [{ value: 'o1' }], filters: { refuse_seconds: 120 } } });
  assert.deepEqual(Calls.reconcile(), { type: 'RECONCILE', reconcile: {} });
  assert.deepEqual(Calls.revive(), { type: 'REVIVE' });
  assert.equal((Calls.message('a', 'e', 'hi') as { message: { data: string } }).message.data, 'aGk=');
  assert.throws(() => Calls.acknowledge({ task_id: { value: 't' } }), /only status updates with a uuid/);
});
