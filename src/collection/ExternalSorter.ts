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

/**
 * The comparator of buffered items by their sort key, ascending or not: strings with `<` alone when every key was
 * a string (the common case, and several times cheaper than the general ordering), else `compareKeys`.
 */
function itemComparator(ascending: boolean, allStrings: boolean): (a: unknown[], b: unknown[]) => number {
  if (allStrings) {
    return ascending
      ? (a, b) => ((a[0] as string) < (b[0] as string) ? -1 : (a[0] as string) > (b[0] as string) ? 1 : 0)
      : (a, b) => ((b[0] as string) < (a[0] as string) ? -1 : (b[0] as string) > (a[0] as string) ? 1 : 0);
  }
  return ascending ? (a, b) => compareKeys(a[0], b[0]) : (a, b) => compareKeys(b[0], a[0]);
}

/**
 * The buffered items in sort order. Records that are `[s, s]` pairs of one string (`sortBy(identity)` of strings,
 * and what `distinct` or a keyed set sorts) are indistinguishable when their keys are equal, so stability cannot
 * show: their keys are sorted alone by the engine's built-in string order (the order of `<`, without a comparator
 * call per comparison: about twice as fast), the buffer is emptied, and the pairs are made again as they are read,
 * so they die young instead of a whole buffer of them outliving the sort.
 */
function sortedItems(items: unknown[][], cmp: (a: unknown[], b: unknown[]) => number, ascending: boolean, keysAlone: boolean): Iterable<unknown[]> {
  if (!keysAlone) return items.sort(cmp);
  const keys = new Array<string>(items.length);
  for (let i = 0; i < items.length; i++) keys[i] = items[i]![0] as string;
  items.length = 0;
  keys.sort();
  if (!ascending) keys.reverse();
  return pairsOf(keys);
}

function* pairsOf(keys: string[]): Generator<unknown[]> {
  for (const k of keys) yield [k, k];
}

export class ExternalSorter {
  /**
   * Buffered items: the records themselves when sorted by their key (`record[0]`), else `[sortKey, record]`
   * rows, so the common case allocates nothing per record and spills only the records.
   */
  private buf: unknown[][] = [];
  private readonly size = new SizeTracker();
  private readonly spills: string[] = [];
  private readonly spillable: Spillable;
  private readonly wrapped: boolean;
  /** Whether every sort key so far was a string (sticky: spilled runs were sorted under the same order). */
  private allStrings = true;
  /** Whether every record so far was a `[k, k]` pair, its value the key itself (never when `wrapped`). */
  private keyIsValue: boolean;

  constructor(
    private readonly tm: TaskMemory,
    private readonly ascending: boolean,
    /** The sort key of a record (default: its key, `record[0]`). */
    private readonly sortKey?: (record: unknown) => unknown,
  ) {
    this.spillable = tm.spillable();
    this.wrapped = sortKey !== undefined;
    this.keyIsValue = !this.wrapped;
  }

  insert(record: unknown): void {
    const item = this.wrapped ? [this.sortKey!(record), record] : (record as unknown[]);
    if (this.allStrings && typeof item[0] !== 'string') this.allStrings = false;
    if (this.keyIsValue && (!Array.isArray(item) || item.length !== 2 || item[1] !== item[0])) this.keyIsValue = false;
    this.buf.push(item);
    this.size.update(item);
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
      for (const r of this.sortedBuffer(itemComparator(this.ascending, this.allStrings))) w.write(r);
    } finally {
      w.close();
    }
    this.buf = [];
    this.size.reset();
    this.spillable.spilled(estimate, w.bytes);
  }

  /** Every record in sort order; spill files are removed once read (or by `cleanup`). */
  *sorted(): Generator<unknown> {
    const cmp = itemComparator(this.ascending, this.allStrings);
    const memory = this.sortedBuffer(cmp);
    this.buf = [];
    const at = this.wrapped ? 1 : -1;
    if (this.spills.length === 0) {
      try {
        if (at < 0) yield* memory;
        else for (const r of memory) yield r[at];
      } finally {
        // Also when the reader stops early.
        this.spillable.free();
      }
      return;
    }
    const streams = [...this.spills.map((p) => readSpill(p) as Generator<unknown[]>), memory[Symbol.iterator]()];
    try {
      if (at < 0) yield* mergeSorted(streams, cmp);
      else for (const r of mergeSorted(streams, cmp)) yield r[at];
    } finally {
      for (const s of streams) s.return?.(undefined);
      this.cleanup();
    }
  }

  private sortedBuffer(cmp: (a: unknown[], b: unknown[]) => number): Iterable<unknown[]> {
    return sortedItems(this.buf, cmp, this.ascending, this.allStrings && this.keyIsValue);
  }

  cleanup(): void {
    for (const p of this.spills.splice(0)) rmSync(p, { force: true });
    this.spillable.free();
  }
}
