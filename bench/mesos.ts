/**
 * The coarse-grained Mesos backend on mini-Mesos, with baselines measured in the same run:
 *  1. time from `new SparkContext` to 8 registered executors on a 4-agent cluster (2 cpus each), next to the time
 *     the `mesos-framework` npm library takes to get 8 one-cpu tasks running on an identical cluster;
 *  2. the offer decision for one OFFERS event of 1,000 offers, in microseconds per offer;
 *  3. short tasks per second through the fine-grained backend (each task its own Mesos task), next to the coarse
 *     backend running the same jobs on the same kind of cluster (each task over the driver's own connection);
 *  4. executor launch time with the driver and agents as processes on one host (the baseline), then with the
 *     master, each agent and the driver on simulated hosts of their own (`mini-cluster --hosts`; root only).
 * Run: npx tsx bench/mesos.ts
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { SparkConf, SparkContext, MiniCluster, MesosSchedulerUtils, planOffers, effectiveMaxCores } from '../src/index.js';
import { HostsCluster } from '../src/minimesos/hosts/HostsCluster.js';
import { hostsUnsupported } from '../src/minimesos/hosts/HostNetwork.js';
import type { Offer } from '../src/mesos/wire/framework.js';

process.env.SPARK_MESOS_LOG_LEVEL ??= 'warn';
const clusterOpts = { agents: 4, resources: 'cpus:2;mem:4096;ports:[31000-31100]' };

async function ours(): Promise<number> {
  const cluster = await new MiniCluster(clusterOpts).start();
  try {
    const t0 = performance.now();
    const sc = new SparkContext(new SparkConf().setMaster(cluster.masterUrl).setAppName('bench-mesos').set('spark.executor.cores', '1').set('spark.executor.memory', '256m').set('spark.ui.enabled', 'false'));
    await sc.ready();
    while (sc.executorIds.length < 8) await new Promise((r) => setTimeout(r, 5));
    const ms = performance.now() - t0;
    await sc.stop();
    return ms;
  } finally {
    await cluster.stop();
  }
}

async function baseline(): Promise<string> {
  const cluster = await new MiniCluster(clusterOpts).start();
  try {
    const script = fileURLToPath(new URL('./mesos-framework-client.cjs', import.meta.url));
    // The library writes log files into ./logs: give it a directory of its own.
    const cwd = mkdtempSync(`${tmpdir()}/mf-`);
    mkdirSync(`${cwd}/logs`);
    const out = await new Promise<string>((resolve) => {
      const p = spawn(process.execPath, [script, String(cluster.master.endpoint.port), '8'], { cwd, env: { ...process.env, NODE_PATH: fileURLToPath(new URL('../node_modules', import.meta.url)) }, stdio: ['ignore', 'pipe', 'ignore'] });
      let s = '';
      p.stdout.on('data', (d) => (s += d));
      p.on('exit', () => resolve(s));
    });
    return out.trim();
  } finally {
    await cluster.stop();
  }
}

function decisionMicrosPerOffer(): number {
  const offers: Offer[] = Array.from({ length: 1000 }, (_, i) => ({
    id: { value: `O${i}` }, framework_id: { value: 'F' }, agent_id: { value: `S${i}` }, hostname: `h${i}`,
    resources: [
      { name: 'cpus', type: 'SCALAR', scalar: { value: 8 }, role: '*' },
      { name: 'mem', type: 'SCALAR', scalar: { value: 32768 }, role: '*' },
      { name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 31000, end: 32000 }] }, role: '*' },
    ],
    attributes: [{ name: 'zone', type: 'TEXT', text: { value: i % 2 ? 'a' : 'b' } }],
  }));
  const cfg = {
    maxCores: effectiveMaxCores(4000, 2), executorCores: 2, executorMemory: 2432, maxGpus: 0,
    constraints: MesosSchedulerUtils.parseConstraintString('zone:a'), ports: [], rejectUnmetConstraintsSeconds: 120, rejectMaxCoresSeconds: 120,
  };
  const state = { stopping: false, totalCoresAcquired: 0, totalGpusAcquired: 0, numExecutors: 0, executorLimit: Infinity, agentFailures: new Map(), satisfiesLocality: () => true };
  for (let i = 0; i < 5; i++) planOffers(offers, cfg, state);
  let best = Infinity;
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    planOffers(offers, cfg, state);
    best = Math.min(best, performance.now() - t0);
  }
  return (best * 1000) / offers.length;
}

/** Tasks per second for jobs of 64 near-empty tasks, after one warm-up job (executors started). */
async function tasksPerSecond(coarse: boolean): Promise<number> {
  const cluster = await new MiniCluster({ ...clusterOpts, master: { allocationIntervalMs: 50 } }).start();
  try {
    const sc = new SparkContext(new SparkConf().setMaster(cluster.masterUrl).setAppName(`bench-${coarse ? 'coarse' : 'fine'}`)
      .set('spark.mesos.coarse', String(coarse)).set('spark.executor.cores', '1').set('spark.executor.memory', '256m').set('spark.ui.enabled', 'false'));
    try {
      await sc.ready();
      const job = () => sc.parallelize(Array.from({ length: 64 }, (_, i) => i), 64).map((x) => x + 1).count();
      await job();
      const jobs = 5;
      const t0 = performance.now();
      for (let i = 0; i < jobs; i++) await job();
      return (jobs * 64 * 1000) / (performance.now() - t0);
    } finally {
      await sc.stop();
    }
  } finally {
    await cluster.stop();
  }
}

