/**
 * Where a memory manager keeps its counters. `LocalMemoryState` is plain fields (one thread); `SharedMemoryState`
 * lives in a SharedArrayBuffer so every task thread of an executor draws on one pool, each operation under a lock
 * (an Atomics spin-then-wait lock word), with the JavaScript memory model's guarantee for lock-protected data.
 */

export interface MemoryState {
  storagePool: number;
  executionPool: number;
  storageUsed: number;
  /** Execution bytes a task holds; undefined when the task is not registered (not counted in N). */
  taskBytes(taskId: number): number | undefined;
  setTask(taskId: number, bytes: number): void;
  deleteTask(taskId: number): void;
  taskCount(): number;
  executionUsed(): number;
  /** Runs `f` with the counters to itself. */
  locked<T>(f: () => T): T;
  /** Blocks up to `ms` until memory is released (shared states only); false when this state cannot wait. */
  waitForRelease?(ms: number): boolean;
}

export class LocalMemoryState implements MemoryState {
  storagePool = 0;
  executionPool = 0;
  storageUsed = 0;
  private readonly tasks = new Map<number, number>();

  taskBytes(taskId: number): number | undefined {
    return this.tasks.get(taskId);
  }
  setTask(taskId: number, bytes: number): void {
    this.tasks.set(taskId, bytes);
  }
  deleteTask(taskId: number): void {
    this.tasks.delete(taskId);
  }
  taskCount(): number {
    return this.tasks.size;
  }
  executionUsed(): number {
    let n = 0;
    for (const b of this.tasks.values()) n += b;
    return n;
  }
  locked<T>(f: () => T): T {
    return f();
  }
}

/** Task slots in a shared state: more tasks than this at once on one executor is refused with a clear error. */
const MAX_TASKS = 256;
/** Threads whose cached bytes are tracked (so a dead thread's blocks are given back). */
const MAX_THREADS = 256;
// Int32 words: [lock (owner thread id + 1, or 0), release sequence]. Float64 layout after them: [storagePool,
// executionPool, storageUsed, configKey, MAX_TASKS × (taskId, bytes), MAX_THREADS × (threadId, storage bytes)];
// an id of −1 marks a free slot.
const HEADER = 4;
const THREADS = HEADER + 2 * MAX_TASKS;

export function sharedMemoryBuffer(): SharedArrayBuffer {
  const sab = new SharedArrayBuffer(8 + 8 * (THREADS + 2 * MAX_THREADS));
  const f = new Float64Array(sab, 8);
  for (let i = 0; i < MAX_TASKS + MAX_THREADS; i++) f[HEADER + 2 * i] = -1;
  return sab;
}

export class SharedMemoryState implements MemoryState {
  private readonly words: Int32Array;
  private readonly f: Float64Array;
  private depth = 0;
  private released = false;

  /** `self` is this thread's id (`worker_threads.threadId`): the lock's owner mark and the owner of cached bytes. */
  constructor(
    sab: SharedArrayBuffer,
    private readonly self: number,
  ) {
    this.words = new Int32Array(sab, 0, 2);
    this.f = new Float64Array(sab, 8);
  }

  get storagePool(): number {
    return this.f[0]!;
  }
  set storagePool(v: number) {
    this.f[0] = v;
  }
  get executionPool(): number {
    return this.f[1]!;
  }
  set executionPool(v: number) {
    this.f[1] = v;
  }
  get storageUsed(): number {
    return this.f[2]!;
  }
  set storageUsed(v: number) {
    const delta = v - this.f[2]!;
    this.f[2] = v;
    if (delta < 0) this.released = true;
    // Attributed to this thread, so the bytes come back if the thread dies with its blocks.
    let i = this.threadSlot(this.self);
    if (i < 0) i = this.threadSlot(-1);
    if (i < 0) return;
    this.f[THREADS + 2 * i] = this.self;
    this.f[THREADS + 2 * i + 1] = this.f[THREADS + 2 * i + 1]! + delta;
  }

  private threadSlot(id: number): number {
    for (let i = 0; i < MAX_THREADS; i++) if (this.f[THREADS + 2 * i] === id) return i;
    return -1;
  }
  /** An identifier of the settings the pool was sized from (0: not yet). */
  get configKey(): number {
    return this.f[3]!;
  }
  set configKey(v: number) {
    this.f[3] = v;
  }

  private slot(taskId: number): number {
    for (let i = 0; i < MAX_TASKS; i++) if (this.f[HEADER + 2 * i] === taskId) return i;
    return -1;
  }

  taskBytes(taskId: number): number | undefined {
    const i = this.slot(taskId);
    return i < 0 ? undefined : this.f[HEADER + 2 * i + 1];
  }
  setTask(taskId: number, bytes: number): void {
    let i = this.slot(taskId);
    if (i < 0) i = this.slot(-1);
    if (i < 0) throw new Error(`more than ${MAX_TASKS} tasks hold execution memory on this executor`);
    if (bytes < this.f[HEADER + 2 * i + 1]!) this.released = true;
    this.f[HEADER + 2 * i] = taskId;
    this.f[HEADER + 2 * i + 1] = bytes;
  }
  deleteTask(taskId: number): void {
    const i = this.slot(taskId);
    if (i >= 0) {
      this.f[HEADER + 2 * i] = -1;
      this.f[HEADER + 2 * i + 1] = 0;
      this.released = true;
    }
  }
  taskCount(): number {
    let n = 0;
    for (let i = 0; i < MAX_TASKS; i++) if (this.f[HEADER + 2 * i] !== -1) n++;
    return n;
  }
  executionUsed(): number {
    let n = 0;
    for (let i = 0; i < MAX_TASKS; i++) if (this.f[HEADER + 2 * i] !== -1) n += this.f[HEADER + 2 * i + 1]!;
    return n;
  }

  locked<T>(f: () => T): T {
    if (this.depth > 0) return f(); // re-entered from an evictor under the lock
    const mark = this.self + 1;
    for (;;) {
      const owner = Atomics.compareExchange(this.words, 0, 0, mark);
      if (owner === 0) break;
      Atomics.wait(this.words, 0, owner, 5);
    }
    this.depth++;
    try {
      return f();
    } finally {
      this.depth--;
      Atomics.store(this.words, 0, 0);
      Atomics.notify(this.words, 0, 1);
      if (this.released) {
        this.released = false;
        Atomics.add(this.words, 1, 1);
        Atomics.notify(this.words, 1);
      }
    }
  }

  waitForRelease(ms: number): boolean {
    Atomics.wait(this.words, 1, Atomics.load(this.words, 1), ms);
    return true;
  }

  /**
   * After a thread ended (killed, or out of memory) — called by its parent once the thread has stopped: frees the
   * lock if the thread died holding it, and gives back its tasks' execution memory and its cached blocks' bytes.
   */
  threadEnded(deadThreadId: number, taskIds: readonly number[]): void {
    if (Atomics.compareExchange(this.words, 0, deadThreadId + 1, 0) === deadThreadId + 1) Atomics.notify(this.words, 0);
    this.locked(() => {
      for (const t of taskIds) this.deleteTask(t);
      const i = this.threadSlot(deadThreadId);
      if (i >= 0) {
        this.f[2] = Math.max(0, this.f[2]! - this.f[THREADS + 2 * i + 1]!);
        this.f[THREADS + 2 * i] = -1;
        this.f[THREADS + 2 * i + 1] = 0;
        this.released = true;
      }
    });
  }
}
