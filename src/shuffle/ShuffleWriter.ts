import { closeSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { KeyMap } from '../core/keys.js';
import { frame } from './frames.js';
import type { PartitionFn } from './partitioning.js';

/** Memory-aware spilling (src/shuffle/mapSideMemory.ts): asked every 32 records; told of each spill. */
export interface SpillPolicy {
  mustSpill(entry: unknown, held: number): boolean;
  spilled(diskBytes: number): void;
}

export interface Combiner {
  createCombiner: (v: unknown) => unknown;
  mergeValue: (c: unknown, v: unknown) => unknown;
}

/**
 * Writes one map task's output: records partitioned by key into per-reducer buckets held in memory (combined per
 * key when the shuffle aggregates), spilled to disk whenever more than `spillThreshold` records are held, and
 * finally written as one data file with the byte offset of each reducer's segment.
 */
export class ShuffleWriter {
  private buckets: unknown[][];
  /**
   * Combined records of every reducer in one map: a key already held costs one lookup, and its reducer (a hash of
   * the key) is worked out only when the map is written out, once per key instead of once per record.
   */
  private combined: KeyMap<unknown> | undefined;
  private held = 0;
  private readonly spills: { path: string; segments: [number, number][] }[] = [];
  records = 0;

  constructor(
    private readonly dir: string,
    private readonly name: string,
    private readonly numPartitions: number,
    private readonly partition: PartitionFn,
    private readonly combiner: Combiner | undefined,
    private readonly spillThreshold: number,
    private readonly policy?: SpillPolicy,
  ) {
    mkdirSync(dir, { recursive: true });
    this.buckets = Array.from({ length: numPartitions }, () => []);
    if (combiner) this.combined = new KeyMap();
  }

  write(record: unknown): void {
    this.records++;
    const [k, v] = record as [unknown, unknown];
    if (this.combined) {
      const m = this.combined;
      const cur = m.get(k);
      if (cur) cur[1] = this.combiner!.mergeValue(cur[1], v);
      else {
        m.set(k, this.combiner!.createCombiner(v));
        this.held++;
      }
    } else {
      this.buckets[this.partition(k)]!.push(record);
      this.held++;
    }
    // Memory is checked every 32 records, as Spark's Spillable does: a call per record costs the hot loop a third.
    if (this.held >= this.spillThreshold || ((this.records & 31) === 0 && this.policy?.mustSpill(record, this.held))) this.spill();
  }

  /** The records held per reducer (combined ones sorted out by reducer first, in the map's insertion order). */
  private heldBuckets(): unknown[][] {
    if (!this.combined) return this.buckets;
    const buckets: unknown[][] = Array.from({ length: this.numPartitions }, () => []);
    for (const e of this.combined.entries()) buckets[this.partition(e[0])]!.push(e);
    return buckets;
  }

  private clear(): void {
    if (this.combined) this.combined = new KeyMap();
    else this.buckets = Array.from({ length: this.numPartitions }, () => []);
    this.held = 0;
  }

  /** Writes what is held to a spill file, one frame per non-empty reducer. */
  spill(): void {
    if (this.held === 0) return;
    const path = join(this.dir, `${this.name}.spill${this.spills.length}`);
    const fd = openSync(path, 'w');
    const segments: [number, number][] = [];
    let off = 0;
    try {
      const buckets = this.heldBuckets();
      for (let p = 0; p < this.numPartitions; p++) {
        const recs = buckets[p]!;
        if (recs.length === 0) {
          segments.push([off, 0]);
          continue;
        }
        const f = frame(recs);
        writeSync(fd, f);
        segments.push([off, f.length]);
        off += f.length;
      }
    } finally {
      closeSync(fd);
    }
    this.spills.push({ path, segments });
    this.clear();
    this.policy?.spilled(off);
  }

  /** Writes the data file; returns its path and the start offset of each reducer's segment (plus the end). */
  commit(): { path: string; offsets: number[] } {
    const path = join(this.dir, `${this.name}.data`);
    const tmp = `${path}.tmp`;
    const fd = openSync(tmp, 'w');
    const offsets: number[] = [];
    let off = 0;
    const spillFds = this.spills.map((s) => openSync(s.path, 'r'));
    try {
      const buckets = this.heldBuckets();
      for (let p = 0; p < this.numPartitions; p++) {
        offsets.push(off);
        this.spills.forEach((s, i) => {
          const [start, len] = s.segments[p]!;
          if (len === 0) return;
          const buf = Buffer.allocUnsafe(len);
          readSync(spillFds[i]!, buf, 0, len, start);
          writeSync(fd, buf);
          off += len;
        });
        const recs = buckets[p]!;
        if (recs.length > 0) {
          const f = frame(recs);
          writeSync(fd, f);
          off += f.length;
        }
      }
      offsets.push(off);
    } finally {
      closeSync(fd);
      for (const f of spillFds) closeSync(f);
      for (const s of this.spills) rmSync(s.path, { force: true });
    }
    renameSync(tmp, path);
    this.clear();
    return { path, offsets };
  }

  get spillCount(): number {
    return this.spills.length;
  }

  /** Bytes written to spill files (Spark's "disk bytes spilled"). */
  get spilledBytes(): number {
    return this.spills.reduce((n, s) => n + s.segments.reduce((m, [, len]) => m + len, 0), 0);
  }
}
