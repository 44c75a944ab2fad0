/**
 * Group commit of the dispatcher's ZooKeeper writes (real ZooKeeper): concurrent submissions are stored in shared
 * multi-ops (znodes created by one multi-op share its transaction id, czxid), each still stored before it is
 * answered; create-or-replace and remove-if-present keep their meaning inside a batch; one bad write fails alone;
 * a fenced store refuses writes once its election znode is gone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import zookeeper from 'node-zookeeper-client';
import { MiniCluster, SparkConf } from '../../src/index.js';
import { MesosClusterDispatcher } from '../../src/deploy/MesosClusterDispatcher.js';
import { RestSubmissionClient } from '../../src/deploy/rest/RestSubmissionClient.js';
import { ZooKeeperPersistenceEngine } from '../../src/deploy/persistence/ZooKeeperPersistenceEngine.js';
import { FencedError, GroupCommit, OpRefusedError, takeBatch, type WriteOp } from '../../src/deploy/persistence/zkBatch.js';
import { zkCode } from '../../src/deploy/persistence/zkClient.js';
import { startZooKeeper } from '../helpers/zookeeper.js';
import { waitFor } from '../helpers/events.js';
import { parseResourcesSpec } from '../../src/minimesos/specs.js';

function connect(connectString: string): Promise<zookeeper.Client> {
  const c = zookeeper.createClient(connectString, { sessionTimeout: 4000 });
  return new Promise((resolve) => {
    c.once('connected', () => resolve(c));
    c.connect();
  });
}

const call = <T>(fn: (cb: (err: unknown, v: T) => void) => void) => new Promise<T>((res, rej) => fn((e, v) => (e ? rej(e as Error) : res(v))));

/** The creating transaction of each child of `dir`. */
async function czxids(c: zookeeper.Client, dir: string): Promise<string[]> {
  const names = await call<string[]>((cb) => c.getChildren(dir, cb));
  const stats = await Promise.all(names.map((n) => call<zookeeper.Stat>((cb) => c.exists(`${dir}/${n}`, cb))));
  return stats.map((s) => s.czxid.toString('hex'));
}

test('takeBatch: the longest prefix within the byte and op limits, never empty', () => {
  const op = (n: number): { op: WriteOp } => ({ op: { kind: 'set', path: 'p', data: Buffer.alloc(n) } });
  const cases: [number[], number, number, number][] = [
    // sizes, maxBytes, maxOps, taken
    [[10, 10, 10], 100, 10, 3],
    [[10, 10, 10], 22, 10, 2],
    [[500, 10], 100, 10, 1],
    [[10, 10, 10], 100, 2, 2],
    [[], 100, 10, 0],
  ];
  for (const [sizes, maxBytes, maxOps, taken] of cases) {
    const q = sizes.map(op);
    assert.equal(takeBatch(q, maxBytes, maxOps).length, taken, `${JSON.stringify(sizes)} ${maxBytes} ${maxOps}`);
    assert.equal(q.length, sizes.length - taken);
  }
});

test('GroupCommit: a failed batch is split only around the op ZooKeeper refused, never after a lost connection', async () => {
  // The exceptions the client library itself raises (its typings omit create).
  const zkError = (name: string) => (zookeeper.Exception as unknown as { create(code: number): Error }).create(zkCode(name));
  const cases: { fail: (ops: WriteOp[]) => Error | undefined; calls: number; rejected: string[] }[] = [
    // Unreachable ZooKeeper (after the store's own retries): one attempt, every caller fails; no op-by-op retries.
    { fail: () => zkError('CONNECTION_LOSS'), calls: 1, rejected: ['a', 'b', 'c', 'd'] },
    { fail: () => zkError('SESSION_EXPIRED'), calls: 1, rejected: ['a', 'b', 'c', 'd'] },
    { fail: () => zkError('OPERATION_TIMEOUT'), calls: 1, rejected: ['a', 'b', 'c', 'd'] },
    { fail: () => new FencedError('/e/x'), calls: 1, rejected: ['a', 'b', 'c', 'd'] },
    // ZooKeeper refused c: c fails, the other three commit together in one more multi-op.
    { fail: (ops) => { const i = ops.findIndex((o) => o.path === 'c'); return i >= 0 ? new OpRefusedError(i, zkError('NO_NODE')) : undefined; }, calls: 2, rejected: ['c'] },
  ];
  for (const { fail, calls, rejected } of cases) {
    const sent: string[][] = [];
    const gc = new GroupCommit(async (ops) => {
      sent.push(ops.map((o) => o.path));
      const err = fail(ops);
      if (err) throw err;
    });
    const results = await Promise.allSettled(['a', 'b', 'c', 'd'].map((path) => gc.write({ kind: 'delete', path })));
    const failed = ['a', 'b', 'c', 'd'].filter((_, i) => results[i]!.status === 'rejected');
    assert.deepEqual([sent.length, failed], [calls, rejected], `${String(fail([]) ?? 'refused')}: ${JSON.stringify(sent)}`);
  }
});

