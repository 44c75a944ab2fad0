/**
 * Reduce-side combining within a memory budget (Spark's `ExternalAppendOnlyMap`): combiners per key in memory;
 * when the task's memory manager says so, the map is sorted by key hash (then canonical key text, a total order) and
 * written to a spill file. Iterating merges the sorted in-memory map with every spill file, streaming, combining
 * equal keys as they meet (a hash-ordered merge: output is in hash order, not key order). Without a spill, entries
 * come out in insertion order, as the in-memory path always gave them.
 */
import { hashKey, KeyMap, keyString } from '../core/keys.js';
import { SizeTracker } from '../memory/SizeTracker.js';
import type { Spillable, TaskMemory } from '../memory/TaskMemory.js';
import { mergeSorted } from './mergeHeap.js';
import { readSpill, SpillWriter } from './spillFile.js';
import { rmSync } from 'node:fs';

export interface Combine {
  createCombiner: (v: unknown) => unknown;
  mergeValue: (c: unknown, v: unknown) => unknown;
  mergeCombiners: (a: unknown, b: unknown) => unknown;
}

/**
 * An entry in merge order: [hash, key, combiner]. Spill files hold just `[key, combiner]` pairs (which the record
 * codec packs for the common shapes); the hash is worked out again as they are read.
 */
type Row = [number, unknown, unknown];

/** Equal hashes are ordered by the keys' canonical text (a total order), with strings compared as they are. */
function tieOrder(x: unknown, y: unknown): number {
  if (typeof x === 'string' && typeof y === 'string') return x < y ? -1 : x > y ? 1 : 0;
  const sx = keyString(x);
  const sy = keyString(y);
  return sx < sy ? -1 : sx > sy ? 1 : 0;
}

const byHash = (a: Row, b: Row) => (a[0] !== b[0] ? a[0] - b[0] : tieOrder(a[1], b[1]));

function* rowsOf(pairs: Iterator<unknown>): Generator<Row> {
  for (let n = pairs.next(); !n.done; n = pairs.next()) {
    const [k, c] = n.value as [unknown, unknown];
    yield [hashKey(k), k, c];
  }
}

export class ExternalAppendOnlyMap {
  private map = new KeyMap<unknown>();
  private readonly size = new SizeTracker();
  private readonly spills: string[] = [];
  private readonly spillable: Spillable;

  constructor(
    private readonly combine: Combine,
    private readonly tm: TaskMemory,
  ) {
    this.spillable = tm.spillable();
  }

  /** Adds a raw value (`combined` false) or an already-combined value (map-side combine). */
  insert(k: unknown, v: unknown, combined = false): void {
    let e = this.map.get(k);
    if (e) e[1] = combined ? this.combine.mergeCombiners(e[1], v) : this.combine.mergeValue(e[1], v);
    else e = this.map.set(k, combined ? v : this.combine.createCombiner(v));
    this.size.update(e);
    const est = this.size.estimate(this.map.size);
    if (this.spillable.shouldSpill(est, this.map.size)) this.spill(est);
  }

  get spillCount(): number {
    return this.spills.length;
  }

  private sortedRows(): Row[] {
    const rows: Row[] = [];
    for (const [k, c] of this.map.entries()) rows.push([hashKey(k), k, c]);
    return rows.sort(byHash);
  }

  private spill(estimate: number): void {
    const w = new SpillWriter(this.tm.nextSpillPath('combine'), this.tm.compress);
    this.spills.push(w.path);
    try {
      for (const r of this.sortedRows()) w.write([r[1], r[2]]);
    } finally {
      w.close();
    }
    this.map = new KeyMap();
    this.size.reset();
    this.spillable.spilled(estimate, w.bytes);
  }

  /** Every key with its combiner; spill files are removed once read (or by `cleanup` if iteration stops early). */
  *entries(): Generator<[unknown, unknown]> {
    if (this.spills.length === 0) {
      yield* this.map.entries();
      this.spillable.free();
      return;
    }
    const memory = this.sortedRows();
    this.map = new KeyMap();
    const files = this.spills.map((p) => readSpill(p));
    const streams = [...files.map((f) => rowsOf(f)), memory[Symbol.iterator]()];
    let cur: Row | undefined;
    try {
      for (const r of mergeSorted(streams, byHash)) {
        if (cur && cur[0] === r[0] && tieOrder(cur[1], r[1]) === 0) cur[2] = this.combine.mergeCombiners(cur[2], r[2]);
        else {
          if (cur) yield [cur[1], cur[2]];
          cur = r;
        }
      }
      if (cur) yield [cur[1], cur[2]];
    } finally {
      for (const f of files) f.return(undefined); // closes spill files left open by an early stop
      this.cleanup();
    }
  }

  /** Removes this map's spill files and gives its memory back. */
  cleanup(): void {
    for (const p of this.spills.splice(0)) rmSync(p, { force: true });
    this.spillable.free();
  }
}
