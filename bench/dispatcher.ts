/**
 * The dispatcher with ZooKeeper persistence (a real ZooKeeper server on 127.0.0.1), with baselines measured in the
 * same run:
 *  1. submissions per second through the REST API, each stored in ZooKeeper before it is acknowledged: 32 in flight
 *     (concurrent submissions share ZooKeeper multi-ops) and, for reference, one at a time; next to a bare loop of
 *     sequential ZooKeeper creates of the same documents (one create in flight: the ratio's baseline, as the
 *     issue measured it; measured in alternation with the REST rounds, medians of 3 compared) and a bare pipelined loop (32 creates in flight, an upper bound). The REST load comes from
 *     this process (node:http, keep-alive), sharing its CPU with the dispatcher;
 *  2. restart recovery with 1,000 persisted drivers (start to ready: read the state, register with Mesos, take
 *     requests), next to a bare read of the same znodes.
 * Run: npm run bench:dispatcher
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import zookeeper from 'node-zookeeper-client';
import { MiniCluster, SparkConf } from '../src/index.js';
import { MesosClusterDispatcher } from '../src/deploy/MesosClusterDispatcher.js';
import { describeDriver } from '../src/deploy/mesos/MesosDriverDescription.js';
import { startZooKeeper } from '../test/helpers/zookeeper.js';

const SUBMISSIONS = 500;
const IN_FLIGHT = 32;
const ROUNDS = 3;

/** Runs `n` calls of `fn` with `width` in flight; returns the calls per second. */
async function rate(n: number, width: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < n) await fn(next++);
  }));
  return (n * 1000) / (performance.now() - t0);
}
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
    'spark.mesos.maxDrivers': String(RECOVERED * 5), 'spark.app.name': 'bench-dispatcher',
  });

  // 1. Submissions through REST (none can launch: 64 driver cores), each persisted before the answer.
  const d = new MesosClusterDispatcher({ host: '127.0.0.1', port: 0, webUiPort: 0, master: cluster.masterUrl }, conf('/bench_rest'));
  await d.start();
  // The load generator shares this process (and the machine's cores) with the dispatcher, so it is a lean one:
  // node:http with keep-alive rather than fetch, which costs more CPU per request than the dispatcher itself.
  const agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  const port = d.rest!.address!.port;
  const submit = (i: number) => new Promise<void>((resolve, reject) => {
    const body = JSON.stringify({ action: 'CreateSubmissionRequest', clientSparkVersion: '3.5.1', ...request(i) });
    const req = http.request({ host: '127.0.0.1', port, path: '/v1/submissions/create', method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => ((JSON.parse(text) as { success?: boolean }).success ? resolve() : reject(new Error(`submission failed: ${text}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
  for (let i = 0; i < 20; i++) await submit(i);
  const sample = d.scheduler!.state().queued[0]!;
  const raw = await zkClient(zk.connectString);
  await call((cb) => raw.mkdirp('/bench_bare', cb));
  const doc = Buffer.from(JSON.stringify(sample));
  for (let i = 0; i < 20; i++) await call((cb) => raw.create(`/bench_bare/warm-${i}`, doc, cb));
  // The machine is shared: the two are measured in alternation, ROUNDS times, and the medians compared.
  const batch = () => (d.scheduler as unknown as { store: { batch: { commits: number; writes: number } } }).store.batch;
  const rest: number[] = [];
  const bare: number[] = [];
  const [commits0, writes0] = [batch().commits, batch().writes];
  let next = 20;
  for (let round = 0; round < ROUNDS; round++) {
    bare.push(await rate(SUBMISSIONS, 1, (i) => call((cb) => raw.create(`/bench_bare/n-${round}-${i}`, doc, cb))));
    rest.push(await rate(SUBMISSIONS, IN_FLIGHT, () => submit(next++)));
  }
  const [commits, writes] = [batch().commits - commits0, batch().writes - writes0];
  const restSeqPerSec = await rate(SUBMISSIONS, 1, () => submit(next++));
  const barePipelinedPerSec = await rate(SUBMISSIONS, IN_FLIGHT, (i) => call((cb) => raw.create(`/bench_bare/p-${i}`, doc, cb)));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  const [restPerSec, barePerSec] = [median(rest), median(bare)];
  agent.destroy();
  await d.stop();

  let t0: number;

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

  const list = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
  console.log(`1. REST submissions persisted in ZooKeeper before the answer, ${IN_FLIGHT} in flight: ${restPerSec.toFixed(0)}/s (median of ${list(rest)}; ${writes} writes in ${commits} ZooKeeper multi-ops); one at a time: ${restSeqPerSec.toFixed(0)}/s`);
  console.log(`   bare ZooKeeper create loop of the same documents, sequential (one create in flight): ${barePerSec.toFixed(0)}/s (median of ${list(bare)}; ratio ${(restPerSec / barePerSec).toFixed(2)}); pipelined, ${IN_FLIGHT} in flight: ${barePipelinedPerSec.toFixed(0)}/s (ratio ${(restPerSec / barePipelinedPerSec).toFixed(2)})`);
  console.log(`2. restart with ${RECOVERED} persisted drivers, start to ready (incl. Mesos registration): ${recoverMs.toFixed(0)} ms; bare read of the same znodes: ${bareReadMs.toFixed(0)} ms (ratio ${(recoverMs / bareReadMs).toFixed(2)})`);
} finally {
  await cluster.stop();
  await zk.stop();
}
