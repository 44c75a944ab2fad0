/**
 * A coarse executor whose fresh task thread dies before running anything cannot keep the cores it advertised: it
 * says so, so its process exits and the cluster manager replaces it, instead of failing every task sent to it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TaskThreads } from '../../src/executor/TaskThreads.js';

test('a thread that cannot even start (a 1 MiB heap) makes a fixed-size executor report itself broken', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'broken-thread-'));
  const threads = new TaskThreads({ worker: { executorId: 'e1' }, threads: 1, grow: false, shuffleRoot: dir, localDir: dir, heapLimitMiB: 1, onEnd: () => undefined });
  try {
    const why = await new Promise<string>((resolve, reject) => {
      threads.onBroken = resolve;
      setTimeout(() => reject(new Error('not reported broken')), 20_000).unref();
    });
    assert.match(why, /a new task thread died before running anything/);
  } finally {
    await threads.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
