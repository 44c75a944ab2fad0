/**
 * Spark's unified memory manager as plain arithmetic: one pool (`maxMemory`) shared by execution (shuffle, sort and
 * aggregation buffers) and storage (cached blocks). Execution may take free storage memory and evict cached blocks
 * down to the storage region; storage may borrow only free execution memory and never evicts it. Each task holding
 * execution memory gets at most 1/N of the pool and is guaranteed the chance to reach 1/(2N) before it must spill
 * (N = tasks holding or asking for execution memory). Synchronous and side-effect free apart from its own counters,
 * so every rule is table-tested; `TaskMemory.acquire` does the waiting.
 */

import { LocalMemoryState, SharedMemoryState, type MemoryState } from './MemoryState.js';

const MIB = 1024 * 1024;
/** Spark's `RESERVED_SYSTEM_MEMORY_BYTES`: kept out of the pool for the engine itself. */
export const RESERVED_SYSTEM_MEMORY = 300 * MIB;

export interface MemoryLayout {
  /** The heap the pool is carved from (executor memory). */
  systemBytes: number;
  /** The unified pool: (system − reserved) × `spark.memory.fraction`. */
  maxMemory: number;
  /** Storage's protected region: maxMemory × `spark.memory.storageFraction`. */
  storageRegion: number;
}

/**
 * The pool sizes for a heap of `systemBytes`. A heap under 1.5 × the reserved memory fails fast, naming the key
 * (Spark's `INVALID_EXECUTOR_MEMORY`); `reservedBytes` is lowered by tests only (`spark.testing.reservedMemory`).
 */
export function memoryLayout(systemBytes: number, fraction: number, storageFraction: number, reservedBytes = RESERVED_SYSTEM_MEMORY, key = 'spark.executor.memory'): MemoryLayout {
  if (!(fraction > 0 && fraction <= 1)) throw new Error(`spark.memory.fraction should be in (0, 1], but is ${fraction}`);
  if (!(storageFraction >= 0 && storageFraction < 1)) throw new Error(`spark.memory.storageFraction should be in [0, 1), but is ${storageFraction}`);
  const minimum = reservedBytes * 1.5;
  if (systemBytes < minimum) {
    throw new Error(`${key} is ${Math.floor(systemBytes / MIB)} MiB, but must be at least ${Math.ceil(minimum / MIB)} MiB (1.5 × the ${reservedBytes / MIB} MiB reserved for the engine); raise ${key}`);
  }
  const maxMemory = Math.floor((systemBytes - reservedBytes) * fraction);
  return { systemBytes, maxMemory, storageRegion: Math.floor(maxMemory * storageFraction) };
}

/** Frees at least `bytes` of storage by evicting cached blocks; returns the bytes actually freed. */
export type Evictor = (bytes: number) => number;

export type ExecutionGrant = { granted: number } | { wait: true };

export class UnifiedMemoryManager {
  /**
   * `state` holds the counters: this thread's own by default, or a shared one (`SharedMemoryState`) that every task
   * thread of the executor draws on; a shared state is sized on first use (or when `configKey` changes).
   */
  constructor(
    readonly layout: Pick<MemoryLayout, 'maxMemory' | 'storageRegion'>,
    private readonly s: MemoryState = new LocalMemoryState(),
    configKey = 1,
  ) {
    s.locked(() => {
      if (!(s instanceof SharedMemoryState) || s.configKey !== configKey) {
        s.storagePool = layout.storageRegion;
        s.executionPool = layout.maxMemory - layout.storageRegion;
        if (s instanceof SharedMemoryState) s.configKey = configKey;
      }
    });
  }

  get executionUsed(): number {
    return this.s.locked(() => this.s.executionUsed());
  }

  get storageUsed(): number {
    return this.s.locked(() => this.s.storageUsed);
  }

  get pools(): { execution: number; storage: number } {
    return this.s.locked(() => ({ execution: this.s.executionPool, storage: this.s.storagePool }));
  }

  /** Tasks counted in N (holding or asking for execution memory). */
  get activeTasks(): number {
    return this.s.locked(() => this.s.taskCount());
  }

