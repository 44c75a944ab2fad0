/**
 * Conformance of the simulated master with the Mesos v1 scheduler API, driven with raw HTTP and literal JSON from
 * the Mesos reference (not with our client), so a bug shared by client and simulator cannot hide.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { MiniCluster } from '../../src/minimesos/MiniCluster.js';
import { rawPost, RawSubscription } from '../helpers/rawScheduler.js';

let cluster: MiniCluster;
let base: string;
const subs: RawSubscription[] = [];

before(async () => {
  cluster = await new MiniCluster({
    agents: 1,
    resources: 'cpus:4;mem:2048;disk:1000;ports:[31000-31099]',
    master: { allocationIntervalMs: 50, heartbeatIntervalSeconds: 1 },
    agent: { statusUpdateRetryMs: 300 },
  }).start();
  base = cluster.master.url;
});
after(async () => {
  for (const s of subs) s.close();
  await cluster.stop();
});

const SUBSCRIBE = '{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"svc-batch","name":"ts-batch-framework","failover_timeout":0,"capabilities":[{"type":"PARTITION_AWARE"}]}}}';

async function subscribe(body = SUBSCRIBE): Promise<{ s: RawSubscription; fid: string }> {
  const s = await RawSubscription.open(base, body);
  subs.push(s);
  const ev = await s.waitFor((e) => e.type === 'SUBSCRIBED');
  return { s, fid: ev.subscribed.framework_id.value };
}

const call = (sid: string, body: string) => rawPost(base, '/api/v1/scheduler', body, { 'Content-Type': 'application/json', 'Mesos-Stream-Id': sid });

test('SUBSCRIBE answers 200, chunked RecordIO, a stream id, SUBSCRIBED then an immediate HEARTBEAT', async () => {
  const { s, fid } = await subscribe();
  assert.equal(s.status, 200);
  assert.equal(s.headers['content-type'], 'application/json');
  assert.equal(s.headers['transfer-encoding'], 'chunked');
  assert.match(s.streamId, /^[0-9a-f-]{36}$/);
  assert.equal(s.events[0]!.type, 'SUBSCRIBED');
  assert.equal(s.events[0]!.subscribed.heartbeat_interval_seconds, 1);
  assert.equal(s.events[0]!.subscribed.master_info.address.port, cluster.master.endpoint.port);
  assert.equal(s.events[1]!.type, 'HEARTBEAT');
  assert.match(fid, /-0\d{3}$/);
  const before = s.events.filter((e) => e.type === 'HEARTBEAT').length;
  await new Promise((r) => setTimeout(r, 1300));
  assert.ok(s.events.filter((e) => e.type === 'HEARTBEAT').length > before, 'heartbeats keep coming');
  s.close();
});

test('OFFERS are nested twice and carry the agent, url and resources as the master emits them', async () => {
  const { s, fid } = await subscribe();
  const ev = await s.waitFor((e) => e.type === 'OFFERS');
  const o = ev.offers.offers[0];
  assert.equal(o.framework_id.value, fid);
  assert.match(o.id.value, new RegExp(`^${cluster.master.id}-O\\d+$`));
  assert.equal(o.url.path, '/slave(1)');
  const byName = Object.fromEntries(o.resources.map((r: any) => [r.name, r]));
  assert.deepEqual(byName.cpus, { name: 'cpus', type: 'SCALAR', scalar: { value: 4 }, role: '*' });
  assert.deepEqual(byName.ports.ranges, { range: [{ begin: 31000, end: 31099 }] });
  assert.equal(o.allocation_info, undefined, 'no allocation_info for a non-MULTI_ROLE framework');
  const r = await call(s.streamId, `{"type":"DECLINE","framework_id":{"value":"${fid}"},"decline":{"offer_ids":[{"value":"${o.id.value}"}],"filters":{"refuse_seconds":0}}}`);
  assert.equal(r.status, 202);
  assert.equal(r.body, '');
  s.close();
});

test('malformed calls get the status and message a real master returns', async () => {
  const { s, fid } = await subscribe();
  const sid = s.streamId;
  const json = { 'Content-Type': 'application/json' };
  const withSid = { ...json, 'Mesos-Stream-Id': sid };
  const cases: [string, Record<string, string>, string, number, RegExp][] = [
    ['bad JSON', withSid, '{"type":', 400, /^Failed to parse body into JSON/],
    ['no Content-Type', { 'Mesos-Stream-Id': sid }, '{}', 400, /^Expecting 'Content-Type' to be present$/],
    ['charset in Content-Type', { 'Content-Type': 'application/json; charset=utf-8' }, '{}', 415, /Content-Type/],
    ['unknown type', json, `{"type":"subscribe","framework_id":{"value":"${fid}"}}`, 400, /^Failed to validate scheduler::Call: Expecting 'type' to be present$/],
    ['missing framework_id', withSid, '{"type":"REVIVE"}', 400, /Expecting 'framework_id' to be present/],
    ['missing payload', withSid, `{"type":"DECLINE","framework_id":{"value":"${fid}"}}`, 400, /Expecting 'decline' to be present/],
    ['wrong field type', withSid, `{"type":"DECLINE","framework_id":{"value":"${fid}"},"decline":{"offer_ids":{"value":"x"}}}`, 400, /^Failed to convert JSON into Call protobuf/],
    ['missing required field', withSid, `{"type":"KILL","framework_id":{"value":"${fid}"},"kill":{"agent_id":{"value":"a"}}}`, 400, /Missing required fields: kill\.task_id/],
    ['bad uuid', withSid, `{"type":"ACKNOWLEDGE","framework_id":{"value":"${fid}"},"acknowledge":{"agent_id":{"value":"a"},"task_id":{"value":"t"},"uuid":"dGV4dA=="}}`, 400, /Failed to validate scheduler::Call: Not a valid UUID/],
    ['unknown framework', withSid, '{"type":"REVIVE","framework_id":{"value":"nope"}}', 400, /^Framework cannot be found$/],
    ['no stream id', json, `{"type":"REVIVE","framework_id":{"value":"${fid}"}}`, 400, /should include the 'Mesos-Stream-Id' header/],
    ['wrong stream id', { ...json, 'Mesos-Stream-Id': 'bogus' }, `{"type":"REVIVE","framework_id":{"value":"${fid}"}}`, 400, /didn't match the stream ID/],
    ['stream id on SUBSCRIBE', withSid, SUBSCRIBE, 400, /Subscribe calls should not include the 'Mesos-Stream-Id' header/],
    ['top level not an object', withSid, '[1]', 400, /^Failed to convert JSON into Call protobuf: Expecting a JSON object$/],
  ];
  for (const [what, headers, body, status, message] of cases) {
    const r = await rawPost(base, '/api/v1/scheduler', body, headers);
    assert.equal(r.status, status, `${what}: ${r.body}`);
    assert.match(r.body, message, what);
  }
  const get = await fetch(`${base}/api/v1/scheduler`);
  assert.equal(get.status, 405);
  assert.equal(get.headers.get('allow'), 'POST');
  const notAcceptable = await rawPost(base, '/api/v1/scheduler', SUBSCRIBE, { 'Content-Type': 'application/json', Accept: 'application/x-protobuf' });
  assert.equal(notAcceptable.status, 406);
  // stout leniencies: unknown fields are ignored; numbers may be strings.
  assert.equal((await call(sid, `{"type":"SUPPRESS","framework_id":{"value":"${fid}"},"suppress":{"roles":["*"]},"unknown_field":"x"}`)).status, 202);
  assert.equal((await call(sid, `{"type":"REVIVE","framework_id":{"value":"${fid}"}}`)).status, 202);
  const offer = (await s.waitFor((e) => e.type === 'OFFERS')).offers.offers[0];
  assert.equal((await call(sid, `{"type":"DECLINE","framework_id":{"value":"${fid}"},"decline":{"offer_ids":[{"value":"${offer.id.value}"}],"filters":{"refuse_seconds":"0"}}}`)).status, 202);
  s.close();
});

test('a disconnected framework within its failover timeout gets 403 for calls', async () => {
  const { s, fid } = await subscribe('{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"u","name":"slow","failover_timeout":30}}}');
  s.close();
  await new Promise((r) => setTimeout(r, 150));
  const r = await call(s.streamId, `{"type":"REVIVE","framework_id":{"value":"${fid}"}}`);
  assert.equal(r.status, 403);
  assert.equal(r.body, 'Framework is not subscribed');
  const td = await rawPost(base, '/teardown', `frameworkId=${fid}`, { 'Content-Type': 'application/x-www-form-urlencoded' });
  assert.equal(td.status, 200);
  const again = await RawSubscription.open(base, `{"type":"SUBSCRIBE","framework_id":{"value":"${fid}"},"subscribe":{"framework_info":{"id":{"value":"${fid}"},"user":"u","name":"slow"}}}`);
  subs.push(again);
  const err = await again.waitFor((e) => e.type === 'ERROR');
  assert.equal(err.error.message, 'Framework has been removed');
});

test('invalid subscriptions answer 200 and a single ERROR event, then close', async () => {
  const s = await RawSubscription.open(base, '{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"u","name":"n","roles":["a"]}}}');
  subs.push(s);
  assert.equal(s.status, 200);
  const e = await s.waitFor((x) => x.type === 'ERROR');
  assert.equal(e.error.message, "'FrameworkInfo.roles' must not be set when the framework is not MULTI_ROLE capable");
  await new Promise((r) => setTimeout(r, 100));
  assert.ok(s.ended);
  assert.equal(s.events.length, 1);
});

test('LAUNCH validation: resources beyond the offer, duplicate ids, unknown offers, command xor executor', async () => {
  const { s, fid } = await subscribe();
  const sid = s.streamId;
  const offer = (await s.waitFor((e) => e.type === 'OFFERS')).offers.offers[0];
  const agent = offer.agent_id.value;
  const task = (id: string, cpus: number) => `{"name":"${id}","task_id":{"value":"${id}"},"agent_id":{"value":"${agent}"},"resources":[{"name":"cpus","type":"SCALAR","scalar":{"value":${cpus}}},{"name":"mem","type":"SCALAR","scalar":{"value":32}}],"command":{"value":"sleep 30"}}`;
  const accept = (offerId: string, tasks: string[]) => call(sid, `{"type":"ACCEPT","framework_id":{"value":"${fid}"},"accept":{"offer_ids":[{"value":"${offerId}"}],"operations":[{"type":"LAUNCH","launch":{"task_infos":[${tasks.join(',')}]}}]}}`);
  assert.equal((await accept(offer.id.value, [task('big', 64), task('ok', 1), task('ok', 1)])).status, 202);
  const big = await s.waitFor((e) => e.type === 'UPDATE' && e.update.status.task_id.value === 'big');
  assert.equal(big.update.status.state, 'TASK_ERROR');
  assert.equal(big.update.status.reason, 'REASON_TASK_INVALID');
  assert.equal(big.update.status.source, 'SOURCE_MASTER');
  assert.match(big.update.status.message, /^Task uses more resources cpus:64; mem:32 than available/);
  assert.equal(big.update.status.uuid, undefined);
  const dup = await s.waitFor((e) => e.type === 'UPDATE' && e.update.status.task_id.value === 'ok' && e.update.status.state === 'TASK_ERROR');
  assert.equal(dup.update.status.message, 'Task has duplicate ID: ok');
  const started = await s.waitFor((e) => e.type === 'UPDATE' && e.update.status.task_id.value === 'ok' && e.update.status.state === 'TASK_STARTING');
  assert.equal(started.update.status.source, 'SOURCE_EXECUTOR');
  assert.equal((await accept(offer.id.value, [task('late', 1)])).status, 202);
  const late = await s.waitFor((e) => e.type === 'UPDATE' && e.update.status.task_id.value === 'late');
  assert.equal(late.update.status.state, 'TASK_DROPPED', 'partition-aware: dropped, not lost');
  assert.equal(late.update.status.reason, 'REASON_INVALID_OFFERS');
  assert.equal(late.update.status.message, `Task launched with invalid offers: Offer ${offer.id.value} is no longer valid`);
  const off2 = (await s.waitFor((e) => e.type === 'OFFERS' && e.offers.offers[0].id.value !== offer.id.value)).offers.offers[0];
  const bad = `{"name":"x","task_id":{"value":"x"},"agent_id":{"value":"${agent}"},"resources":[{"name":"cpus","type":"SCALAR","scalar":{"value":0.1}}]}`;
  assert.equal((await accept(off2.id.value, [bad])).status, 202);
  const x = await s.waitFor((e) => e.type === 'UPDATE' && e.update.status.task_id.value === 'x');
  assert.equal(x.update.status.message, 'Task should have at least one (but not both) of CommandInfo or ExecutorInfo present');
  await call(sid, `{"type":"TEARDOWN","framework_id":{"value":"${fid}"}}`);
});

test('reconciliation answers unknown tasks as gone or unknown, without uuid', async () => {
  const { s, fid } = await subscribe();
  const sid = s.streamId;
  const agent = (await s.waitFor((e) => e.type === 'OFFERS')).offers.offers[0].agent_id.value;
  const r = await call(sid, `{"type":"RECONCILE","framework_id":{"value":"${fid}"},"reconcile":{"tasks":[{"task_id":{"value":"ghost"},"agent_id":{"value":"${agent}"}},{"task_id":{"value":"ghost2"}}]}}`);
  assert.equal(r.status, 202);
  const g1 = await s.waitFor((e) => e.type === 'UPDATE' && e.update.status.task_id.value === 'ghost');
  assert.equal(g1.update.status.state, 'TASK_GONE');
  assert.equal(g1.update.status.reason, 'REASON_RECONCILIATION');
  const g2 = await s.waitFor((e) => e.type === 'UPDATE' && e.update.status.task_id.value === 'ghost2');
  assert.equal(g2.update.status.state, 'TASK_UNKNOWN');
  assert.equal(g2.update.status.uuid, undefined);
  await call(sid, `{"type":"TEARDOWN","framework_id":{"value":"${fid}"}}`);
});

test('/redirect and /state have the shapes of a real master', async () => {
  const red = await fetch(`${base}/redirect`, { redirect: 'manual' });
  assert.equal(red.status, 307);
  assert.equal(red.headers.get('location'), `//${cluster.master.endpoint.host}:${cluster.master.endpoint.port}`);
  const st = (await (await fetch(`${base}/master/state`)).json()) as Record<string, any>;
  for (const k of ['version', 'id', 'pid', 'leader', 'leader_info', 'slaves', 'frameworks', 'completed_frameworks', 'activated_slaves', 'flags']) assert.ok(k in st, k);
  assert.equal(st.slaves[0].resources.cpus, 4);
  assert.equal(st.slaves[0].resources.ports, '[31000-31099]');
  assert.equal(st.slaves[0].resources.gpus, 0);
  const done = st.completed_frameworks.find((f: any) => f.completed_tasks.some((t: any) => t.id === 'ok'));
  assert.ok(done, 'torn-down framework listed with its tasks');
  const t = done.completed_tasks.find((x: any) => x.id === 'ok');
  for (const k of ['id', 'name', 'framework_id', 'executor_id', 'slave_id', 'state', 'resources', 'statuses']) assert.ok(k in t, k);
  assert.equal(t.resources.cpus, 1);
});
