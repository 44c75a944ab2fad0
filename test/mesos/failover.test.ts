import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Master } from '../../src/minimesos/Master.js';
import { Agent } from '../../src/minimesos/Agent.js';
import { parseResourcesSpec } from '../../src/minimesos/specs.js';
import { SchedulerClient, type ClientEvent } from '../../src/mesos/client/SchedulerClient.js';
import { ZooKeeperDetector } from '../../src/mesos/client/detector.js';
import { parseMasterUrl } from '../../src/mesos/masterUrl.js';
import { Calls, Operations } from '../../src/mesos/calls.js';
import { startZooKeeper, type ZooKeeperServer } from '../helpers/zookeeper.js';
import { isType, nextEvent, waitFor } from '../helpers/events.js';

let zk: ZooKeeperServer;
before(async () => {
  zk = await startZooKeeper();
});
after(async () => {
  await zk.stop();
});

test('master failover through ZooKeeper: the framework re-subscribes to the new leader with its id; its task is still RUNNING', async () => {
  const zkUrl = `zk://${zk.connectString}/mesos-failover`;
  const m1 = new Master({ zk: zkUrl, allocationIntervalMs: 100, heartbeatIntervalSeconds: 1 });
  await m1.start();
  await waitFor(() => m1.isLeader, 10_000, 'first master elected');
  const m2 = new Master({ zk: zkUrl, allocationIntervalMs: 100, heartbeatIntervalSeconds: 1 });
  await m2.start();
  const agent = new Agent({ master: zkUrl, resources: parseResourcesSpec('cpus:2;mem:1024'), workDir: mkdtempSync(join(tmpdir(), 'agent-')), statusUpdateRetryMs: 300 });
  await agent.start();
  // A non-leading master redirects schedulers to the leader.
  const redirect = await fetch(`${m2.url}/api/v1/scheduler`, { method: 'POST', redirect: 'manual', headers: { 'Content-Type': 'application/json' }, body: '{}' });
  assert.equal(redirect.status, 307);
  assert.equal(redirect.headers.get('location'), `//${m1.endpoint.host}:${m1.endpoint.port}/api/v1/scheduler`);

  // A client pointed at the non-leader follows the 307 to the leader.
  const redirected = new SchedulerClient({ master: `mesos://${m2.endpoint.host}:${m2.endpoint.port}`, frameworkInfo: { user: 'tester', name: 'redirected' } }).start();
  await redirected.waitForSubscribed(10_000);
  assert.deepEqual(redirected.master, m1.endpoint);
  await redirected.teardown();

  const client = new SchedulerClient({
    master: `mesos://${zkUrl}`,
    frameworkInfo: { user: 'tester', name: 'failover', failover_timeout: 60 },
    backoff: { initialMs: 100, maxMs: 500 },
  }).start();
  const events = client.events();
  try {
    const sub = await nextEvent(events, isType('SUBSCRIBED'));
    const fid = sub.subscribed.framework_id.value;
    assert.deepEqual(client.master, m1.endpoint);
    const offers = await nextEvent(events, isType('OFFERS'));
    const offer = offers.offers.offers![0]!;
    await client.call(Calls.accept([offer.id], [Operations.launch([{
      name: 'sleeper', task_id: { value: 'sleeper' }, agent_id: offer.agent_id,
      resources: [{ name: 'cpus', type: 'SCALAR', scalar: { value: 1 } }, { name: 'mem', type: 'SCALAR', scalar: { value: 32 } }],
      command: { value: 'sleep 60' },
    }])]));
    const ack = async (e: ClientEvent) => {
      if (e.type === 'UPDATE' && e.update.status.uuid) await client.call(Calls.acknowledge(e.update.status)).catch(() => undefined);
    };
    const running = await nextEvent(events, (e) => e.type === 'UPDATE' && e.update.status.state === 'TASK_RUNNING', 15_000, ack);
    await ack(running);

    // The leader dies: its ZooKeeper node goes, the second master is elected, the agent re-registers there.
    await m1.stop();
    await nextEvent(events, isType('DISCONNECTED'));
    const resub = await nextEvent(events, isType('SUBSCRIBED'), 20_000, ack);
    assert.equal(resub.subscribed.framework_id.value, fid, 'same framework id');
    assert.deepEqual(client.master, m2.endpoint, 'subscribed to the new leader');
    assert.equal(resub.subscribed.master_info?.id, m2.id);

    // Reconciliation on the new leader (once the agent has re-registered) reports the task RUNNING.
    await waitFor(() => (m2.state().slaves as unknown[]).length === 1, 10_000, 'agent re-registration');
    await client.call(Calls.reconcile([{ task_id: { value: 'sleeper' } }]));
    const rec = await nextEvent(events, (e) => e.type === 'UPDATE' && e.update.status.reason === 'REASON_RECONCILIATION', 10_000, ack);
    assert.ok(rec.type === 'UPDATE');
    assert.equal(rec.update.status.state, 'TASK_RUNNING');
    assert.equal(rec.update.status.uuid, undefined, 'reconciliation answers carry no uuid');
    await client.teardown();
  } finally {
    await client.close();
    await agent.stop();
    await m2.stop();
    await m1.stop();
  }
});

test('the ZooKeeper detector follows the leader and reads json.info nodes', async () => {
  const zkUrl = `zk://${zk.connectString}/mesos-detect`;
  const loc = parseMasterUrl(zkUrl);
  assert.equal(loc.kind, 'zookeeper');
  const detector = new ZooKeeperDetector(loc as Extract<typeof loc, { kind: 'zookeeper' }>, 2000);
  const m1 = new Master({ zk: zkUrl });
  const m2 = new Master({ zk: zkUrl });
  try {
    await m1.start();
    assert.deepEqual(await detector.waitForLeader(), m1.endpoint);
    await m2.start();
    await m1.stop();
    await waitFor(() => detector.leader?.port === m2.endpoint.port, 10_000, 'leader change');
    assert.ok(m2.isLeader);
  } finally {
    await detector.close();
    await m1.stop();
    await m2.stop();
  }
});
