/**
 * The cost of the UI and the event log on scheduling-bound work, as pairs: each pair times a job of 10,000 empty
 * tasks on local[2] in an application with both off and in one with both on (best of three jobs each, after a
 * 1,000-task warm-up), the side that goes first alternating. It prints the median and quartiles of the pairs' ratios
 * (on/off; target: at least 0.95), which on a noisy machine say more than one pair or the best of each side
 * (bench/engine section 4).
 * It also prints why, per task of the timed jobs (medians): the process's CPU time, and how long the scheduling
 * thread was ready to run but waited for a core (Linux `schedstat`). On a machine whose cores the job keeps busy,
 * the listener thread's CPU shows as that wait, and the wait as fewer tasks/s.
 * Run: npm run bench:ui-cost -- [pairs]   (default 10; builds dist first, which the bench runs)
 */
import { performance } from 'node:perf_hooks';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkConf, SparkContext } from './package.js';

process.env.SPARK_MESOS_LOG_LEVEL ??= 'warn';
const PAIRS = Number(process.argv[2] ?? 10);
const TASKS = 10_000;
const logDir = mkdtempSync(join(tmpdir(), 'bench-ui-cost-'));
const off = { 'spark.ui.enabled': 'false', 'spark.eventLog.enabled': 'false' };
const on = { 'spark.ui.enabled': 'true', 'spark.ui.port': '0', 'spark.eventLog.enabled': 'true', 'spark.eventLog.dir': logDir, 'spark.eventLog.overwrite': 'true' };

/** Nanoseconds this thread has waited for a core while ready to run; undefined where the kernel does not tell. */
function waitedNs(): number | undefined {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[1]);
  } catch {
    return undefined;
  }
}

interface Side { rate: number; cpuUs: number; waitUs: number | undefined }

/** Tasks per second (the best of three jobs in a new application), with CPU and wait per task over the three. */
async function measure(settings: Record<string, string>): Promise<Side> {
  const ctx = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('bench-ui-cost').setAll(settings));
  try {
    await ctx.ready();
    await ctx.parallelize([] as number[], 1000).count();
    let best = Infinity;
    const cpu0 = process.cpuUsage();
    const wait0 = waitedNs();
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      await ctx.parallelize([] as number[], TASKS).count();
      best = Math.min(best, performance.now() - t0);
    }
    const cpu = process.cpuUsage(cpu0);
    const wait1 = waitedNs();
    return {
      rate: (TASKS / best) * 1000,
      cpuUs: (cpu.user + cpu.system) / (3 * TASKS),
      waitUs: wait0 === undefined || wait1 === undefined ? undefined : (wait1 - wait0) / 1000 / (3 * TASKS),
    };
  } finally {
    await ctx.stop();
  }
}

const ratios: number[] = [];
const offs: Side[] = [];
const ons: Side[] = [];
for (let i = 0; i < PAIRS; i++) {
  if (i % 2 === 0) {
    offs.push(await measure(off));
    ons.push(await measure(on));
  } else {
    ons.push(await measure(on));
    offs.push(await measure(off));
  }
  ratios.push(ons[i]!.rate / offs[i]!.rate);
}
rmSync(logDir, { recursive: true, force: true });
const sorted = [...ratios].sort((a, b) => a - b);
const at = (q: number) => sorted[Math.round(q * (sorted.length - 1))]!.toFixed(2);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const us = (sides: Side[], f: (s: Side) => number | undefined) => {
  const xs = sides.map(f).filter((x): x is number => x !== undefined);
  return xs.length ? `${median(xs).toFixed(1)} µs` : 'unknown';
};
console.log(`UI and event log on vs both off, ${PAIRS} pairs of ${TASKS.toLocaleString('en')}-task jobs: median ${at(0.5)} (target >= 0.95), quartiles ${at(0.25)}-${at(0.75)}, all ${sorted.map((r) => r.toFixed(2)).join(' ')}`);
console.log(`per task (medians): process CPU ${us(offs, (s) => s.cpuUs)} off, ${us(ons, (s) => s.cpuUs)} on; scheduling thread waiting for a core ${us(offs, (s) => s.waitUs)} off, ${us(ons, (s) => s.waitUs)} on`);
