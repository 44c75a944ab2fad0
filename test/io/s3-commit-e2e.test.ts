/**
 * The S3 committer under real failures, against s3rver on loopback: the driver killed mid-job (nothing under a final
 * name, no `_SUCCESS`; a re-run into the same prefix aborts what the dead job left pending) and an executor SIGKILLed
 * mid-write on local-cluster (its upload is never completed; the retry's is).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SparkConf, SparkContext, TaskContext } from '../../src/index.js';
import { S3FileSystem } from '../../src/io/S3FileSystem.js';
import { S3JobCommitter } from '../../src/io/S3JobCommitter.js';
import { runFixture } from '../helpers/io.js';
import { startS3, type TestS3 } from '../helpers/s3.js';

let s3: TestS3;
let fs: S3FileSystem;
before(async () => {
  s3 = await startS3(['bkt']);
  fs = S3FileSystem.forBucket('bkt', s3.io);
});
after(async () => {
  await s3?.stop();
});

/** Polls the objects under `prefix` while a job runs: any `part-*` object seen must already be whole. */
function watchFinalNames(prefix: string, expected: (name: string) => string): { stop(): Promise<string[]> } {
  const problems: string[] = [];
  const checked = new Set<string>();
  let running = true;
  const loop = (async () => {
    while (running) {
      const keys = (await fs.listKeys(prefix, '/').catch(() => [])).map((o) => o.key.slice(prefix.length));
      for (const n of keys) {
        if (!n.startsWith('part-') || checked.has(n)) continue;
        const got = await fs.getText(prefix + n);
        if (got !== expected(n)) problems.push(`${n} seen with ${got.length} of ${expected(n).length} characters`);
        checked.add(n);
      }
      if (keys.includes('_SUCCESS') && keys.filter((n) => n.startsWith('part-')).length !== checked.size) problems.push('_SUCCESS before all parts');
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return problems;
    },
  };
}

const names = async (prefix: string) => (await fs.listKeys(prefix)).map((o) => o.key.slice(prefix.length)).sort();

const driverExpected = (name: string) => {
  const p = Number(name.slice(5));
  let s = '';
  for (let i = 0; i < 20000; i++) s += `p ${p} line ${i} ${'z'.repeat(40)}\n`;
  return s;
};

test('the driver killed mid-job writing to s3a://: nothing under a final name; a re-run there aborts what it left', async () => {
  const out = 's3a://bkt/dead/';
  const conf = JSON.stringify(s3.conf);
  const parts = 12;
  const { child, done } = runFixture('io/save-driver.ts', [out, String(parts), '', conf]);
  const watch = watchFinalNames('dead/', driverExpected);
  // Kill it once some attempts finished writing (their uploads wait for the job commit) and others are writing.
  const deadline = Date.now() + 40_000;
  while (Date.now() < deadline) {
    const records = (await fs.listKeys('dead/_temporary/').catch(() => [])).length;
    if (records >= 4 && s3.pendingUploads('bkt').length >= 4) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  child.kill('SIGKILL');
  const r = await done;
  assert.equal(r.signal, 'SIGKILL', `the driver was still running (${r.stdout}${r.stderr})`);
  assert.deepEqual(await watch.stop(), []);
  const left = await names('dead/');
  assert.ok(left.length >= 4 && left.every((n) => n.startsWith('_temporary/')), `only the dead job's records: ${left.join(', ')}`);
  const pending = s3.pendingUploads('bkt').length;
  assert.ok(pending >= 4, `the dead job's uploads are pending (${pending})`);

  // A re-run into the same prefix: its setup aborts the dead job's uploads and removes its records.
  const rerun = await runFixture('io/save-driver.ts', [out, '4', '', conf]).done;
  assert.equal(rerun.code, 0, rerun.stderr);
  assert.deepEqual(await names('dead/'), ['_SUCCESS', 'part-00000', 'part-00001', 'part-00002', 'part-00003']);
  for (const n of ['part-00000', 'part-00003']) assert.equal(await fs.getText(`dead/${n}`), driverExpected(n));
  assert.deepEqual(s3.pendingUploads('bkt'), [], 'no upload left pending after the re-run');
});

test('an executor SIGKILLed mid-write to s3a:// on local-cluster: one complete object per partition, no upload pending', async () => {
  const base = mkdtempSync(join(tmpdir(), 's3-kill-exec-'));
  const marker = join(base, 'killed-at');
  const uploadsDir = s3.uploadsDir('bkt');
  const conf = new SparkConf().setMaster('local-cluster[2,1,512]').setAppName('s3-kill-executor').set('spark.ui.enabled', 'false').set('spark.task.maxFailures', '4');
  for (const [k, v] of Object.entries(s3.conf)) conf.set(k, v);
  const sc = new SparkContext(conf);
  const n = 40_000;
  const expected = (name: string) => {
    const p = Number(name.slice(5));
    let s = '';
    for (let x = p * n; x < (p + 1) * n; x++) s += `${x} ${'y'.repeat(90)}\n`;
    return s;
  };
  try {
    await sc.ready();
    const watch = watchFinalNames('killexec/', expected);
    await sc.range(0, 2 * n, 1, 2).map((x) => {
      const ctx = TaskContext.get()!;
      if (ctx.partitionId === 0 && ctx.attemptNumber === 0 && x === 30_000) {
        // The attempt's upload is started (records spool locally): note the uploads pending, then die as a SIGKILLed executor.
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- executors provide `require` to shipped functions
        const fs = require('node:fs');
        fs.writeFileSync(marker, String(fs.readdirSync(uploadsDir).length));
        process.kill(process.pid, 'SIGKILL');
      }
      return `${x} ${'y'.repeat(90)}`;
    }, { marker, uploadsDir }).saveAsTextFile('s3a://bkt/killexec');
    assert.deepEqual(await watch.stop(), []);
    assert.ok(Number(readFileSync(marker, 'utf8')) >= 1, 'the executor died with its upload started');
    assert.deepEqual(await names('killexec/'), ['_SUCCESS', 'part-00000', 'part-00001'], 'exactly one object per partition');
    for (const p of ['part-00000', 'part-00001']) assert.equal(await fs.getText(`killexec/${p}`), expected(p));
    assert.deepEqual(s3.pendingUploads('bkt'), [], "the killed attempt's upload was aborted");
  } finally {
    await sc.stop();
  }
});

test('S3 job setup: a prefix with a "subdirectory" exists; leftovers (an unrecorded upload, a stray record) are removed', async () => {
  await fs.put('taken/sub/x', 'data\n');
  await assert.rejects(new S3JobCommitter(fs, 'taken', 's3a://bkt/taken').setupJob(), /Output directory s3a:\/\/bkt\/taken already exists/);
  const unrecorded = await fs.createUpload('lone/part-00007');
  const deeper = await fs.createUpload('lone/deeper/part-00000');
  await fs.put('lone/_temporary/old/not-a-record', 'junk');
  const before = s3.pendingUploads('bkt');
  assert.ok(before.includes(unrecorded) && before.includes(deeper));
  await new S3JobCommitter(fs, 'lone', 's3a://bkt/lone').setupJob();
  assert.ok(!s3.pendingUploads('bkt').includes(unrecorded), 'the upload to a part name is aborted');
  assert.ok(s3.pendingUploads('bkt').includes(deeper), 'an upload below another prefix is not this output\'s');
  assert.deepEqual(await names('lone/'), []);
  await fs.abortUpload('lone/deeper/part-00000', deeper);
});
