/**
 * This task thread's memory: its `UnifiedMemoryManager`, its cached blocks (`BlockStore`, in the storage pool) and
 * each task's handle for spillable buffers. With a shared pool (`useSharedMemory`: the executor's SharedArrayBuffer,
 * given to every task thread) all threads draw on the executor's one unified pool, N counting the tasks of every
 * thread; without one, each thread takes a fixed 1/slots share.
 */
import type { TaskDescription } from '../core/plan.js';
import { removeTaskSpillDir } from '../collection/spillFile.js';
import { BlockStore } from '../memory/BlockStore.js';
import { TaskMemory } from '../memory/TaskMemory.js';
import { UnifiedMemoryManager } from '../memory/UnifiedMemoryManager.js';
import { SharedMemoryState } from '../memory/MemoryState.js';
import { hashString } from '../core/keys.js';
import { threadId } from 'node:worker_threads';

let current: { key: string; manager: UnifiedMemoryManager } | undefined;
let localDir: string | undefined;
let shared: SharedArrayBuffer | undefined;

/** Makes this thread draw on the executor's shared pool (called once when the thread starts). */
export function useSharedMemory(sab: SharedArrayBuffer | undefined): void {
  shared = sab;
  current = undefined;
}

/** The thread's cached blocks (one store per thread, whatever the tasks). */
export const blockStore = new BlockStore(() => current?.manager, () => localDir);

function managerFor(task: TaskDescription): UnifiedMemoryManager | undefined {
  localDir = task.localDir;
  const s = task.memory;
  if (!s) return undefined;
  const key = `${s.maxMemory}/${s.storageRegion}/${s.slots}`;
  if (current?.key !== key) {
    if (current) blockStore.clearMemory(); // its blocks were accounted in the old pool
    current = {
      key,
      manager: shared
        ? new UnifiedMemoryManager({ maxMemory: s.maxMemory, storageRegion: s.storageRegion }, new SharedMemoryState(shared, threadId), hashString(key) + 1)
        : new UnifiedMemoryManager({ maxMemory: Math.floor(s.maxMemory / s.slots), storageRegion: Math.floor(s.storageRegion / s.slots) }),
    };
  }
  return current.manager;
}

export function taskMemoryFor(task: TaskDescription): TaskMemory | undefined {
  const manager = managerFor(task);
  const s = task.memory;
  if (!manager || !s) return undefined;
  return new TaskMemory(manager, task.taskId, task.localDir, s.initialThreshold, task.spillThreshold, s.compress, (n) => blockStore.evict(n));
}

/** At task end, whatever the outcome: memory back to the pool, spill files gone. */
export function endTaskMemory(tm: TaskMemory | undefined): void {
  if (!tm) return;
  tm.releaseAll();
  // Most tasks never spill: no directory to look for.
  if (tm.spillFiles > 0) removeTaskSpillDir(tm.localDir, tm.taskId);
}
