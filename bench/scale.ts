/**
 * Data sizes beyond memory (issue 13): a deterministic generated corpus (400 MB by default, `--mb N`, `--big` for
 * 2 GB), processed on `local[2]` and on mini-Mesos with two one-core executors of `spark.executor.memory=512m`, with
 * the baselines measured in the same run:
 *  - sort into 8 and into 1 partitions (saved as text), next to GNU `sort --parallel=2` (LC_ALL=C) on the same file;
 *  - word count, next to a single-thread hand-written stream-and-Map count;
 *  - distinct lines into one partition; a join of two tables of half the corpus size each;
 *  - each executor's peak RSS next to its container limit (executor memory + overhead);
 *  - the word count on skale 1.2.2 (npm), installed into bench/.cache on first use.
 * Run: npm run bench:scale -- [--mb N | --big] [--only local|mesos] [--no-skale]. Heavy at the default size: run it on an idle
 * machine.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { once } from 'node:events';
import { MiniCluster, SparkConf, SparkContext } from './package.js';

process.env.SPARK_MESOS_LOG_LEVEL ??= 'warn';
const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const MB = args.includes('--big') ? 2048 : Number(flag('--mb') ?? 400);
const only = flag('--only');
const EXECUTOR_MEMORY_MIB = 512;
const CONTAINER_MIB = EXECUTOR_MEMORY_MIB + Math.max(384, Math.floor(EXECUTOR_MEMORY_MIB * 0.1));

const dir = mkdtempSync(join(tmpdir(), 'bench-scale-'));
/** Seconds of our word count on local[2], for the skale comparison. */
let lastWordCount = 0;

/** Deterministic lines of words (an LCG over a fixed vocabulary of 5,000 words), about `mb` MB. */
async function writeCorpus(path: string, mb: number, seed: number, keyed = false): Promise<void> {
  const out = createWriteStream(path);
  let x = seed >>> 0;
  const rand = () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0);
  const vocab = Array.from({ length: 5000 }, (_, i) => `w${(i * 2654435761 >>> 0).toString(36)}`);
  let bytes = 0;
  const target = mb * 1024 * 1024;
  while (bytes < target) {
    let chunk = '';
    for (let l = 0; l < 2000; l++) {
      const words: string[] = [];
      for (let n = 6 + (rand() % 6); n > 0; n--) words.push(vocab[rand() % vocab.length]!);
      chunk += keyed ? `k${rand() % 1_000_000}\t${words.join(' ')}\n` : `${words.join(' ')}\n`;
    }
    bytes += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

async function timed<T>(f: () => Promise<T> | T): Promise<[number, T]> {
  const t0 = performance.now();
  const v = await f();
  return [(performance.now() - t0) / 1000, v];
}

async function handWrittenWordCount(path: string): Promise<number> {
  const counts = new Map<string, number>();
  let rest = '';
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop()!;
    for (const line of lines) for (const w of line.split(' ')) if (w) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  for (const w of rest.split(' ')) if (w) counts.set(w, (counts.get(w) ?? 0) + 1);
  return counts.size;
}

/** Peak RSS (MiB) of the executor processes of `appId` (Linux /proc: VmHWM). */
function executorPeaks(appId: string): number[] {
  const peaks: number[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (!cmd.includes('executor') || !cmd.includes(appId)) continue;
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (hwm) peaks.push(Math.round(Number(hwm[1]) / 1024));
    } catch {
      // the process ended meanwhile
    }
  }
  return peaks;
}

async function suite(label: string, sc: SparkContext, corpus: string, tables: [string, string], gnuSortS: number, handCountS: number): Promise<void> {
  const out = (name: string) => join(dir, `${label}-${name}-${Date.now()}`);
  const [sort8] = await timed(() => sc.textFile(corpus).sortBy((l) => l, true, 8).saveAsTextFile(out('sort8')));
  const [sort1] = await timed(() => sc.textFile(corpus).sortBy((l) => l, true, 1).saveAsTextFile(out('sort1')));
  const [wc, words] = await timed(() => sc.textFile(corpus).flatMap((l) => l.split(' ')).filter((w) => w !== '').map((w) => [w, 1] as [string, number]).reduceByKey((a, b) => a + b).count());
  if (label === 'local[2]') lastWordCount = wc;
  const [distinct, lines] = await timed(() => sc.textFile(corpus).distinct(1).count());
  const [join8, joined] = await timed(() => {
    const side = (p: string) => sc.textFile(p).map((l) => [l.slice(0, l.indexOf('\t')), l.length] as [string, number]);
    return side(tables[0]).join(side(tables[1]), 8).count();
  });
  console.log(`\n${label}`);
  console.log(`  sort into 8 partitions   ${sort8.toFixed(1)} s   ${(gnuSortS / sort8).toFixed(2)}x GNU sort --parallel=2 (${gnuSortS.toFixed(1)} s)`);
  console.log(`  sort into 1 partition    ${sort1.toFixed(1)} s   ${(gnuSortS / sort1).toFixed(2)}x GNU sort`);
  console.log(`  word count               ${wc.toFixed(1)} s   ${(handCountS / wc).toFixed(2)}x a hand-written stream-and-Map count (${handCountS.toFixed(1)} s; ${words} words)`);
  console.log(`  distinct lines (1 part.) ${distinct.toFixed(1)} s   (${lines} lines)`);
  console.log(`  join of two tables       ${join8.toFixed(1)} s   (${joined} rows)`);
}

