/**
 * The dispatchers' leader election (real ZooKeeper): the first candidate leads, the next knows it; a leader that
 * leaves hands over at once; a leader cut off from ZooKeeper for its session timeout gives up its leadership, and
 * its fenced store writes are refused once its znode is gone. Plus what a standby says.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LeaderElection, parseCandidate } from '../../src/deploy/ha/LeaderElection.js';
import { standbyMessage } from '../../src/deploy/ha/standby.js';
import { ZooKeeperPersistenceEngine } from '../../src/deploy/persistence/ZooKeeperPersistenceEngine.js';
import { FencedError } from '../../src/deploy/persistence/zkBatch.js';
import { startZooKeeper } from '../helpers/zookeeper.js';
import { partitionable } from '../helpers/partition.js';
import { waitFor } from '../helpers/events.js';

test('candidate data and standby messages', () => {
  const cases: [string, unknown][] = [
    ['{"rest":"mesos://h:7077","ui":"http://h:8081"}', { rest: 'mesos://h:7077', ui: 'http://h:8081' }],
    ['{"rest":"mesos://h:7077"}', undefined],
    ['not json', undefined],
    ['', undefined],
  ];
  // Rejected data is an Error (see leader-candidate.test.ts for which URLs are taken).
  for (const [data, want] of cases) {
    const got = parseCandidate(Buffer.from(data));
    assert.deepEqual(got instanceof Error ? undefined : got, want, data);
  }
  assert.equal(standbyMessage({ leader: { rest: 'mesos://h:7077', ui: 'http://h:8081' } }), 'This dispatcher is a standby; the leading dispatcher takes submissions at mesos://h:7077.');
  assert.match(standbyMessage({ leader: undefined }), /standby and no leading dispatcher is elected yet/);
});

test('election: one leads, the other knows it and takes over when it leaves or is cut off for its session timeout', async () => {
  const zk = await startZooKeeper();
  const link = await partitionable(zk.port);
  const opts = { sessionTimeoutMs: 3000 };
  const a = { rest: 'mesos://127.0.0.1:1', ui: 'http://127.0.0.1:2' };
  const b = { rest: 'mesos://127.0.0.1:3', ui: 'http://127.0.0.1:4' };
  const c = { rest: 'mesos://127.0.0.1:5', ui: 'http://127.0.0.1:6' };
  const e1 = new LeaderElection(zk.connectString, '/election', opts, a);
  const e2 = new LeaderElection(`127.0.0.1:${link.port}`, '/election', opts, b);
  const e3 = new LeaderElection(zk.connectString, '/election', opts, c);
  let store: ZooKeeperPersistenceEngine | undefined;
  try {
    await e1.start();
    await e1.whenKnown(5000);
    assert.equal(e1.isLeader, true);
    await e2.start();
    await e2.whenKnown(5000);
    assert.deepEqual([e2.isLeader, e2.leader], [false, a]);

    // The leader leaves: its znode goes with its session, and the next one leads at once.
    let elected = 0;
    e2.onElected = () => elected++;
    const t0 = Date.now();
    await e1.stop();
    await waitFor(() => e2.isLeader, 5000, 'e2 elected');
    assert.ok(Date.now() - t0 < 2000, `handed over in ${Date.now() - t0} ms`);
    assert.equal(elected, 1);
    assert.deepEqual(e2.leader, b);
    await e3.start();
    await e3.whenKnown(5000);
    assert.deepEqual(e3.leader, b);

    // e2 writes fenced by its znode; then it is cut off from ZooKeeper.
    store = await ZooKeeperPersistenceEngine.open(zk.connectString, '/election_store');
    store.fence = e2.znode;
    await store.persist('driverQueue', 'before', {});
    const lost: string[] = [];
    e2.onLost = (reason) => lost.push(reason);
    link.cut();
    // It gives up after its session timeout, whether or not it hears of the expiry; e3 then leads.
    await waitFor(() => lost.length > 0, 10_000, 'e2 lost its leadership');
    assert.match(lost[0]!, /cut off from ZooKeeper for the session timeout|session expired/);
    assert.equal(e2.isLeader, false);
    await waitFor(() => e3.isLeader, 10_000, 'e3 elected');
    await assert.rejects(store.persist('driverQueue', 'after', {}), FencedError);
    assert.deepEqual((await store.fetchAll('driverQueue')).length, 1);
  } finally {
    await store?.close();
    for (const e of [e1, e2, e3]) await e.stop();
    await link.close();
    await zk.stop();
  }
});
