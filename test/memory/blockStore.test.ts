import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlockStore, blockDir } from '../../src/memory/BlockStore.js';
import { UnifiedMemoryManager } from '../../src/memory/UnifiedMemoryManager.js';
import { parseStorageLevel } from '../../src/memory/storageLevel.js';
import { estimateSize } from '../../src/executor/sizeEstimate.js';

const block = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}-${i}`);
const size = estimateSize(block(1000, 'x'));

function setup(blocksThatFit: number) {
  const dir = mkdtempSync(join(tmpdir(), 'blocks-'));
  const manager = new UnifiedMemoryManager({ maxMemory: Math.floor(size * (blocksThatFit + 0.5)), storageRegion: Math.floor(size * blocksThatFit) });
  const store = new BlockStore(() => manager, () => dir);
  return { dir, manager, store, onDisk: () => (existsSync(blockDir(dir)) ? readdirSync(blockDir(dir)).sort() : []), done: () => rmSync(dir, { recursive: true, force: true }) };
}

test('parseStorageLevel: the three levels and _SER variants; others fail naming the choices', () => {
  assert.equal(parseStorageLevel('MEMORY_ONLY_SER'), 'MEMORY_ONLY');
  assert.equal(parseStorageLevel('MEMORY_AND_DISK'), 'MEMORY_AND_DISK');
  assert.equal(parseStorageLevel('DISK_ONLY'), 'DISK_ONLY');
  assert.throws(() => parseStorageLevel('OFF_HEAP'), /storage level should be one of MEMORY_ONLY, MEMORY_AND_DISK, DISK_ONLY \(or a _SER variant\), but was 'OFF_HEAP'/);
});

test('MEMORY_ONLY: least recently used blocks are dropped when storage is full', () => {
  const s = setup(2);
  assert.ok(s.store.put('rdd_1_0', block(1000, 'a'), 'MEMORY_ONLY') > 0);
  assert.ok(s.store.put('rdd_1_1', block(1000, 'b'), 'MEMORY_ONLY') > 0);
  assert.deepEqual(s.store.get('rdd_1_0', 'MEMORY_ONLY')?.[0], 'a-0'); // rdd_1_1 is now the least recent
  assert.ok(s.store.put('rdd_1_2', block(1000, 'c'), 'MEMORY_ONLY') > 0);
  assert.equal(s.store.get('rdd_1_1', 'MEMORY_ONLY'), undefined, 'evicted, to be recomputed');
  assert.ok(s.store.has('rdd_1_0') && s.store.has('rdd_1_2'));
  assert.deepEqual(s.onDisk(), []);
  assert.ok(s.manager.storageUsed <= s.manager.layout.maxMemory);
  s.done();
});

test('MEMORY_AND_DISK: evicted blocks go to disk and are read back; DISK_ONLY stays on disk; drop removes both', () => {
  const s = setup(1);
  s.store.put('rdd_2_0', block(1000, 'a'), 'MEMORY_AND_DISK');
  s.store.put('rdd_2_1', block(1000, 'b'), 'MEMORY_AND_DISK');
  assert.deepEqual(s.onDisk(), ['rdd_2_0']);
  assert.equal(s.store.has('rdd_2_0'), false);
  assert.deepEqual(s.store.get('rdd_2_0', 'MEMORY_AND_DISK'), block(1000, 'a'), 'read back from disk');
  s.store.put('rdd_3_0', block(10, 'd'), 'DISK_ONLY');
  assert.equal(s.store.has('rdd_3_0'), false);
  // Another thread's store over the same directory sees the disk blocks.
  const other = new BlockStore(() => undefined, () => s.dir);
  assert.deepEqual(other.get('rdd_3_0', 'DISK_ONLY'), block(10, 'd'));
  s.store.drop('rdd_2_');
  assert.deepEqual(s.onDisk(), ['rdd_3_0']);
  assert.equal(s.store.get('rdd_2_0', 'MEMORY_AND_DISK'), undefined);
  s.done();
});

test('execution memory evicts cached blocks through the store', () => {
  const s = setup(2);
  const m = new UnifiedMemoryManager({ maxMemory: size * 3, storageRegion: 0 });
  const store = new BlockStore(() => m, () => s.dir);
  store.put('rdd_4_0', block(1000, 'a'), 'MEMORY_AND_DISK');
  store.put('rdd_4_1', block(1000, 'b'), 'MEMORY_ONLY');
  const r = m.acquireExecution(1, size * 3, (n) => store.evict(n));
  assert.deepEqual(r, { granted: size * 3 });
  assert.equal(m.storageUsed, 0);
  assert.deepEqual(s.onDisk(), ['rdd_4_0'], 'the MEMORY_AND_DISK block was written out; the MEMORY_ONLY one dropped');
  s.done();
});