const oursMs = await ours();
const base = await baseline();
const baseMs = Number(/RUNNING_MS ([0-9]+)/.exec(base)?.[1] ?? NaN);
console.log(`1. SparkContext start to 8 registered executors (4 agents): ${oursMs.toFixed(0)} ms`);
console.log(`   mesos-framework 0.5.3, 8 tasks running on the same kind of cluster: ${Number.isNaN(baseMs) ? base : `${baseMs} ms`}; ratio ${(baseMs / oursMs).toFixed(2)}x faster`);
console.log(`2. offer decision, one OFFERS event of 1,000 offers: ${decisionMicrosPerOffer().toFixed(1)} µs per offer`);
const fineTps = await tasksPerSecond(false);
const coarseTps = await tasksPerSecond(true);
console.log(`3. fine-grained mode: ${fineTps.toFixed(0)} tasks/s; coarse-grained mode: ${coarseTps.toFixed(0)} tasks/s (fine/coarse ${(fineTps / coarseTps).toFixed(2)})`);

interface Launch { registered: number[]; all: number; firstJob: number }

/** Runs bench/mesos-launch-driver.ts (through `wrap`, e.g. onto a simulated host) and parses its LAUNCH line. */
function launchDriver(run: (argv: string[]) => Promise<{ code: number | null; out: string; err: string }>, master: string): Promise<Launch> {
  const script = fileURLToPath(new URL('./mesos-launch-driver.ts', import.meta.url));
  return run([process.execPath, '--import', 'tsx', script, master, String(LAUNCH_EXECUTORS)]).then((r) => {
    const line = /LAUNCH (.*)/.exec(r.out)?.[1];
    if (r.code !== 0 || !line) throw new Error(`launch driver failed (${r.code}): ${r.err.slice(-2000)}`);
    return JSON.parse(line) as Launch;
  });
}

const LAUNCH_EXECUTORS = 4;
const launchResources = 'cpus:2;mem:4096;ports:[31000-31100]';

async function launchSingleHost(): Promise<Launch> {
  const cluster = await new MiniCluster({ agents: 2, resources: launchResources, agentProcesses: true }).start();
  try {
    return await launchDriver((argv) => new Promise((resolve) => {
      const p = spawn(argv[0]!, argv.slice(1), { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      p.stdout.on('data', (c) => (out += c));
      p.stderr.on('data', (c) => (err += c));
      p.once('exit', (code) => resolve({ code, out, err }));
    }), cluster.masterUrl);
  } finally {
    await cluster.stop();
  }
}

async function launchHosts(): Promise<Launch> {
  const cluster = new HostsCluster({ agents: 2, resources: launchResources });
  try {
    await cluster.start();
    return await launchDriver((argv) => cluster.run('driver', argv, { cwd: fileURLToPath(new URL('..', import.meta.url)) }), cluster.masterUrl);
  } finally {
    await cluster.stop();
  }
}

const fmt = (l: Launch) => `first executor registered after ${l.registered[0]!.toFixed(0)} ms, all ${LAUNCH_EXECUTORS} after ${l.all.toFixed(0)} ms, first job done after ${l.firstJob.toFixed(0)} ms`;
const single = await launchSingleHost();
console.log(`4. executor launch, 2 agent processes, ${LAUNCH_EXECUTORS} executors, driver in its own process (from new SparkContext):`);
console.log(`   single host: ${fmt(single)}`);
const noHosts = hostsUnsupported();
if (noHosts) console.log(`   --hosts: skipped (${noHosts})`);
else {
  const hosts = await launchHosts();
  console.log(`   --hosts (master, agents and driver on simulated hosts): ${fmt(hosts)}; all executors ${(hosts.all / single.all).toFixed(2)}x the single-host time`);
}
