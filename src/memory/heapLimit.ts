/**
 * Executor heap limits. Tasks run in worker threads, each with its own V8 heap: an executor process caps each task
 * thread's old generation at `spark.executor.memory` / threads (Node's `resourceLimits`, the in-process form of
 * `--max-old-space-size`), so a task that outgrows it ends its thread with ERR_WORKER_OUT_OF_MEMORY (the process
 * and its other tasks live on) and fails with a message saying what to change. Buffers (fetched shuffle blocks,
 * compression) are outside the V8 heap and count against the memory overhead, as Netty buffers do in Spark.
 */
import { parseBytes } from '../conf/units.js';

/** Smallest per-thread cap: below it V8 cannot run a task at all. */
const MIN_THREAD_HEAP_MIB = 64;

/** MiB of old generation per task thread from `SPARK_EXECUTOR_MEMORY` (e.g. `512m`); undefined when not set. */
export function threadHeapLimitMiB(executorMemory: string | undefined, threads: number): number | undefined {
  if (executorMemory === undefined || executorMemory === '') return undefined;
  let mib: number;
  try {
    mib = Math.floor(parseBytes(executorMemory, 'm')); // in MiB, as the catalog reads spark.executor.memory
  } catch {
    throw new Error(`SPARK_EXECUTOR_MEMORY should be a size such as 512m or 2g, but is '${executorMemory}'`);
  }
  return Math.max(MIN_THREAD_HEAP_MIB, Math.floor(mib / Math.max(1, threads)));
}

/** Node's heap-cap option, in any of the spellings Node accepts (dashes or underscores), with or without a value. */
const isHeapCapFlag = (option: string): boolean => /^--max[-_]old[-_]space[-_]size(=|$)/.test(option);

/**
 * A `--max-old-space-size` the process was started with (its arguments or NODE_OPTIONS). Node lets it override
 * every worker's own `resourceLimits`, so with it set the per-thread caps above do not hold; for the same reason
 * the executor's main thread (which holds no task data) is not capped by that flag.
 */
export function processHeapCap(execArgv: readonly string[], nodeOptions: string | undefined): string | undefined {
  const flags = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)];
  return flags.find(isHeapCapFlag);
}

export function isOutOfMemory(err: Error | undefined): boolean {
  return (err as { code?: string } | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
}

/** The failure of a task whose thread ran out of heap: what happened, where, and the settings to change. */
export function outOfMemoryMessage(task: { taskId: number; stageId: number | undefined }, limitMiB: number | undefined, threads: number): string {
  const where = `task ${task.taskId}${task.stageId !== undefined ? ` in stage ${task.stageId}` : ''}`;
  const limit = limitMiB !== undefined ? ` (its thread's heap limit is ${limitMiB} MiB: spark.executor.memory shared by ${threads} task thread${threads === 1 ? '' : 's'})` : '';
  return `${where} ran out of memory${limit}. Raise spark.executor.memory, run fewer tasks per executor (spark.executor.cores), `
    + 'use more partitions so each task holds less, or lower spark.memory.fraction so shuffles and sorts spill to disk sooner';
}

/** Smallest driver heap cap: Spark's minimum heap (1.5 × the 300 MiB reserved). */
export const MIN_DRIVER_HEAP_MIB = 450;

/**
 * The driver's Node options with its heap capped at `spark.driver.memory` MiB (`--max-old-space-size`), unless the
 * options already set the cap themselves.
 */
export function withHeapCap(options: readonly string[], mib: number): string[] {
  if (options.some(isHeapCapFlag)) return [...options];
  return [...options, `--max-old-space-size=${Math.floor(mib)}`];
}
