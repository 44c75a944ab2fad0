/**
 * The dispatcher with ZooKeeper persistence (a real ZooKeeper server on 127.0.0.1), with baselines measured in the
 * same run:
 *  1. submissions per second through the REST API, one at a time, each stored in ZooKeeper before it is
 *     acknowledged, next to a bare loop of ZooKeeper writes of the same documents;
 *  2. restart recovery with 1,000 persisted drivers (start to ready: read the state, register with Mesos, take
 *     requests), next to a bare read of the same znodes.
 * Run: npm run bench:dispatcher
 */
import { performance } from 'node:perf_hooks';
import zookeeper from 'node-zookeeper-client';
import { MiniCluster, SparkConf } from '../src/index.js';
import { MesosClusterDispatcher } from '../src/deploy/MesosClusterDispatcher.js';
import { RestSubmissionClient } from '../src/deploy/rest/RestSubmissionClient.js';
import { describeDriver } from '../src/deploy/mesos/MesosDriverDescription.js';
import { startZooKeeper } from '../test/helpers/zookeeper.js';

const SUBMISSIONS = 500;
const RECOVERED = 1000;

const request = (n: number) => ({
  appResource: 'http://repo.example/apps/job.ts', mainClass: '', appArgs: ['100'],
  sparkProperties: { 'spark.app.name': `bench-${n}`, 'spark.driver.memory': '512m', 'spark.driver.cores': '64', 'spark.executor.memory': '1g' },
  environmentVariables: { SPARK_USER: 'bench' },
});

function zkClient(connect: string): Promise<zookeeper.Client> {
  const c = zookeeper.createClient(connect);
  return new Promise((resolve) => {
    c.once('connected', () => resolve(c));
    c.connect();
  });
}
const call = <T>(fn: (cb: (err: unknown, v: T) => void) => void) => new Promise<T>((res, rej) => fn((e, v) => (e ? rej(e) : res(v))));

const zk = await startZooKeeper();
const cluster = await new MiniCluster({ agents: 1, resources: 'cpus:2;mem:4096' }).start();
try {
  const conf = (dir: string) => new SparkConf({
    'spark.deploy.recoveryMode': 'ZOOKEEPER', 'spark.deploy.zookeeper.url': zk.connectString, 'spark.deploy.zookeeper.dir': dir,
    'spark.mesos.maxDrivers': String(RECOVERED * 2), 'spark.app.name': 'bench-dispatcher',
  });

  // 1. Submissions through REST (none can launch: 64 driver cores), each persisted before the answer.
  const d = new MesosClusterDispatcher({ host: '127.0.0.1', port: 0, webUiPort: 0, master: cluster.masterUrl }, conf('/bench_rest'));
  await d.start();
  const rest = new RestSubmissionClient(`mesos://127.0.0.1:${d.rest!.address!.port}`);
  for (let i = 0; i < 20; i++) await rest.createSubmission(request(i));
  let t0 = performance.now();
  for (let i = 0; i < SUBMISSIONS; i++) await rest.createSubmission(request(i));
  const restPerSec = (SUBMISSIONS * 1000) / (performance.now() - t0);
  const sample = d.scheduler!.state().queued[0]!;
  await d.stop();

  const raw = await zkClient(zk.connectString);
  await call((cb) => raw.mkdirp('/bench_bare', cb));
  const doc = Buffer.from(JSON.stringify(sample));
  for (let i = 0; i < 20; i++) await call((cb) => raw.create(`/bench_bare/warm-${i}`, doc, cb));
  t0 = performance.now();
  for (let i = 0; i < SUBMISSIONS; i++) await call((cb) => raw.create(`/bench_bare/n-${i}`, doc, cb));
  const barePerSec = (SUBMISSIONS * 1000) / (performance.now() - t0);

  // 2. Recovery of 1,000 queued drivers.
  await call((cb) => raw.mkdirp('/bench_recover/driverQueue', cb));
  for (let i = 0; i < RECOVERED; i++) {
    const desc = describeDriver({ action: 'CreateSubmissionRequest', clientSparkVersion: '3.5.1', ...request(i) }, `driver-20261201000000-${String(i).padStart(4, '0')}`, Date.now(), i);
    await call((cb) => raw.create(`/bench_recover/driverQueue/${desc.submissionId}`, Buffer.from(JSON.stringify(desc)), cb));
  }
  const bareRead = async () => {
    const names = await call<string[]>((cb) => raw.getChildren('/bench_recover/driverQueue', cb));
    const docs = await Promise.all(names.map((n) => call<Buffer>((cb) => raw.getData(`/bench_recover/driverQueue/${n}`, cb))));
    return docs.map((b) => JSON.parse(b.toString()) as unknown).length;
  };
  await bareRead();
  t0 = performance.now();
  await bareRead();
  const bareReadMs = performance.now() - t0;
  raw.close();

  t0 = performance.now();
  const r = new MesosClusterDispatcher({ host: '127.0.0.1', port: 0, webUiPort: 0, master: cluster.masterUrl }, conf('/bench_recover'));
  await r.start();
  const recoverMs = performance.now() - t0;
  const restored = r.scheduler!.counts.queued;
  await r.stop();
  if (restored !== RECOVERED) throw new Error(`restored ${restored} of ${RECOVERED} drivers`);

  console.log(`1. REST submissions persisted in ZooKeeper before the answer: ${restPerSec.toFixed(0)}/s; bare ZooKeeper create loop of the same documents: ${barePerSec.toFixed(0)}/s (ratio ${(restPerSec / barePerSec).toFixed(2)})`);
  console.log(`2. restart with ${RECOVERED} persisted drivers, start to ready (incl. Mesos registration): ${recoverMs.toFixed(0)} ms; bare read of the same znodes: ${bareReadMs.toFixed(0)} ms (ratio ${(recoverMs / bareReadMs).toFixed(2)})`);
} finally {
  await cluster.stop();
  await zk.stop();
}
