/** Where a key goes: hash, range (sorted bounds) and round-robin partitioning, the same on driver and executors. */
import { compareKeys, hashKey } from '../core/keys.js';
import type { PartitionerSpec } from '../core/plan.js';

export type PartitionFn = (key: unknown) => number;

export function partitionFn(spec: PartitionerSpec, keyFn?: (k: unknown) => unknown): PartitionFn {
  const n = spec.numPartitions;
  switch (spec.kind) {
    case 'hash':
      return (k) => hashKey(k) % n;
    case 'roundRobin': {
      let next = Math.floor(Math.random() * n);
      return () => (next = (next + 1) % n);
    }
    case 'range': {
      const bounds = spec.bounds;
      const asc = spec.ascending;
      return (k) => {
        const key = keyFn ? keyFn(k) : k;
        // First bound >= key (binary search); keys past every bound go to the last partition.
        let lo = 0;
        let hi = bounds.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (compareKeys(bounds[mid], key) < 0) lo = mid + 1;
          else hi = mid;
        }
        return asc ? lo : bounds.length - lo;
      };
    }
  }
}

/** Range bounds from a sample of keys: `n - 1` cut points splitting the sorted sample evenly. */
export function rangeBounds(sample: unknown[], numPartitions: number): unknown[] {
  if (numPartitions <= 1 || sample.length === 0) return [];
  const sorted = [...sample].sort(compareKeys);
  const bounds: unknown[] = [];
  for (let i = 1; i < numPartitions; i++) {
    const b = sorted[Math.min(sorted.length - 1, Math.floor((i * sorted.length) / numPartitions))];
    if (bounds.length === 0 || compareKeys(bounds[bounds.length - 1], b) < 0) bounds.push(b);
  }
  return bounds;
}
