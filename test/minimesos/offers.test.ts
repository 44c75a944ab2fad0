import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { MiniCluster } from '../../src/minimesos/MiniCluster.js';
import { SchedulerClient, type ClientEvent } from '../../src/mesos/client/SchedulerClient.js';
import { MesosHttpError } from '../../src/mesos/client/http.js';
import { Calls } from '../../src/mesos/calls.js';
import type { FrameworkInfo, Offer } from '../../src/mesos/wire/framework.js';
import { isType, nextEvent } from '../helpers/events.js';

let cluster: MiniCluster;
const clients: SchedulerClient[] = [];
before(async () => {
  cluster = await new MiniCluster({ agents: 2, resources: 'cpus:2;mem:1024', master: { allocationIntervalMs: 50 } }).start();
});
after(async () => {
  for (const c of clients) await c.close();
  await cluster.stop();
});

function connect(info: Partial<FrameworkInfo> = {}, c: MiniCluster = cluster, credentials?: { principal: string; secret: string }) {
  const client = new SchedulerClient({ master: c.masterUrl, frameworkInfo: { user: 'u', name: 'offers', ...info }, ...(credentials ? { credentials } : {}), backoff: { initialMs: 50, maxMs: 200 } }).start();
  clients.push(client);
  return client;
}

/** Collects offers for `ms` milliseconds. */
async function offersWithin(events: AsyncIterator<ClientEvent>, ms: number): Promise<Offer[]> {
  const out: Offer[] = [];
  await nextEvent(events, (e) => {
    if (e.type === 'OFFERS') out.push(...(e.offers.offers ?? []));
    return false;
  }, ms).catch(() => undefined);
  return out;
}

test('declined resources are not offered again until the filter expires or REVIVE clears it', async () => {
  const client = connect({ name: 'decline' });
  const events = client.events();
  await nextEvent(events, isType('SUBSCRIBED'));
  const first = await offersWithin(events, 300);
  assert.equal(new Set(first.map((o) => o.agent_id.value)).size, 2, 'both agents offered');
  await client.call(Calls.decline(first.map((o) => o.id), 30));
  assert.equal((await offersWithin(events, 400)).length, 0, 'filtered for 30 s');
  await client.call(Calls.revive());
  assert.equal((await offersWithin(events, 400)).length, 2, 'REVIVE clears filters');
  const again = await offersWithin(events, 10);
  void again;
  await client.teardown();
});

test('DECLINE with refuse_seconds 0 re-offers at once; SUPPRESS stops offers until REVIVE', async () => {
  const client = connect({ name: 'suppress' });
  const events = client.events();
  await nextEvent(events, isType('SUBSCRIBED'));
  const first = await offersWithin(events, 300);
  await client.call(Calls.suppress());
  await client.call(Calls.decline(first.map((o) => o.id), 0));
  assert.equal((await offersWithin(events, 400)).length, 0, 'suppressed');
  await client.call(Calls.revive());
  assert.equal((await offersWithin(events, 400)).length, 2);
  await client.teardown();
});

test('frameworks with equal shares take turns: offers a declined go to b first', async () => {
  const a = connect({ name: 'fair-a' });
  const first = await offersWithin(a.events(), 300);
  assert.equal(first.length, 2, 'alone, a is offered both agents');
  const b = connect({ name: 'fair-b' });
  await b.waitForSubscribed();
  assert.equal((await offersWithin(b.events(), 200)).length, 0, 'nothing free for b yet');
  await a.call(Calls.decline(first.map((o) => o.id), 0));
  const [oa, ob] = await Promise.all([offersWithin(a.events(), 400), offersWithin(b.events(), 400)]);
  assert.equal(ob.length, 1, 'b gets one agent');
  assert.equal(oa.length, 1, 'a keeps the other');
  assert.notEqual(oa[0]!.agent_id.value, ob[0]!.agent_id.value);
  await a.teardown();
  await b.teardown();
});

test('offer timeout rescinds outstanding offers', async () => {
  const c = await new MiniCluster({ agents: 1, resources: 'cpus:1;mem:256', master: { allocationIntervalMs: 50, offerTimeoutMs: 200 } }).start();
  try {
    const client = connect({ name: 'timeout' }, c);
    const events = client.events();
    const offer = (await nextEvent(events, isType('OFFERS'))).offers.offers![0]!;
    const resc = await nextEvent(events, isType('RESCIND'), 2000);
    assert.equal(resc.rescind.offer_id.value, offer.id.value);
    await client.teardown();
  } finally {
    await c.stop();
  }
});

