/**
 * Reduce-side sorting within a memory budget (Spark's `ExternalSorter` without partitions): records buffered in
 * memory; when the task's memory manager says so, the buffer is sorted (stable) and written as a run to a spill
 * file. Iterating merges the sorted runs and the in-memory rest with a heap (ties to the earlier run), so the output
 * is exactly the stable sort of all records in arrival order, as the in-memory path gives.
 */
import { rmSync } from 'node:fs';
import { compareKeys } from '../core/keys.js';
import { SizeTracker } from '../memory/SizeTracker.js';
import type { Spillable, TaskMemory } from '../memory/TaskMemory.js';
import { mergeSorted } from './mergeHeap.js';
import { readSpill, SpillWriter } from './spillFile.js';

/** A buffered record with its sort key: [sortKey, record]. */
type Row = [unknown, unknown];

export class ExternalSorter {
  private buf: Row[] = [];
  private readonly size = new SizeTracker();
  private readonly spills: string[] = [];
  private readonly spillable: Spillable;
  private readonly cmp: (a: Row, b: Row) => number;

  constructor(
    private readonly tm: TaskMemory,
    ascending: boolean,
    /** The sort key of a record (default: its key, `record[0]`). */
    private readonly sortKey: (record: unknown) => unknown = (r) => (r as [unknown])[0],
  ) {
    this.spillable = tm.spillable();
    this.cmp = ascending ? (a, b) => compareKeys(a[0], b[0]) : (a, b) => compareKeys(b[0], a[0]);
  }

  insert(record: unknown): void {
    const row: Row = [this.sortKey(record), record];
    this.buf.push(row);
    this.size.update(row);
    const est = this.size.estimate(this.buf.length);
    if (this.spillable.shouldSpill(est, this.buf.length)) this.spill(est);
  }

  get spillCount(): number {
    return this.spills.length;
  }

  private spill(estimate: number): void {
    const w = new SpillWriter(this.tm.nextSpillPath('sort'), this.tm.compress);
    this.spills.push(w.path);
    try {
      for (const r of this.buf.sort(this.cmp)) w.write(r);
    } finally {
      w.close();
    }
    this.buf = [];
    this.size.reset();
    this.spillable.spilled(estimate, w.bytes);
  }

  /** Every record in sort order; spill files are removed once read (or by `cleanup`). */
  *sorted(): Generator<unknown> {
    const memory = this.buf.sort(this.cmp);
    this.buf = [];
    if (this.spills.length === 0) {
      for (const r of memory) yield r[1];
      this.spillable.free();
      return;
    }
    const streams = [...this.spills.map((p) => readSpill(p) as Generator<Row>), memory[Symbol.iterator]()];
    try {
      for (const r of mergeSorted(streams, this.cmp)) yield r[1];
    } finally {
      for (const s of streams) s.return?.(undefined);
      this.cleanup();
    }
  }

  cleanup(): void {
    for (const p of this.spills.splice(0)) rmSync(p, { force: true });
    this.spillable.free();
  }
}
