/**
 * A task's metrics (Spark's task metrics, as the UI shows them): the counters a run fills in as it reads and writes,
 * the fetcher and batch wrapper that count shuffle reads, and the final figures a task reports.
 */
import { cachedBlocks, type TaskMetricsLite } from '../scheduler/events.js';
import type { BlockFetcher } from '../shuffle/ShuffleReader.js';
import type { TaskMemory } from '../memory/TaskMemory.js';

/** Counted as the task runs; the run time is added when it reports. */
export type RunMetrics = Omit<TaskMetricsLite, 'runTimeMs'> & { blockSizes: Record<string, number> };

/** `fetch` with this task's timeout, counting local and remote shuffle blocks and bytes into `m`. */
export function meteredFetch(fetch: BlockFetcher, executorId: string, timeoutMs: number | undefined, m: RunMetrics): BlockFetcher {
  return async (status, p) => {
    const buf = await fetch(status, p, timeoutMs);
    const local = status.executorId === executorId;
    if (local) {
      m.shuffleLocalBytesRead = (m.shuffleLocalBytesRead ?? 0) + buf.length;
      m.shuffleLocalBlocksFetched = (m.shuffleLocalBlocksFetched ?? 0) + 1;
    } else {
      m.shuffleRemoteBytesRead = (m.shuffleRemoteBytesRead ?? 0) + buf.length;
      m.shuffleRemoteBlocksFetched = (m.shuffleRemoteBlocksFetched ?? 0) + 1;
    }
    return buf;
  };
}

/** Counts the shuffle records read through `batches`. */
export async function* countedRecords(batches: AsyncIterable<unknown[]>, m: RunMetrics): AsyncGenerator<unknown[]> {
  for await (const b of batches) {
    m.shuffleRecordsRead = (m.shuffleRecordsRead ?? 0) + b.length;
    yield b;
  }
}

/** The metrics a task reports: its counters, the task memory's spills and peak, and the run time since `started`. */
export function finalMetrics(m: RunMetrics, tm: TaskMemory | undefined, started: number): TaskMetricsLite {
  const spill = tm?.metrics;
  // Reduce-side spills add to the map side's (src/memory/TaskMemory.ts).
  const spilled = spill && (spill.diskBytesSpilled > 0 || spill.memoryBytesSpilled > 0)
    ? { memoryBytesSpilled: (m.memoryBytesSpilled ?? 0) + spill.memoryBytesSpilled, diskBytesSpilled: (m.diskBytesSpilled ?? 0) + spill.diskBytesSpilled }
    : {};
  const peak = spill && spill.peakExecutionMemory > 0 ? { peakExecutionMemory: Math.round(spill.peakExecutionMemory) } : {};
  const { blockSizes, ...counters } = m;
  // Only a task that cached blocks reports them: the driver's UI takes a faster way for tasks that did not.
  const blocks = cachedBlocks(m) ? { blockSizes } : {};
  return { ...counters, ...blocks, ...spilled, ...peak, runTimeMs: Math.round(performance.now() - started) };
}
