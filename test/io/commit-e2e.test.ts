/**
 * The output committer under real failures: an executor process SIGKILLed while writing, and the driver process
 * killed in the middle of a job. Throughout, every file under a final name is complete, and `_SUCCESS` appears only
 * with every partition's file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkConf, SparkContext, TaskContext } from '../../src/index.js';
import { runFixture } from '../helpers/io.js';

/** Polls `out` while a job runs: any `part-*` file seen must already be whole (`expected(name)`). */
function watchFinalNames(out: string, expected: (name: string) => string): { stop(): string[] } {
  const problems: string[] = [];
  const checked = new Set<string>();
  const timer = setInterval(() => {
    let names: string[];
    try {
      names = readdirSync(out);
    } catch {
      return;
    }
    for (const n of names) {
      if (!n.startsWith('part-') || checked.has(n)) continue;
      const got = readFileSync(join(out, n), 'utf8');
      if (got !== expected(n)) problems.push(`${n} seen with ${got.length} of ${expected(n).length} characters`);
      checked.add(n);
    }
    if (names.includes('_SUCCESS') && names.filter((n) => n.startsWith('part-')).length !== checked.size) problems.push('_SUCCESS before all parts');
  }, 10);
  return {
    stop() {
      clearInterval(timer);
      return problems;
    },
  };
}

const LINE = (x: number) => `${x} ${'y'.repeat(90)}`;

test('an executor SIGKILLed mid-write: its partial file never gets a final name, the retry commits', async () => {
  const base = mkdtempSync(join(tmpdir(), 'kill-exec-'));
  const out = join(base, 'out');
  const marker = join(base, 'killed-at');
  const sc = new SparkContext(new SparkConf().setMaster('local-cluster[2,1,512]').setAppName('kill-executor').set('spark.ui.enabled', 'false').set('spark.task.maxFailures', '4'));
  try {
    await sc.ready();
    const n = 40_000;
    const expected = (name: string) => {
      const p = Number(name.slice(5));
      let s = '';
      for (let x = p * n; x < (p + 1) * n; x++) s += LINE(x) + '\n';
      return s;
    };
    const watch = watchFinalNames(out, expected);
    await sc.range(0, 2 * n, 1, 2).map((x) => {
      const ctx = TaskContext.get()!;
      if (ctx.partitionId === 0 && ctx.attemptNumber === 0 && x === 30_000) {
        // The attempt's file already holds flushed chunks: record its size, then die as a SIGKILLed executor does.
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- executors provide `require` to shipped functions
        const fs = require('node:fs');
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- as above
        const path = require('node:path');
        const jobs = path.join(out, '_temporary');
        let size = 0;
        for (const j of fs.readdirSync(jobs)) {
          for (const a of fs.readdirSync(path.join(jobs, j))) if (a.startsWith('attempt_0_0_')) size = fs.statSync(path.join(jobs, j, a, 'part-00000')).size;
        }
        fs.writeFileSync(marker, String(size));
        process.kill(process.pid, 'SIGKILL');
      }
      return `${x} ${'y'.repeat(90)}`;
    }, { out, marker }).saveAsTextFile(out);
    const problems = watch.stop();
    assert.deepEqual(problems, []);
    assert.ok(Number(readFileSync(marker, 'utf8')) >= 1024 * 1024, 'the executor died with a partial file written');
    assert.deepEqual(readdirSync(out).sort(), ['_SUCCESS', 'part-00000', 'part-00001'], 'nothing left of the killed attempt');
    for (const n of ['part-00000', 'part-00001']) assert.equal(readFileSync(join(out, n), 'utf8'), expected(n));
  } finally {
    await sc.stop();
  }
});

const driverExpected = (name: string) => {
  const p = Number(name.slice(5));
  let s = '';
  for (let i = 0; i < 20000; i++) s += `p ${p} line ${i} ${'z'.repeat(40)}\n`;
  return s;
};

test('the driver killed mid-job: whole part files only, no _SUCCESS; run to the end: every part and _SUCCESS', async () => {
  const base = mkdtempSync(join(tmpdir(), 'kill-driver-'));
  const out = join(base, 'out');
  const parts = 12;
  const { child, done } = runFixture('io/save-driver.ts', [out, String(parts)]);
  const watch = watchFinalNames(out, driverExpected);
  // Kill it once some partitions committed and others are still being written.
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const names = existsSync(out) ? readdirSync(out) : [];
    if (names.filter((n) => n.startsWith('part-')).length >= 2) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  child.kill('SIGKILL');
  const r = await done;
  assert.equal(r.signal, 'SIGKILL', `the driver was still running (${r.stdout}${r.stderr})`);
  const problems = watch.stop();
  assert.deepEqual(problems, []);
  const names = readdirSync(out);
  assert.ok(!names.includes('_SUCCESS'), 'no _SUCCESS for a job that did not finish');
  const partsSeen = names.filter((n) => n.startsWith('part-'));
  assert.ok(partsSeen.length >= 2 && partsSeen.length < parts, `some parts committed (${partsSeen.length})`);
  for (const n of partsSeen) assert.equal(readFileSync(join(out, n), 'utf8'), driverExpected(n), `${n} is whole`);
  for (const n of names) assert.ok(n.startsWith('part-') || n === '_temporary', `only part files and the temporary area: ${n}`);

  // The same job run to the end.
  const out2 = join(base, 'out2');
  const full = runFixture('io/save-driver.ts', [out2, String(4)]);
  const r2 = await full.done;
  assert.equal(r2.code, 0, r2.stderr);
  assert.deepEqual(readdirSync(out2).sort(), ['_SUCCESS', 'part-00000', 'part-00001', 'part-00002', 'part-00003']);
  for (const n of ['part-00000', 'part-00003']) assert.equal(readFileSync(join(out2, n), 'utf8'), driverExpected(n));
  assert.equal(statSync(join(out2, '_SUCCESS')).size, 0);
});