test('the ZooKeeper store: concurrent writes share multi-ops, keep create-or-replace and remove-if-present, fail alone, and are fenced', async () => {
  const zk = await startZooKeeper();
  const raw = await connect(zk.connectString);
  const store = await ZooKeeperPersistenceEngine.open(zk.connectString, '/gc');
  try {
    await store.persist('driverQueue', 'a', { v: 1 });
    // One batch: replace a, create b..z, remove a missing one and one created earlier in the same batch.
    const names = Array.from({ length: 40 }, (_, i) => `d${i}`);
    await Promise.all([
      store.persist('driverQueue', 'a', { v: 2 }),
      ...names.map((n) => store.persist('driverQueue', n, { n })),
      store.expunge('driverQueue', 'missing'),
      store.expunge('driverQueue', 'd0'),
    ]);
    assert.deepEqual(await store.fetch('driverQueue', 'a'), { v: 2 });
    assert.equal(await store.fetch('driverQueue', 'd0'), undefined);
    assert.equal((await store.fetchAll('driverQueue')).length, 40);
    const distinct = new Set(await czxids(raw, '/gc/driverQueue')).size;
    assert.ok(distinct <= 5, `41 znodes created by ${distinct} transactions`);
    assert.ok(store.batch.commits < store.batch.writes / 4, `${store.batch.writes} writes in ${store.batch.commits} multi-ops`);

    // A document over ZooKeeper's request limit fails at once, naming it.
    await assert.rejects(store.persist('finishedDrivers', 'big', { big: 'x'.repeat(1100 * 1024) }), /state document finishedDrivers\/big is [0-9]+ bytes, more than ZooKeeper takes/);
    // A write ZooKeeper refuses (its parent znode is missing) fails alone; the others in its batch are stored.
    const results = await Promise.allSettled([
      store.batch.write({ kind: 'set', path: '/gc/no-such-dir/x', data: Buffer.from('{}') }),
      ...['e1', 'e2', 'e3'].map((n) => store.persist('finishedDrivers', n, { n })),
    ]);
    assert.equal(results[0]!.status, 'rejected');
    assert.deepEqual(results.slice(1).map((r) => r.status), ['fulfilled', 'fulfilled', 'fulfilled']);
    assert.deepEqual((await store.fetchAll<{ n: string }>('finishedDrivers')).map((d) => d.n).sort(), ['e1', 'e2', 'e3']);

    // Fenced by a znode that is gone: nothing of the batch is written.
    const fence = await call<string>((cb) => raw.create('/gc/fence-', Buffer.alloc(0), zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL, cb));
    store.fence = fence;
    await store.persist('retryList', 'ok', {});
    await call<void>((cb) => raw.remove(fence, -1, (e) => cb(e, undefined)));
    const fenced = await Promise.allSettled([store.persist('retryList', 'f1', {}), store.persist('retryList', 'f2', {}), store.expunge('retryList', 'ok')]);
    for (const r of fenced) assert.ok(r.status === 'rejected' && r.reason instanceof FencedError, String((r as PromiseRejectedResult).reason));
    assert.deepEqual(await store.fetchAll('retryList'), [{}]);
  } finally {
    raw.close();
    await store.close();
    await zk.stop();
  }
});

