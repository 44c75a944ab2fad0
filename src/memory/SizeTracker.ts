/**
 * Sampled size estimation of a growing collection (Spark's `SizeTracker`): every so many updates one touched
 * entry is measured (`sizeOf`), and the collection's size is the entry count times the recent average. Samples come
 * at exponentially spaced update counts (growth 1.1) but at least every `MAX_GAP` updates, so combiners that grow
 * (groupByKey's lists) are noticed and the cost stays a small fraction of the updates.
 */
import { sizeOf } from '../executor/sizeEstimate.js';

const GROWTH = 1.1;
const MAX_GAP = 2048;
/** Bytes a map entry or array slot costs beyond its content (hash slot, tuple array, pointers). */
const ENTRY_OVERHEAD = 64;

export class SizeTracker {
  private updates = 0;
  private nextSample = 1;
  private avg = 0;

  /** Call after each insert or merge, with the entry touched. */
  update(entry: unknown): void {
    this.updates++;
    if (this.updates < this.nextSample) return;
    const s = sizeOf(entry) + ENTRY_OVERHEAD;
    // A moving average weighted towards recent samples: later entries show grown combiners.
    this.avg = this.avg === 0 ? s : this.avg * 0.7 + s * 0.3;
    this.nextSample = this.updates + Math.min(MAX_GAP, Math.max(1, Math.ceil(this.updates * (GROWTH - 1))));
  }

  /** Estimated bytes held for `entries` entries. */
  estimate(entries: number): number {
    return Math.round(entries * this.avg);
  }

  reset(): void {
    this.updates = 0;
    this.nextSample = 1;
    this.avg = 0;
  }
}