async function main(): Promise<void> {
  const corpus = join(dir, 'corpus.txt');
  const tables: [string, string] = [join(dir, 'left.tsv'), join(dir, 'right.tsv')];
  await writeCorpus(corpus, MB, 1);
  await writeCorpus(tables[0], MB / 2, 2, true);
  await writeCorpus(tables[1], MB / 2, 3, true);
  console.log(`corpus ${MB} MB, tables 2 × ${MB / 2} MB in ${dir}`);
  const [gnuSortS, r] = await timed(() => spawnSync('sort', ['--parallel=2', '-o', join(dir, 'gnu-sorted.txt'), corpus], { env: { ...process.env, LC_ALL: 'C' } }));
  if (r.status !== 0) throw new Error(`GNU sort failed: ${r.stderr}`);
  const [handCountS] = await timed(() => handWrittenWordCount(corpus));
  if (only !== 'mesos') {
    const sc = new SparkContext(new SparkConf().setMaster('local[2]').setAppName('bench-scale').set('spark.ui.enabled', 'false').set('spark.local.dir', dir));
    await sc.ready();
    try {
      await suite('local[2]', sc, corpus, tables, gnuSortS, handCountS);
      console.log(`  driver peak RSS          ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB (local mode: no container)`);
    } finally {
      await sc.stop();
    }
  }
  if (only !== 'local') {
    const cluster = await new MiniCluster({ agents: 2, resources: `cpus:1;mem:${CONTAINER_MIB + 128}` }).start();
    try {
      const sc = new SparkContext(new SparkConf().setMaster(cluster.masterUrl).setAppName('bench-scale').set('spark.ui.enabled', 'false')
        .set('spark.executor.memory', `${EXECUTOR_MEMORY_MIB}m`).set('spark.executor.cores', '1').set('spark.cores.max', '2'));
      await sc.ready();
      try {
        while (sc.executorIds.length < 2) await new Promise((res) => setTimeout(res, 20));
        await suite('mini-Mesos, 2 executors × 1 core, spark.executor.memory=512m', sc, corpus, tables, gnuSortS, handCountS);
        const peaks = executorPeaks(sc.applicationId);
        console.log(`  executor peak RSS        ${peaks.map((p) => `${p} MiB`).join(', ') || 'not found'} (container limit ${CONTAINER_MIB} MiB)${peaks.some((p) => p > CONTAINER_MIB) ? '  ABOVE THE LIMIT' : ''}`);
      } finally {
        await sc.stop();
      }
    } finally {
      await cluster.stop();
    }
  }
  skaleWordCount(corpus, handCountS);
}

/**
 * The same word count on skale 1.2.2 with two workers. Installed on first use into bench/.cache (with
 * --ignore-scripts: its optional native dependency does not build here); `--no-skale` skips it.
 */
function skaleWordCount(corpus: string, handCountS: number): void {
  if (args.includes('--no-skale')) return;
  const cache = join(import.meta.dirname, '.cache', 'skale');
  const module = join(cache, 'node_modules', 'skale');
  if (!existsSync(module)) {
    mkdirSync(cache, { recursive: true });
    const npm = spawnSync('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--prefix', cache, 'skale@1.2.2'], { encoding: 'utf8' });
    if (npm.status !== 0) {
      console.log(`\nskale: could not install skale@1.2.2 (${npm.stderr.trim().split('\n').at(-1)}); not measured`);
      return;
    }
  }
  const run = spawnSync(process.execPath, [join(import.meta.dirname, 'skale-wordcount.cjs'), corpus], {
    encoding: 'utf8', env: { ...process.env, SKALE_WORKERS: '2', SKALE_MODULE: module, NODE_NO_WARNINGS: '1' },
  });
  const line = run.stdout.trim().split('\n').at(-1) ?? '';
  if (run.status !== 0 || !line.startsWith('{')) {
    console.log(`\nskale: the word count failed (${run.stderr.trim().split('\n').at(-1)})`);
    return;
  }
  const { words, seconds } = JSON.parse(line) as { words: number; seconds: number };
  console.log(`\nskale 1.2.2, 2 workers`);
  console.log(`  word count               ${seconds.toFixed(1)} s   ${(handCountS / seconds).toFixed(2)}x the hand-written count (${words} words)`);
  if (lastWordCount) console.log(`  ours on local[2] against skale: ${(seconds / lastWordCount).toFixed(2)}x its speed`);
}

main().finally(() => rmSync(dir, { recursive: true, force: true })).catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
