/**
 * The output commit protocol on local files: attempts write under their own temporary directory, the first to
 * commit wins, the job writes `_SUCCESS` last and removes what attempts left. Racing attempts run as real processes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalJobCommitter } from '../../src/io/LocalJobCommitter.js';
import { LocalTaskOutput } from '../../src/io/LocalTaskOutput.js';
import { partFileName, type TaskCommitMessage } from '../../src/io/commitProtocol.js';
import { attemptText, runFixture } from '../helpers/io.js';

const ctx = (partition: number, attempt: number) => ({ partition, attempt, taskId: partition * 10 + attempt, localDir: tmpdir() });
const fresh = () => join(mkdtempSync(join(tmpdir(), 'commit-')), 'out');

test('an attempt streams into its own directory; nothing appears under a final name before commit', async () => {
  const out = fresh();
  const job = new LocalJobCommitter(out);
  const jobId = await job.setupJob();
  const a = new LocalTaskOutput(out, jobId, ctx(0, 0), undefined);
  for (let i = 0; i < 200_000; i++) a.write(`line ${i}`);
  assert.deepEqual(readdirSync(out), ['_temporary'], 'only the temporary area while writing');
  const tmp = join(out, '_temporary', jobId, 'attempt_0_0_0', 'part-00000');
  assert.ok(readFileSync(tmp).length > 1024 * 1024, 'records were streamed out before commit (chunks of 1 MiB)');
  const m = await a.commit();
  assert.deepEqual(m, { partition: 0, name: 'part-00000', committed: true });
  assert.equal(a.bytesWritten, readFileSync(join(out, 'part-00000')).length);
  assert.ok(!existsSync(join(out, '_temporary', jobId, 'attempt_0_0_0')), 'the attempt directory is gone');
  await job.commitJob([m]);
  assert.deepEqual(readdirSync(out).sort(), ['_SUCCESS', 'part-00000']);
  const lines = readFileSync(join(out, 'part-00000'), 'utf8').split('\n');
  assert.equal(lines.length, 200_001);
  assert.equal(lines[199_999], 'line 199999');
});

test('the first attempt to commit wins; a later one is discarded and reports it', async () => {
  const out = fresh();
  const job = new LocalJobCommitter(out);
  const jobId = await job.setupJob();
  const slow = new LocalTaskOutput(out, jobId, ctx(3, 0), undefined);
  const fast = new LocalTaskOutput(out, jobId, ctx(3, 1), undefined);
  slow.write('from the first attempt');
  fast.write('from the retry');
  assert.equal((await fast.commit()).committed, true);
  assert.deepEqual(await slow.commit(), { partition: 3, name: partFileName(3), committed: false });
  assert.equal(readFileSync(join(out, 'part-00003'), 'utf8'), 'from the retry\n');
  assert.deepEqual(readdirSync(join(out, '_temporary', jobId)), [], 'the loser removed its attempt');
});

test('job commit removes what killed attempts left; an attempt starting after the job ended fails', async () => {
  const out = fresh();
  const job = new LocalJobCommitter(out);
  const jobId = await job.setupJob();
  const killed = new LocalTaskOutput(out, jobId, ctx(0, 0), undefined);
  killed.write('half a record set');
  // (never committed nor aborted: its process died)
  const ok = new LocalTaskOutput(out, jobId, ctx(0, 1), undefined);
  ok.write('all of it');
  const m = await ok.commit();
  await job.commitJob([m]);
  assert.deepEqual(readdirSync(out).sort(), ['_SUCCESS', 'part-00000']);
  assert.throws(() => new LocalTaskOutput(out, jobId, ctx(1, 0), undefined), /output job .* is no longer active/);
});

test('abort removes the output; an existing output directory is refused', async () => {
  const out = fresh();
  const job = new LocalJobCommitter(out);
  const jobId = await job.setupJob();
  const a = new LocalTaskOutput(out, jobId, ctx(0, 0), undefined);
  a.write('x');
  await a.commit();
  await job.abortJob();
  assert.ok(!existsSync(out));
  const existing = fresh();
  await new LocalJobCommitter(existing).setupJob();
  writeFileSync(join(existing, 'part-00000'), 'old');
  await assert.rejects(new LocalJobCommitter(existing).setupJob(), /Output directory file:.*out already exists/);
});

test('job commit refuses when a partition file is missing, and writes no _SUCCESS', async () => {
  const out = fresh();
  const job = new LocalJobCommitter(out);
  await job.setupJob();
  await assert.rejects(job.commitJob([{ partition: 0, name: 'part-00000', committed: true }]), /output of partition 0 \(part-00000\) is missing/);
  assert.ok(!existsSync(join(out, '_SUCCESS')));
});

/** Runs two attempt processes of partition 0 against one job; returns their commit messages. */
async function race(out: string, jobId: string, specs: { attempt: number; lines: number; every: number; delayMs: number }[]): Promise<TaskCommitMessage[]> {
  const start = join(out, '..', `start-${jobId}`);
  const runs = specs.map((s) => runFixture('io/attempt-writer.ts', [out, jobId, String(s.attempt), String(s.lines), String(s.every), String(s.delayMs), start]));
  // Both processes are up and waiting before either writes.
  await new Promise((r) => setTimeout(r, 1500));
  writeFileSync(start, '');
  const results = await Promise.all(runs.map((r) => r.done));
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  return results.map((r) => JSON.parse(r.stdout) as TaskCommitMessage);
}

test('a retry racing a first attempt that is still writing (real processes): one complete file, the retry wins', async () => {
  const out = fresh();
  const job = new LocalJobCommitter(out);
  const jobId = await job.setupJob();
  // Attempt 0 is slow (still writing when attempt 1 commits); attempt 1 is fast.
  const [first, retry] = await race(out, jobId, [{ attempt: 0, lines: 40_000, every: 2_000, delayMs: 100 }, { attempt: 1, lines: 40_000, every: 0, delayMs: 0 }]);
  assert.equal(retry!.committed, true);
  assert.equal(first!.committed, false, 'the first attempt committed later and was discarded');
  assert.equal(readFileSync(join(out, 'part-00000'), 'utf8'), attemptText(1, 40_000));
  await job.commitJob([retry!]);
  assert.deepEqual(readdirSync(out).sort(), ['_SUCCESS', 'part-00000']);
});

test('two attempts committing at the same moment (real processes): exactly one wins, its file is whole', async () => {
  for (let round = 0; round < 3; round++) {
    const out = fresh();
    const job = new LocalJobCommitter(out);
    const jobId = await job.setupJob();
    const msgs = await race(out, jobId, [{ attempt: 0, lines: 30_000, every: 0, delayMs: 0 }, { attempt: 1, lines: 30_000, every: 0, delayMs: 0 }]);
    const winners = msgs.filter((m) => m.committed);
    assert.equal(winners.length, 1, `round ${round}: exactly one attempt committed`);
    const winner = msgs.indexOf(winners[0]!);
    assert.equal(readFileSync(join(out, 'part-00000'), 'utf8'), attemptText(winner, 30_000));
    await job.commitJob(winners);
    assert.deepEqual(readdirSync(out).sort(), ['_SUCCESS', 'part-00000']);
  }
});