  taskMemory(taskId: number): number {
    return this.s.locked(() => this.s.taskBytes(taskId) ?? 0);
  }

  /**
   * Asks for `bytes` of execution memory for `taskId`. Returns the grant (possibly less than asked, possibly 0: the
   * caller spills), or `wait` when the task is below its 1/(2N) guarantee and the pool cannot lift it there now (the
   * caller waits for a release and asks again). Registers the task on its first call.
   */
  acquireExecution(taskId: number, bytes: number, evict: Evictor = () => 0): ExecutionGrant {
    if (!(bytes >= 0)) throw new Error(`execution memory request must be a non-negative number of bytes, got ${bytes}`);
    const s = this.s;
    return s.locked(() => {
      if (s.taskBytes(taskId) === undefined) s.setTask(taskId, 0);
      const cur = s.taskBytes(taskId)!;
      const free = () => s.executionPool - s.executionUsed();
      // Grow the execution pool from storage: its free memory, then evicted blocks down to the storage region.
      const extra = bytes - free();
      if (extra > 0) {
        const reclaimable = Math.max(s.storagePool - s.storageUsed, s.storagePool - this.layout.storageRegion);
        if (reclaimable > 0) {
          const want = Math.min(extra, reclaimable);
          const storageFree = s.storagePool - s.storageUsed;
          if (storageFree < want) s.storageUsed -= Math.min(s.storageUsed, evict(want - storageFree));
          const moved = Math.min(want, s.storagePool - s.storageUsed);
          s.storagePool -= moved;
          s.executionPool += moved;
        }
      }
      const n = s.taskCount();
      // Storage memory that cannot be evicted does not count towards the per-task ceiling (SPARK-12155).
      const maxPool = this.layout.maxMemory - Math.min(s.storageUsed, this.layout.storageRegion);
      const maxPerTask = maxPool / n;
      const minPerTask = s.executionPool / (2 * n);
      const toGrant = Math.floor(Math.max(0, Math.min(bytes, maxPerTask - cur, free())));
      if (toGrant < bytes && cur + toGrant < minPerTask) return { wait: true } as const;
      s.setTask(taskId, cur + toGrant);
      return { granted: toGrant };
    });
  }

  releaseExecution(taskId: number, bytes: number): void {
    const s = this.s;
    s.locked(() => {
      const cur = s.taskBytes(taskId) ?? 0;
      const left = cur - Math.min(cur, bytes);
      if (left === 0) s.deleteTask(taskId);
      else s.setTask(taskId, left);
    });
  }

  /** Releases everything the task holds (at task end); returns the bytes freed. */
  releaseAllExecution(taskId: number): number {
    const s = this.s;
    return s.locked(() => {
      const cur = s.taskBytes(taskId) ?? 0;
      s.deleteTask(taskId);
      return cur;
    });
  }

  /**
   * Asks for `bytes` of storage for a block. Refused outright when larger than what execution leaves; otherwise
   * borrows free execution memory, then evicts other blocks. True when granted.
   */
  acquireStorage(bytes: number, evict: Evictor = () => 0): boolean {
    const s = this.s;
    return s.locked(() => {
      if (bytes > this.layout.maxMemory - s.executionUsed()) return false;
      const storageFree = s.storagePool - s.storageUsed;
      if (bytes > storageFree) {
        const borrow = Math.min(s.executionPool - s.executionUsed(), bytes - storageFree);
        s.executionPool -= borrow;
        s.storagePool += borrow;
      }
      const short = bytes - (s.storagePool - s.storageUsed);
      if (short > 0) s.storageUsed -= Math.min(s.storageUsed, evict(short));
      if (bytes > s.storagePool - s.storageUsed) return false;
      s.storageUsed += bytes;
      return true;
    });
  }

  /** Blocks up to `ms` for another task's release (a shared pool); false when nothing can be waited for. */
  waitForRelease(ms: number): boolean {
    return this.s.waitForRelease?.(ms) ?? false;
  }

  releaseStorage(bytes: number): void {
    const s = this.s;
    s.locked(() => {
      s.storageUsed -= Math.min(s.storageUsed, bytes);
    });
  }
}