test('GPU agents are offered only to GPU_RESOURCES frameworks; reserved resources only to their role', async () => {
  const c = await new MiniCluster({ agents: 1, resources: 'cpus:1;mem:512;gpus:2;cpus(prod):2;mem(prod):256', master: { allocationIntervalMs: 50 } }).start();
  try {
    const plain = connect({ name: 'no-gpu' }, c);
    await plain.waitForSubscribed();
    assert.equal((await offersWithin(plain.events(), 300)).length, 0, 'no offers without GPU_RESOURCES');
    await plain.teardown();
    const gpu = connect({ name: 'gpu', role: 'prod', capabilities: [{ type: 'GPU_RESOURCES' }] }, c);
    const offers = await offersWithin(gpu.events(), 300);
    assert.equal(offers.length, 1);
    const res = offers[0]!.resources!;
    const sum = (name: string, role: string) => res.filter((r) => r.name === name && r.role === role).reduce((n, r) => n + (r.scalar?.value ?? 0), 0);
    assert.equal(sum('gpus', '*'), 2);
    assert.equal(sum('cpus', 'prod'), 2);
    assert.equal(sum('cpus', '*'), 1);
    assert.equal(sum('mem', 'prod'), 256);
    await gpu.teardown();
    const other = connect({ name: 'other-role', role: 'dev', capabilities: [{ type: 'GPU_RESOURCES' }] }, c);
    const o2 = await offersWithin(other.events(), 300);
    assert.equal(o2[0]!.resources!.filter((r) => r.role === 'prod').length, 0, 'prod reservations not offered to dev');
    await other.teardown();
  } finally {
    await c.stop();
  }
});

test('MULTI_ROLE frameworks get allocation_info per role', async () => {
  const c = await new MiniCluster({ agents: 1, resources: 'cpus:1;mem:512', master: { allocationIntervalMs: 50 } }).start();
  try {
    const m = connect({ name: 'multi', roles: ['analytics'], capabilities: [{ type: 'MULTI_ROLE' }] }, c);
    const o = (await nextEvent(m.events(), isType('OFFERS'))).offers.offers![0]!;
    assert.deepEqual(o.allocation_info, { role: 'analytics' });
    assert.ok(o.resources!.every((r) => r.allocation_info?.role === 'analytics'));
    await m.teardown();
  } finally {
    await c.stop();
  }
});

test('authentication: 401 without credentials, subscription with them', async () => {
  const c = await new MiniCluster({ agents: 0, credentials: [{ principal: 'spark', secret: 's3cret' }] }).start();
  try {
    const anon = new SchedulerClient({ master: c.masterUrl, frameworkInfo: { user: 'u', name: 'anon' } }).start();
    await assert.rejects(anon.events().next(), (e: Error) => e instanceof MesosHttpError && e.status === 401 && /401 Unauthorized/.test(e.message));
    await anon.close();
    const wrong = new SchedulerClient({ master: c.masterUrl, frameworkInfo: { user: 'u', name: 'w' }, credentials: { principal: 'spark', secret: 'nope' } }).start();
    await assert.rejects(wrong.events().next(), (e: Error) => e instanceof MesosHttpError && e.status === 401);
    await wrong.close();
    const ok = connect({ name: 'authed' }, c, { principal: 'spark', secret: 's3cret' });
    const sub = await nextEvent(ok.events(), isType('SUBSCRIBED'));
    assert.ok(sub.subscribed.framework_id.value);
    const st = c.master.state() as { frameworks: { principal?: string }[] };
    assert.equal(st.frameworks[0]!.principal, 'spark');
    await ok.teardown();
  } finally {
    await c.stop();
  }
});

test('missed heartbeats make the client re-subscribe with the same framework id', async () => {
  const c = await new MiniCluster({ agents: 0, master: { heartbeatIntervalSeconds: 0.2 } }).start();
  try {
    const client = new SchedulerClient({ master: c.masterUrl, frameworkInfo: { user: 'u', name: 'hb', failover_timeout: 60 }, heartbeatMisses: 3, backoff: { initialMs: 50, maxMs: 100 } }).start();
    clients.push(client);
    const events = client.events();
    const fid = (await nextEvent(events, isType('SUBSCRIBED'))).subscribed.framework_id.value;
    c.master.stallFramework(fid);
    const lost = await nextEvent(events, isType('DISCONNECTED'), 5000);
    assert.equal(lost.reason, 'missed heartbeats');
    const again = await nextEvent(events, isType('SUBSCRIBED'), 5000);
    assert.equal(again.subscribed.framework_id.value, fid);
    await client.teardown();
  } finally {
    await c.stop();
  }
});
