/**
 * The submit CLI running the examples in separate processes (they import the built package, so `npm test` builds
 * first), and its argument errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], {
      cwd: root,
      env: { ...process.env, SPARK_MESOS_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (c) => (out += c));
    p.stderr.on('data', (c) => (err += c));
    p.on('exit', (code) => resolve({ code, out, err }));
  });
}

test('the Pi example estimates pi', async () => {
  const r = await run(['submit', '--master', 'local[2]', 'examples/pi.ts', '20']);
  assert.equal(r.code, 0, r.err);
  const m = /Pi is roughly ([0-9.]+)/.exec(r.out);
  assert.ok(m, r.out);
  assert.ok(Math.abs(Number(m[1]) - Math.PI) < 0.05, `estimate ${m[1]}`);
});

test('the word count example counts the bundled text', async () => {
  const r = await run(['submit', '--master', 'local[2]', '--name', 'wc', 'examples/wordcount.ts', join(root, 'examples/data/words.txt'), '5']);
  assert.equal(r.code, 0, r.err);
  const counts = new Map<string, number>();
  for (const w of readFileSync(join(root, 'examples/data/words.txt'), 'utf8').toLowerCase().split(/[^a-z']+/).filter(Boolean)) counts.set(w, (counts.get(w) ?? 0) + 1);
  const lines = r.out.trim().split('\n');
  const top = lines.slice(0, 5).map((l) => l.split('\t'));
  const best = Math.max(...counts.values());
  assert.equal(Number(top[0]![1]), best);
  for (const [w, n] of top) assert.equal(counts.get(w!), Number(n), w);
  assert.equal(lines[5], `distinct words: ${counts.size}`);
});

test('the join example sums revenue per country', async () => {
  const r = await run(['submit', '--master', 'local[2]', 'examples/join.ts']);
  assert.equal(r.code, 0, r.err);
  const country: Record<number, string> = { 1: 'UK', 2: 'US', 3: 'FI', 4: 'US' };
  const want = new Map<string, number>();
  let unmatched = 0;
  for (let i = 0; i < 1000; i++) {
    const c = country[1 + (i % 5)];
    if (c) want.set(c, (want.get(c) ?? 0) + (i % 7) * 10 + 5);
    else unmatched++;
  }
  const expected = [...want].sort(([a], [b]) => (a < b ? -1 : 1)).map(([c, n]) => `${c}\t${n}`).join('\n');
  assert.equal(r.out.trim(), `${expected}\norders without a customer: ${unmatched}`);
});

test('configuration reaches the application: --conf, --properties-file, flags; app arguments', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'submit-'));
  const app = join(dir, 'show.mjs');
  writeFileSync(app, `import { SparkConf } from 'spark-mesos';\nconst c = new SparkConf();\nconsole.log(JSON.stringify({ args: process.argv.slice(2), master: c.get('spark.master'), name: c.get('spark.app.name'), mem: c.get('spark.executor.memory'), cores: c.get('spark.cores.max'), x: c.get('spark.x'), y: c.get('spark.y') }));\n`);
  const props = join(dir, 'defaults.conf');
  writeFileSync(props, 'spark.x from-file\nspark.y from-file\n');
  const r = await run(['submit', '--master', 'local[1]', '--properties-file', props, '--conf', 'spark.y=from-conf', '--executor-memory', '2g', '--total-executor-cores', '6', app, 'a1', '--flag-for-app']);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(JSON.parse(r.out), { args: ['a1', '--flag-for-app'], master: 'local[1]', name: 'show', mem: '2g', cores: '6', x: 'from-file', y: 'from-conf' });
});

test('bad arguments: a clear message and exit code 1', async () => {
  const cases: [string[], RegExp][] = [
    [['submit', '--executor-memory', '2x', 'examples/pi.ts'], /--executor-memory: spark\.executor\.memory should be .*unknown size unit 'x'/],
    [['submit', '--executor-cores', 'many', 'examples/pi.ts'], /--executor-cores: spark\.executor\.cores should be a whole number, but was 'many'/],
    [['submit', '--conf', 'novalue', 'examples/pi.ts'], /--conf expects key=value, but got 'novalue'/],
    [['submit', '--bogus', 'examples/pi.ts'], /unknown option '--bogus'/],
    [['submit', '--deploy-mode', 'remote', 'examples/pi.ts'], /--deploy-mode.*Allowed choices are client, cluster/],
    [['submit', 'examples/nope.ts'], /application file 'examples\/nope\.ts' does not exist/],
    [['submit'], /missing the application file/],
    [['submit', '--master', 'local[2]', '--kill', 'driver-1'], /need the dispatcher's URL as master \(mesos:\/\/host:port, .*\), but got 'local\[2\]'/],
    [['submit', '--master', 'yarn', 'examples/pi.ts'], /Could not parse Master URL: 'yarn'/],
  ];
  for (const [args, re] of cases) {
    const r = await run(args);
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.out}${r.err}`);
    assert.match(r.err, re, args.join(' '));
  }
});

test('--class: names the exported function to run with the arguments; a Spark class name the module lacks is ignored with one log line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'submit-class-'));
  const app = join(dir, 'mains.mjs');
  writeFileSync(app, `console.log('loaded');\nexport async function main(args) { await new Promise((r) => setTimeout(r, 50)); console.log('main ' + JSON.stringify(args)); }\nexport function other() { console.log('other'); }\n`);
  const picked = await run(['submit', '--master', 'local[1]', '--class', 'main', app, 'a1', '--x']);
  assert.equal(picked.code, 0, picked.err);
  assert.deepEqual(picked.out.trim().split('\n'), ['loaded', 'main ["a1","--x"]']);
  const spark = await run(['submit', '--master', 'local[1]', '--class', 'org.apache.spark.examples.SparkPi', app], { SPARK_MESOS_LOG_LEVEL: 'info' });
  assert.equal(spark.code, 0, spark.err);
  assert.equal(spark.out.trim(), 'loaded');
  assert.equal(spark.err.split('\n').filter((l) => l.includes('--class org.apache.spark.examples.SparkPi')).length, 1, spark.err);
  assert.match(spark.err, /no exported function of that name; ignored/);
  // spark-submit takes the same option.
  const p = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/spark-submit.ts'), '--master', 'local[1]', '--class', 'other', app], { cwd: root, env: { ...process.env, SPARK_MESOS_LOG_LEVEL: 'warn' } });
  let out = '';
  p.stdout.on('data', (c) => (out += c));
  const code = await new Promise((r) => p.on('exit', r));
  assert.equal(code, 0);
  assert.deepEqual(out.trim().split('\n'), ['loaded', 'other']);
});
