// Task threads drawing on one shared pool: the lock keeps the counters exact under contention, and no task holds
// more than 1/N of the pool.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { SharedMemoryState, sharedMemoryBuffer } from '../../src/memory/MemoryState.js';
import { UnifiedMemoryManager } from '../../src/memory/UnifiedMemoryManager.js';
import { startModuleWorker } from '../../src/util/moduleWorker.js';

test('three threads hammering one pool leave it exact, each within its share', async () => {
  const sab = sharedMemoryBuffer();
  const m = new UnifiedMemoryManager({ maxMemory: 1_000_000, storageRegion: 0 }, new SharedMemoryState(sab, 0), 3);
  // A task of the test's own holds a third, so N ≥ 2 whenever a worker asks.
  assert.deepEqual(m.acquireExecution(99, 333_333), { granted: 333_333 });
  const url = new URL('../fixtures/shared-memory-hammer.ts', import.meta.url);
  const go = new SharedArrayBuffer(8);
  const gate = new Int32Array(go);
  const workers = [1, 2, 3].map((taskId) => startModuleWorker(url, { sab, go, taskId, rounds: 100_000 }));
  while (Atomics.load(gate, 1) < 3) await new Promise((r) => setTimeout(r, 5));
  Atomics.store(gate, 0, 1);
  Atomics.notify(gate, 0);
  const results = await Promise.all(workers.map(async (w) => (await once(w, 'message'))[0] as { maxHeld: number }));
  await Promise.all(workers.map((w) => w.terminate()));
  for (const r of results) assert.ok(r.maxHeld <= 500_000, `a task held ${r.maxHeld}, above 1/N with N ≥ 2`);
  assert.equal(m.executionUsed, 333_333, 'every worker gave back exactly what it took');
  assert.equal(m.activeTasks, 1);
  assert.equal(m.storageUsed, 0, 'no lost update of the storage counter');
});
