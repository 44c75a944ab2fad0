/**
 * The cost of the UI and the event log on scheduling-bound work, as pairs: each pair times a job of 10,000 empty
 * tasks on local[2] in an application with both off and in one with both on (best of three jobs each, after a
 * 1,000-task warm-up), the side that goes first alternating. It prints the median and quartiles of the pairs' ratios
 * (on/off; target: at least 0.95), which on a noisy machine say more than one pair or the best of each side
 * (bench/engine section 4).
 * Run: npm run bench:ui-cost -- [pairs]   (default 10; builds dist first, which the bench runs)
 */
import { performance } from 'node:perf_hooks';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkConf, SparkContext } from './package.js';

process.env.SPARK_MESOS_LOG_LEVEL ??= 'warn';
const PAIRS = Number(process.argv[2] ?? 10);
const TASKS = 10_000;
const logDir = mkdtempSync(join(tmpdir(), 'bench-ui-cost-'));
const off = { 'spark.ui.enabled': 'false', 'spark.eventLog.enabled': 'false' };
const on = { 'spark.ui.enabled': 'true', 'spark.ui.port': '0', 'spark.eventLog.enabled': 'true', 'spark.eventLog.dir': logDir, 'spark.eventLog.overwrite': 'true' };

/** Tasks per second: the best of three jobs in a new application. */
async function rate(settings: Record<string, string>): Promise<number> {
  const ctx = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('bench-ui-cost').setAll(settings));
  try {
    await ctx.ready();
    await ctx.parallelize([] as number[], 1000).count();
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      await ctx.parallelize([] as number[], TASKS).count();
      best = Math.min(best, performance.now() - t0);
    }
    return (TASKS / best) * 1000;
  } finally {
    await ctx.stop();
  }
}

const ratios: number[] = [];
for (let i = 0; i < PAIRS; i++) {
  let offRate: number;
  let onRate: number;
  if (i % 2 === 0) {
    offRate = await rate(off);
    onRate = await rate(on);
  } else {
    onRate = await rate(on);
    offRate = await rate(off);
  }
  ratios.push(onRate / offRate);
}
rmSync(logDir, { recursive: true, force: true });
const sorted = [...ratios].sort((a, b) => a - b);
const at = (q: number) => sorted[Math.round(q * (sorted.length - 1))]!.toFixed(2);
console.log(`UI and event log on vs both off, ${PAIRS} pairs of ${TASKS.toLocaleString('en')}-task jobs: median ${at(0.5)} (target >= 0.95), quartiles ${at(0.25)}-${at(0.75)}, all ${sorted.map((r) => r.toFixed(2)).join(' ')}`);
