/**
 * The leading dispatcher's store session expires (real ZooKeeper; the expiry forced as ZooKeeper's own tests do, by
 * closing the session from a second client that joins it with its id and password, while the dispatcher is cut off
 * for a moment so it cannot take the session back first): a new session is opened, the leader checks it still leads,
 * re-reads the store, and writes back what the store lost while removing what it no longer holds. Its election
 * session outlives the short cut, so it keeps leading.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import zookeeper from 'node-zookeeper-client';
import { MiniCluster, SparkConf } from '../../src/index.js';
import { MesosClusterDispatcher } from '../../src/deploy/MesosClusterDispatcher.js';
import { RestSubmissionClient } from '../../src/deploy/rest/RestSubmissionClient.js';
import { ZooKeeperPersistenceEngine } from '../../src/deploy/persistence/ZooKeeperPersistenceEngine.js';
import { startZooKeeper } from '../helpers/zookeeper.js';
import { waitFor } from '../helpers/events.js';
import { partitionable } from '../helpers/partition.js';

const call = <T>(fn: (cb: (err: unknown, v: T) => void) => void): Promise<T> =>
  new Promise((resolve, reject) => fn((err, v) => (err ? reject(err as Error) : resolve(v))));

function connect(connectString: string, opts: Record<string, unknown> = {}): Promise<zookeeper.Client> {
  const c = zookeeper.createClient(connectString, opts);
  return new Promise((resolve) => {
    c.once('connected', () => resolve(c));
    c.connect();
  });
}

/** Joins the session `id` and closes it at once; resolves once that client is gone (or the session already was). */
function closeSession(connectString: string, id: Buffer, password: Buffer): Promise<void> {
  const twin = zookeeper.createClient(connectString, { sessionId: id, sessionPassword: password, sessionTimeout: 4000 } as unknown as zookeeper.Option);
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      twin.close();
      resolve();
    };
    const t = setTimeout(done, 3000);
    twin.once('connected', () => {
      twin.once('disconnected', done);
      twin.close();
    });
    twin.once('expired', done);
    twin.connect();
  });
}

test('after its store session expires, the leader re-reads the store and writes back what it lost', async () => {
  const zk = await startZooKeeper();
  // One small agent: the 2 GiB drivers stay queued.
  const c = await new MiniCluster({ agents: 1, resources: 'cpus:1;mem:256', master: { allocationIntervalMs: 50 } }).start();
  // The dispatcher reaches ZooKeeper through a link the test can cut; the test's own clients go direct.
  const link = await partitionable(zk.port);
  const dispatcher = new MesosClusterDispatcher({ host: '127.0.0.1', port: 0, webUiPort: 0, master: c.masterUrl }, new SparkConf({
    'spark.app.name': 'Spark Cluster', 'spark.deploy.recoveryMode': 'ZOOKEEPER', 'spark.deploy.zookeeper.url': `127.0.0.1:${link.port}`,
    'spark.deploy.zookeeper.dir': '/expiry', 'spark.deploy.zookeeper.sessionTimeout': '4s',
  }));
  const other = await connect(zk.connectString);
  try {
    await dispatcher.start();
    assert.equal(dispatcher.isLeader, true);
    const rest = new RestSubmissionClient(`mesos://127.0.0.1:${dispatcher.rest!.address!.port}`);
    const ids: string[] = [];
    for (const name of ['kept', 'lost']) {
      const r = (await rest.createSubmission({ appResource: 'file:///app.js', mainClass: '', appArgs: [], sparkProperties: { 'spark.app.name': name, 'spark.driver.memory': '2g' }, environmentVariables: {} })) as { success?: boolean; submissionId?: string };
      assert.equal(r.success, true, JSON.stringify(r));
      ids.push(r.submissionId!);
    }
    const [kept, lost] = ids as [string, string];
    const znode = (dir: string, name: string) => `/expiry/${dir}/${name}`;
    const keptData = (await call<Buffer>((cb) => other.getData(znode('driverQueue', kept), (e, d) => cb(e, d)))).toString();
    const frameworkId = (await call<Buffer>((cb) => other.getData(znode('scheduler', 'frameworkId'), (e, d) => cb(e, d)))).toString();
    // What the store lost or gained behind the leader's back: a queued driver and the framework id gone, a queued
    // driver's document changed, and a launched driver the leader never had.
    await call((cb) => other.remove(znode('driverQueue', lost), -1, (e) => cb(e, undefined)));
    await call((cb) => other.remove(znode('scheduler', 'frameworkId'), -1, (e) => cb(e, undefined)));
    await call((cb) => other.setData(znode('driverQueue', kept), Buffer.from(JSON.stringify({ submissionId: kept, stale: true })), -1, cb));
    await call((cb) => other.create(znode('launchedDrivers', 'driver-20200101000000-9999'), Buffer.from(JSON.stringify({ driver: { submissionId: 'driver-20200101000000-9999' } })), cb));

    // The store's session is closed from outside; its client hears it expired and opens a new one.
    const store = (dispatcher as unknown as { scheduler: { store: ZooKeeperPersistenceEngine } }).scheduler.store;
    // Cut off, the store's client cannot win its session back before the twin's close goes through; the cut is far
    // shorter than the session timeout, so the election's session lives on.
    const { id, password } = store.session;
    link.cut();
    await closeSession(zk.connectString, id, password);
    link.restore();
    await waitFor(() => store.sessions === 2, 15_000, 'a new store session');
    await waitFor(() => dispatcher.scheduler!.resyncs === 1, 30_000, 'the store re-read');

    const children = async (dir: string) => (await call<string[]>((cb) => other.getChildren(`/expiry/${dir}`, (e, k) => cb(e, k)))).sort();
    assert.deepEqual(await children('driverQueue'), [kept, lost].sort());
    assert.deepEqual(await children('launchedDrivers'), []);
    assert.equal((await call<Buffer>((cb) => other.getData(znode('driverQueue', kept), (e, d) => cb(e, d)))).toString(), keptData);
    const lostDoc = JSON.parse((await call<Buffer>((cb) => other.getData(znode('driverQueue', lost), (e, d) => cb(e, d)))).toString()) as { submissionId: string };
    assert.equal(lostDoc.submissionId, lost);
    assert.equal((await call<Buffer>((cb) => other.getData(znode('scheduler', 'frameworkId'), (e, d) => cb(e, d)))).toString(), frameworkId);
    // Still the leader, still taking submissions (written under the new session).
    assert.equal(dispatcher.isLeader, true);
    const after = (await rest.createSubmission({ appResource: 'file:///app.js', mainClass: '', appArgs: [], sparkProperties: { 'spark.app.name': 'after', 'spark.driver.memory': '2g' }, environmentVariables: {} })) as { success?: boolean; submissionId?: string };
    assert.equal(after.success, true, JSON.stringify(after));
    assert.ok((await children('driverQueue')).includes(after.submissionId!));
  } finally {
    other.close();
    await dispatcher.stop();
    await link.close();
    await c.stop();
    await zk.stop();
  }
});