test('concurrent REST submissions are stored in shared ZooKeeper multi-ops, each before its answer', async () => {
  const zk = await startZooKeeper();
  const cluster = await new MiniCluster({ agents: 1, resources: 'cpus:1;mem:1024' }).start();
  const raw = await connect(zk.connectString);
  const conf = new SparkConf({ 'spark.deploy.recoveryMode': 'ZOOKEEPER', 'spark.deploy.zookeeper.url': zk.connectString, 'spark.deploy.zookeeper.dir': '/gc_rest', 'spark.app.name': 'gc' });
  const d = new MesosClusterDispatcher({ host: '127.0.0.1', port: 0, webUiPort: 0, master: cluster.masterUrl }, conf);
  try {
    await d.start();
    const rest = new RestSubmissionClient(`mesos://127.0.0.1:${d.rest!.address!.port}`);
    // 64 driver cores: nothing launches, so every submission stays queued.
    const request = (n: number) => ({ appResource: 'http://repo.example/job.ts', mainClass: '', appArgs: [], sparkProperties: { 'spark.app.name': `gc-${n}`, 'spark.driver.cores': '64' }, environmentVariables: {} });
    const N = 48;
    const replies = await Promise.all(Array.from({ length: N }, async (_, n) => {
      const r = (await rest.createSubmission(request(n))) as { success?: boolean; submissionId?: string };
      // Answered only once stored: the znode is there when the answer arrives.
      assert.ok(r.success && r.submissionId, JSON.stringify(r));
      assert.ok(await call<zookeeper.Stat | null>((cb) => raw.exists(`/gc_rest/driverQueue/${r.submissionId}`, cb)), `${r.submissionId} stored before its answer`);
      return r.submissionId;
    }));
    assert.equal(new Set(replies).size, N);
    const distinct = new Set(await czxids(raw, '/gc_rest/driverQueue')).size;
    // One transaction each without group commit; how many share one depends on timing (8 here when idle, 25 under load).
    assert.ok(distinct <= (N * 3) / 4, `${N} submissions stored by ${distinct} ZooKeeper transactions`);
    assert.equal(d.scheduler!.counts.queued, N);
  } finally {
    raw.close();
    await d.stop();
    await cluster.stop();
    await zk.stop();
  }
});

test('drivers launched from one offer are stored as launched in shared ZooKeeper multi-ops', async () => {
  const zk = await startZooKeeper();
  // No agent yet: the drivers queue, then the first offer launches them all at once.
  const cluster = await new MiniCluster({ agents: 0 }).start();
  const raw = await connect(zk.connectString);
  const conf = new SparkConf({ 'spark.deploy.recoveryMode': 'ZOOKEEPER', 'spark.deploy.zookeeper.url': zk.connectString, 'spark.deploy.zookeeper.dir': '/gc_launch', 'spark.app.name': 'gc' });
  const d = new MesosClusterDispatcher({ host: '127.0.0.1', port: 0, webUiPort: 0, master: cluster.masterUrl }, conf);
  const fixture = `file://${fileURLToPath(new URL('../fixtures/exit-with.ts', import.meta.url))}`;
  try {
    await d.start();
    const rest = new RestSubmissionClient(`mesos://127.0.0.1:${d.rest!.address!.port}`);
    const N = 6;
    for (let n = 0; n < N; n++) {
      const r = (await rest.createSubmission({ appResource: fixture, mainClass: '', appArgs: ['60000', '0'], sparkProperties: { 'spark.app.name': `l-${n}`, 'spark.driver.memory': '64m' }, environmentVariables: {} })) as { success?: boolean };
      assert.ok(r.success, JSON.stringify(r));
    }
    await cluster.addAgent(parseResourcesSpec('cpus:8;mem:8192'));
    await waitFor(() => d.scheduler!.counts.launched === N, 30_000, `${N} drivers launched`);
    const distinct = new Set(await czxids(raw, '/gc_launch/launchedDrivers')).size;
    assert.ok(distinct <= 2, `${N} launches stored by ${distinct} ZooKeeper transactions`);
  } finally {
    raw.close();
    await d.stop();
    await cluster.stop();
    await zk.stop();
  }
});
