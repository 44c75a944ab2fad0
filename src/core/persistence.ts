/**
 * RDD persistence: the blocks cached partitions are stored as, the storage level `persist` accepts, and the plan
 * that reads a partition from its block (computing and storing it when missing). `RDD`'s caching methods use these.
 */
import { parseStorageLevel, type StorageLevel } from '../memory/storageLevel.js';
import { IllegalArgumentException } from '../util/errors.js';
import type { Plan } from './plan.js';

/** The block partition `p` of RDD `rddId` is cached as (Spark's RDDBlockId); `rdd_<id>_` prefixes all of them. */
export function rddBlockId(rddId: number, p: number | ''): string {
  return `rdd_${rddId}_${p}`;
}

/** `level` as a storage level; a bad one is the caller's mistake, hence IllegalArgumentException. */
export function storageLevel(level: string): StorageLevel {
  try {
    return parseStorageLevel(level);
  } catch (err) {
    throw new IllegalArgumentException((err as Error).message);
  }
}

/** `base` read through the partition's cache block; MEMORY_ONLY, the default, is left out of the plan. */
export function cachedPlan(rddId: number, p: number, base: Plan, level: StorageLevel): Plan {
  return { t: 'cached', block: rddBlockId(rddId, p), parent: base, ...(level !== 'MEMORY_ONLY' ? { level } : {}) };
}
