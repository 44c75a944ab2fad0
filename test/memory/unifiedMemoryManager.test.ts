import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoryLayout, UnifiedMemoryManager } from '../../src/memory/UnifiedMemoryManager.js';
import { SharedMemoryState, sharedMemoryBuffer } from '../../src/memory/MemoryState.js';
import { TaskMemory } from '../../src/memory/TaskMemory.js';

const MIB = 1024 * 1024;

test('memoryLayout: Spark example and defaults', () => {
  const cases: [system: number, fraction: number, storage: number, max: number, region: number][] = [
    [1024 * MIB, 0.6, 0.5, Math.floor(724 * MIB * 0.6), Math.floor(Math.floor(724 * MIB * 0.6) * 0.5)],
    [512 * MIB, 0.6, 0.5, Math.floor(212 * MIB * 0.6), Math.floor(Math.floor(212 * MIB * 0.6) * 0.5)],
    [1000, 0.5, 0, 450, 0],
  ];
  for (const [sys, f, s, max, region] of cases) {
    const l = memoryLayout(sys, f, s, sys === 1000 ? 100 : undefined);
    assert.deepEqual([l.maxMemory, l.storageRegion], [max, region], `${sys} ${f} ${s}`);
  }
});

test('memoryLayout: bad values fail naming the key', () => {
  assert.throws(() => memoryLayout(400 * MIB, 0.6, 0.5), /spark\.executor\.memory is 400 MiB, but must be at least 450 MiB/);
  assert.throws(() => memoryLayout(1024 * MIB, 0, 0.5), /spark\.memory\.fraction/);
  assert.throws(() => memoryLayout(1024 * MIB, 0.6, 1), /spark\.memory\.storageFraction/);
});

test('execution: one task gets up to the whole pool, two tasks at most half each', () => {
  const m = new UnifiedMemoryManager({ maxMemory: 1000, storageRegion: 500 });
  assert.deepEqual(m.acquireExecution(1, 800), { granted: 800 }); // borrows free storage
  assert.deepEqual(m.pools, { execution: 800, storage: 200 });
  m.releaseAllExecution(1);
  assert.deepEqual(m.acquireExecution(1, 100), { granted: 100 });
  assert.deepEqual(m.acquireExecution(2, 900), { granted: 500 }); // 1/N of the pool with N = 2
  assert.deepEqual(m.acquireExecution(1, 900), { granted: 400 }); // task 1 reaches its 1/N
  assert.deepEqual(m.acquireExecution(1, 10), { granted: 0 }); // above 1/(2N): told to spill
});

test('execution: a task below 1/(2N) that cannot get there waits', () => {
  const m = new UnifiedMemoryManager({ maxMemory: 1000, storageRegion: 0 });
  assert.deepEqual(m.acquireExecution(1, 1000), { granted: 1000 });
  assert.deepEqual(m.acquireExecution(2, 100), { wait: true });
  m.releaseExecution(1, 300);
  assert.deepEqual(m.acquireExecution(2, 100), { granted: 100 });
  assert.equal(m.activeTasks, 2);
  m.releaseExecution(2, 100);
  assert.equal(m.activeTasks, 1, 'a task with a zero balance leaves N');
});

test('execution evicts cached blocks only down to the storage region', () => {
  const m = new UnifiedMemoryManager({ maxMemory: 1000, storageRegion: 300 });
  assert.equal(m.acquireStorage(600), true); // borrows 100 of execution's free memory
  assert.deepEqual(m.pools, { execution: 400, storage: 600 });
  let evicted = 0;
  const evict = (n: number) => ((evicted += n), n);
  const r = m.acquireExecution(1, 1000, evict);
  assert.deepEqual(r, { granted: 700 }); // 400 free + 300 evicted; the 300 region stays cached
  assert.equal(evicted, 300);
  assert.equal(m.storageUsed, 300);
});

test('storage: never evicts execution, refuses blocks larger than what execution leaves, evicts other blocks', () => {
  const m = new UnifiedMemoryManager({ maxMemory: 1000, storageRegion: 500 });
  m.acquireExecution(1, 700); // execution took 200 of storage's free memory
  assert.equal(m.acquireStorage(400), false, 'larger than maxMemory − executionUsed');
  assert.equal(m.acquireStorage(300), true);
  let asked = 0;
  assert.equal(m.acquireStorage(100, (n) => ((asked = n), n)), true);
  assert.equal(asked, 100);
  assert.equal(m.storageUsed, 300);
  assert.equal(m.acquireStorage(100), false, 'no evictor: nothing to free');
  assert.equal(m.executionUsed, 700);
});

test('a shared state: managers of several threads draw on one pool (1/N across them)', () => {
  const sab = sharedMemoryBuffer();
  const layout = { maxMemory: 1000, storageRegion: 0 };
  const a = new UnifiedMemoryManager(layout, new SharedMemoryState(sab, 0), 7);
  const b = new UnifiedMemoryManager(layout, new SharedMemoryState(sab, 0), 7);
  assert.deepEqual(a.acquireExecution(1, 300), { granted: 300 });
  assert.deepEqual(b.acquireExecution(2, 900), { granted: 500 }, '1/N with N = 2, across both managers');
  assert.equal(a.executionUsed, 800);
  assert.equal(b.activeTasks, 2);
  a.releaseAllExecution(1);
  assert.deepEqual(b.acquireExecution(2, 500), { granted: 500 }, 'alone again: up to the whole pool');
  const again = new UnifiedMemoryManager(layout, new SharedMemoryState(sab, 0), 7);
  assert.equal(again.executionUsed, 1000, 'the same settings do not resize a pool in use');
});

test('a shared state: a thread that ended gives back its tasks, its cached bytes and the lock', () => {
  const sab = sharedMemoryBuffer();
  const layout = { maxMemory: 1000, storageRegion: 500 };
  const dead = new UnifiedMemoryManager(layout, new SharedMemoryState(sab, 5), 9);
  const parent = new SharedMemoryState(sab, 0);
  const alive = new UnifiedMemoryManager(layout, new SharedMemoryState(sab, 6), 9);
  assert.deepEqual(dead.acquireExecution(3, 300), { granted: 300 });
  assert.equal(dead.acquireStorage(200), true);
  assert.equal(alive.acquireStorage(100), true);
  Atomics.store(new Int32Array(sab, 0, 1), 0, 6); // thread 5 was stopped inside the lock (owner mark = id + 1)
  parent.threadEnded(5, [3]);
  assert.equal(alive.executionUsed, 0);
  assert.equal(alive.storageUsed, 100, 'only the dead thread\'s cached bytes are given back');
  assert.equal(alive.activeTasks, 0);
});

test('TaskMemory: below 1/(2N) on a shared pool it waits briefly for a release, then gives 0 (spill)', () => {
  const sab = sharedMemoryBuffer();
  const layout = { maxMemory: 1000, storageRegion: 0 };
  const hog = new UnifiedMemoryManager(layout, new SharedMemoryState(sab, 1), 4);
  assert.deepEqual(hog.acquireExecution(1, 1000), { granted: 1000 });
  const tm = new TaskMemory(new UnifiedMemoryManager(layout, new SharedMemoryState(sab, 2), 4), 2, '/nonexistent', 0, 1e9, false);
  const t0 = Date.now();
  assert.equal(tm.acquire(100), 0);
  assert.ok(Date.now() - t0 >= 500, 'waited for a release before giving up');
  hog.releaseExecution(1, 400);
  assert.equal(tm.acquire(100), 100);
});
