/**
 * The memory settings a task carries to its executor, computed once on the driver from the configuration: the
 * executor heap's unified pool, how many task threads share that heap, and the spill knobs.
 */
import type { SparkConf } from '../conf/SparkConf.js';
import * as config from '../conf/catalog.js';
import { memoryLayout } from './UnifiedMemoryManager.js';

export interface TaskMemorySettings {
  /** The executor's unified pool and storage region, in bytes. */
  maxMemory: number;
  storageRegion: number;
  /** Task threads sharing one heap (so one thread's pool is `maxMemory / slots`). */
  slots: number;
  initialThreshold: number;
  compress: boolean;
}

const MIB = 1024 * 1024;

/** The heap (MiB) tasks of `master` run in, and the key that sets it. */
export function taskHeap(master: string, conf: SparkConf): { mib: number; key: string } {
  const lc = /^local-cluster\[\s*\d+\s*,\s*\d+\s*,\s*(\d+)\s*\]$/.exec(master);
  if (lc) return { mib: Number(lc[1]), key: 'the memory of local-cluster[N,cores,memMB]' };
  if (master.startsWith('local')) return { mib: conf.get(config.DRIVER_MEMORY), key: config.DRIVER_MEMORY.key };
  return { mib: conf.get(config.EXECUTOR_MEMORY), key: config.EXECUTOR_MEMORY.key };
}

/** Task threads per executor heap: `local[N]` and `local-cluster[N,cores,...]` say it; elsewhere `spark.executor.cores`. */
export function heapSlots(master: string, conf: SparkConf, defaultParallelism: number): number {
  const lc = /^local-cluster\[\s*\d+\s*,\s*(\d+)\s*,/.exec(master);
  if (lc) return Math.max(1, Number(lc[1]));
  if (master.startsWith('local')) return Math.max(1, defaultParallelism);
  // Unknown until offers arrive (coarse Mesos takes whole offers): assume the application's parallelism, which
  // errs on the side of spilling early.
  return conf.contains(config.EXECUTOR_CORES.key) ? Math.max(1, conf.get(config.EXECUTOR_CORES)) : Math.max(1, defaultParallelism);
}

export function taskMemorySettings(master: string, conf: SparkConf, defaultParallelism: number): TaskMemorySettings {
  const heap = taskHeap(master, conf);
  // Unlike Spark, a small heap (under 450 MiB) does not fail: the reserved part shrinks to a third of it.
  const reserved = Math.min(conf.get(config.TESTING_RESERVED_MEMORY), Math.floor((heap.mib * MIB) / 3));
  const layout = memoryLayout(heap.mib * MIB, conf.get(config.MEMORY_FRACTION), conf.get(config.MEMORY_STORAGE_FRACTION), reserved, heap.key);
  return {
    maxMemory: layout.maxMemory, storageRegion: layout.storageRegion, slots: heapSlots(master, conf, defaultParallelism),
    initialThreshold: conf.get(config.SHUFFLE_SPILL_INITIAL_MEMORY_THRESHOLD), compress: conf.get(config.SHUFFLE_SPILL_COMPRESS),
  };
}
