/**
 * The dispatcher's ZooKeeper state and leader election with a real ZooKeeper: digest ACLs keep other clients out,
 * and an expired session is replaced by a new one without losing writes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import zookeeper from 'node-zookeeper-client';
import { ZooKeeperPersistenceEngine, checkDigestAuth } from '../../src/deploy/persistence/ZooKeeperPersistenceEngine.js';
import { startZooKeeper } from '../helpers/zookeeper.js';
import { waitFor } from '../helpers/events.js';
import { partitionable } from '../helpers/partition.js';

function connect(connectString: string, opts: Record<string, unknown> = {}, auth?: string): Promise<zookeeper.Client> {
  const c = zookeeper.createClient(connectString, { sessionTimeout: 4000, ...opts });
  if (auth) c.addAuthInfo('digest', Buffer.from(auth));
  return new Promise((resolve) => {
    c.once('connected', () => resolve(c));
    c.connect();
  });
}

function getData(c: zookeeper.Client, path: string): Promise<string> {
  return new Promise((resolve, reject) => c.getData(path, (err, data) => (err ? reject(err) : resolve((data ?? Buffer.alloc(0)).toString()))));
}

test('with spark.deploy.zookeeper.auth, only those credentials can read or change the dispatcher\'s znodes', async () => {
  const zk = await startZooKeeper();
  const clients: zookeeper.Client[] = [];
  try {
    // Created open first (as an older dispatcher would have), then closed by a dispatcher with credentials.
    const open = await ZooKeeperPersistenceEngine.open(zk.connectString, '/dispatcher');
    await open.close();
    const store = await ZooKeeperPersistenceEngine.open(zk.connectString, '/dispatcher', { auth: 'spark:s3cret' });
    await store.persist('launchedDrivers', 'driver-1', { 'spark.authenticate.secret': 'inside' });
    const anonymous = await connect(zk.connectString);
    const wrong = await connect(zk.connectString, {}, 'spark:wrong');
    const right = await connect(zk.connectString, {}, 'spark:s3cret');
    clients.push(anonymous, wrong, right);
    for (const c of [anonymous, wrong]) {
      await assert.rejects(getData(c, '/dispatcher/launchedDrivers/driver-1'), /NO_AUTH/);
      await assert.rejects(new Promise((resolve, reject) => c.getChildren('/dispatcher/launchedDrivers', (err, kids) => (err ? reject(err) : resolve(kids)))), /NO_AUTH/);
    }
    assert.match(await getData(right, '/dispatcher/launchedDrivers/driver-1'), /inside/);
    // A dispatcher without the credentials is told why it cannot start.
    await assert.rejects(ZooKeeperPersistenceEngine.open(zk.connectString, '/dispatcher'), /ZooKeeper refused access to \/dispatcher: its ACL does not grant the credentials of spark\.deploy\.zookeeper\.auth/);
    assert.deepEqual(await store.fetchAll('launchedDrivers'), [{ 'spark.authenticate.secret': 'inside' }]);
    await store.close();
  } finally {
    for (const c of clients) c.close();
    await zk.stop();
  }
  assert.throws(() => checkDigestAuth('nopassword'), /should be user:password/);
  assert.throws(() => checkDigestAuth('user:'), /should be user:password/);
});

test('the leader election with spark.deploy.zookeeper.auth: its directory and candidate znodes carry the digest ACL only', async () => {
  const { createHash } = await import('node:crypto');
  const { LeaderElection } = await import('../../src/deploy/ha/LeaderElection.js');
  const { zooKeeperSettings } = await import('../../src/deploy/persistence/createPersistence.js');
  const { SparkConf } = await import('../../src/conf/SparkConf.js');
  const zk = await startZooKeeper();
  const clients: zookeeper.Client[] = [];
  // The settings as the dispatcher reads them.
  const settings = zooKeeperSettings(new SparkConf({ 'spark.deploy.zookeeper.url': zk.connectString, 'spark.deploy.zookeeper.dir': '/dispatcher_acl', 'spark.deploy.zookeeper.auth': 'spark:s3cret' }));
  const election = new LeaderElection(settings.url, settings.dir, settings.opts, { rest: 'mesos://127.0.0.1:7077', ui: 'http://127.0.0.1:8081' });
  try {
    await election.start();
    await election.whenKnown(5000);
    assert.equal(election.isLeader, true);
    const right = await connect(zk.connectString, {}, 'spark:s3cret');
    const anonymous = await connect(zk.connectString);
    const wrong = await connect(zk.connectString, {}, 'spark:wrong');
    clients.push(right, anonymous, wrong);
    const digest = `spark:${createHash('sha1').update('spark:s3cret').digest('base64')}`;
    const aclOf = (path: string) => new Promise<{ perms: number; scheme: string; id: string }[]>((resolve, reject) =>
      right.getACL(path, (err, acls) => (err ? reject(err) : resolve(acls.map((a) => ({ perms: (a as unknown as { permission: number }).permission, scheme: a.id.scheme, id: a.id.id }))))));
    for (const path of ['/dispatcher_acl/leader_election', election.znode!]) {
      assert.deepEqual(await aclOf(path), [{ perms: zookeeper.Permission.ALL, scheme: 'digest', id: digest }], path);
    }
    assert.match(await getData(right, election.znode!), /mesos:\/\/127\.0\.0\.1:7077/);
    for (const c of [anonymous, wrong]) {
      await assert.rejects(getData(c, election.znode!), /NO_AUTH/);
      await assert.rejects(new Promise((resolve, reject) => c.getChildren('/dispatcher_acl/leader_election', (err, kids) => (err ? reject(err) : resolve(kids)))), /NO_AUTH/);
    }
    // A candidate without the credentials cannot join (nor hide the leader's znode from the others).
    const outsider = new LeaderElection(zk.connectString, '/dispatcher_acl', {}, { rest: 'mesos://127.0.0.1:7078', ui: 'http://127.0.0.1:8082' });
    await assert.rejects(outsider.start(), /NO_AUTH/);
    await outsider.stop();
  } finally {
    for (const c of clients) c.close();
    await election.stop();
    await zk.stop();
  }
});

test('an expired session is replaced by a new one; writes made meanwhile wait and succeed', async () => {
  const zk = await startZooKeeper();
  const link = await partitionable(zk.port);
  let store: ZooKeeperPersistenceEngine | undefined;
  try {
    store = await ZooKeeperPersistenceEngine.open(`127.0.0.1:${link.port}`, '/dispatcher', { auth: 'spark:s3cret', sessionTimeoutMs: 4000 });
    let renewed = 0;
    const st = store;
    st.onSessionRenewed = () => renewed++;
    await store.persist('driverQueue', 'driver-a', { n: 1 });
    // A partition longer than the session timeout: ZooKeeper, still running, expires the session.
    link.cut();
    const pending = store.persist('driverQueue', 'driver-b', { n: 2 });
    await new Promise((r) => setTimeout(r, 7000));
    link.restore();
    await waitFor(() => st.sessions === 2, 30_000, 'a new session');
    await pending;
    await store.persist('driverQueue', 'driver-c', { n: 3 });
    assert.deepEqual((await store.fetchAll<{ n: number }>('driverQueue')).map((d) => d.n).sort(), [1, 2, 3]);
    assert.equal(renewed, 1);
  } finally {
    await store?.close();
    await link.close();
    await zk.stop();
  }
});

test('a mini-Mesos master whose ZooKeeper session expires steps down, as a real master does, and contends again', async () => {
  const { Master } = await import('../../src/minimesos/Master.js');
  const { SchedulerClient } = await import('../../src/mesos/client/SchedulerClient.js');
  const zk = await startZooKeeper();
  const link = await partitionable(zk.port);
  // The master reaches ZooKeeper through a link the test cuts; the scheduler directly.
  const zkUrl = `zk://127.0.0.1:${link.port}/mesos-expiry`;
  const master = new Master({ zk: zkUrl, allocationIntervalMs: 100, heartbeatIntervalSeconds: 1 });
  let client: InstanceType<typeof SchedulerClient> | undefined;
  try {
    await master.start();
    await waitFor(() => master.isLeader, 10_000, 'elected');
    client = new SchedulerClient({ master: `mesos://zk://${zk.connectString}/mesos-expiry`, frameworkInfo: { user: 'u', name: 'expiry', failover_timeout: 60 }, backoff: { initialMs: 100, maxMs: 500 } }).start();
    const events = client.events();
    const first = await events.next();
    assert.equal((first.value as { type: string }).type, 'SUBSCRIBED');
    const frameworkId = client.frameworkId;
    link.cut();
    await new Promise((r) => setTimeout(r, 7000));
    link.restore();
    await waitFor(() => master.election.stepDowns === 1, 20_000, 'the master stepped down');
    // Its framework lost the subscription, and comes back with the same id once the master leads again.
    const seen: string[] = [];
    for (;;) {
      const e = (await events.next()).value as { type: string };
      seen.push(e.type);
      if (e.type === 'SUBSCRIBED') break;
    }
    assert.ok(seen.includes('DISCONNECTED'), seen.join(','));
    assert.equal(client.frameworkId, frameworkId);
    assert.ok(master.isLeader, 'the only contender leads again');
  } finally {
    await client?.close();
    await master.stop();
    await link.close();
    await zk.stop();
  }
});
