/**
 * One task's view of executor memory for its spillable collections (Spark's `Spillable`): the first
 * `initialThreshold` bytes of each collection are free; past that, every 32 records it asks the memory manager to
 * double its budget and spills when the grant falls short. Also counts the task's spill metrics and owns its spill
 * directory (removed at task end by the executor, whatever the outcome).
 */
import { join } from 'node:path';
import type { Evictor, UnifiedMemoryManager } from './UnifiedMemoryManager.js';
import { taskSpillDir } from '../collection/spillFile.js';

export interface SpillMetrics {
  memoryBytesSpilled: number;
  diskBytesSpilled: number;
  peakExecutionMemory: number;
}

export class TaskMemory {
  readonly metrics: SpillMetrics = { memoryBytesSpilled: 0, diskBytesSpilled: 0, peakExecutionMemory: 0 };
  private files = 0;

  /** Spill files named so far (the task's spill directory exists only if some were). */
  get spillFiles(): number {
    return this.files;
  }

  constructor(
    readonly manager: UnifiedMemoryManager,
    readonly taskId: number,
    readonly localDir: string,
    /** Free allowance per collection (`spark.shuffle.spill.initialMemoryThreshold`). */
    readonly initialThreshold: number,
    /** Spill after this many records held, whatever memory says (`spark.shuffle.spill.numElementsForceSpillThreshold`). */
    readonly forceSpillRecords: number,
    /** Compress spill files (`spark.shuffle.spill.compress`). */
    readonly compress: boolean,
    /** Evicts cached blocks when execution needs their room (down to the storage region). */
    private readonly evict: Evictor = () => 0,
  ) {}

  /** A fresh spill file path in this task's spill directory. */
  nextSpillPath(kind: string): string {
    return join(taskSpillDir(this.localDir, this.taskId), `${kind}-${this.files++}.spill`);
  }

  /**
   * Execution memory granted. Below its 1/(2N) share a task waits for other tasks of a shared pool to release
   * (briefly, up to about a second); after that, or without a shared pool, 0: the caller spills instead.
   */
  acquire(bytes: number): number {
    for (let tries = 0; ; tries++) {
      const r = this.manager.acquireExecution(this.taskId, bytes, this.evict);
      if ('granted' in r) return r.granted;
      if (tries >= 20 || !this.manager.waitForRelease(50)) return 0;
    }
  }

  release(bytes: number): void {
    this.manager.releaseExecution(this.taskId, bytes);
  }

  releaseAll(): void {
    this.manager.releaseAllExecution(this.taskId);
  }

  spillable(): Spillable {
    return new Spillable(this);
  }
}

export class Spillable {
  private threshold: number;
  private sinceCheck = 0;

  constructor(private readonly tm: TaskMemory) {
    this.threshold = tm.initialThreshold;
  }

  /**
   * After each inserted record (or, with `records`, after that many): true when the collection, holding `entries`
   * entries estimated at `estimate` bytes, must spill now. Memory is asked for at most every 32 records, as Spark's
   * Spillable does. The forced spill counts entries held, not records read: an aggregation over few keys reads
   * millions of records into a small map and has nothing to gain from spilling it.
   */
  shouldSpill(estimate: number, entries: number, records = 1): boolean {
    this.sinceCheck += records;
    if (estimate > this.tm.metrics.peakExecutionMemory) this.tm.metrics.peakExecutionMemory = estimate;
    if (entries > this.tm.forceSpillRecords) return true;
    if (this.sinceCheck < 32 || estimate < this.threshold) return false;
    this.sinceCheck = 0;
    this.threshold += this.tm.acquire(2 * estimate - this.threshold);
    return estimate >= this.threshold;
  }

  /** After a spill: counts it and gives back the memory above the free allowance. */
  spilled(estimate: number, diskBytes: number): void {
    this.tm.metrics.memoryBytesSpilled += estimate;
    this.tm.metrics.diskBytesSpilled += diskBytes;
    this.free();
    this.sinceCheck = 0;
  }

  free(): void {
    this.tm.release(this.threshold - this.tm.initialThreshold);
    this.threshold = this.tm.initialThreshold;
  }
}
