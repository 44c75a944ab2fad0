/**
 * Quantiles of a stage attempt's task metrics (`taskSummary`, `withSummaries`): over its successful tasks, the value
 * at index min(⌊q·n⌋, n−1) of the sorted values, as Spark picks them.
 */
import type { ExecutorStageSummary, StageRecord, TaskRecord, TaskMetrics } from '../status/records.js';

type Json = Record<string, unknown>;

/** The value of each quantile in `values` (sorted here). */
export function quantilesOf(values: number[], quantiles: readonly number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  return quantiles.map((q) => (n === 0 ? NaN : sorted[Math.max(0, Math.min(Math.floor(q * n), n - 1))]!));
}

/** Spark's `TaskMetricDistributions`, or undefined when no task of the stage succeeded yet. */
export function taskMetricDistributions(s: StageRecord, quantiles: readonly number[]): Json | undefined {
  const tasks = [...s.tasks.values()].filter((t): t is TaskRecord & { taskMetrics: TaskMetrics } => t.status === 'SUCCESS' && t.taskMetrics !== undefined);
  if (tasks.length === 0) return undefined;
  const d = (f: (t: TaskRecord & { taskMetrics: TaskMetrics }) => number) => quantilesOf(tasks.map(f), quantiles);
  const m = (f: (m: TaskMetrics) => number) => d((t) => f(t.taskMetrics));
  const r = (f: (r: TaskMetrics['shuffleReadMetrics']) => number) => m((x) => f(x.shuffleReadMetrics));
  const p = (f: (r: TaskMetrics['shuffleReadMetrics']['shufflePushReadMetrics']) => number) => r((x) => f(x.shufflePushReadMetrics));
  return {
    quantiles, duration: d((t) => t.duration ?? 0), executorDeserializeTime: m((x) => x.executorDeserializeTime),
    executorDeserializeCpuTime: m((x) => x.executorDeserializeCpuTime), executorRunTime: m((x) => x.executorRunTime), executorCpuTime: m((x) => x.executorCpuTime),
    resultSize: m((x) => x.resultSize), jvmGcTime: m((x) => x.jvmGcTime), resultSerializationTime: m((x) => x.resultSerializationTime),
    gettingResultTime: d((t) => t.gettingResultTime), schedulerDelay: d((t) => t.schedulerDelay), peakExecutionMemory: m((x) => x.peakExecutionMemory),
    memoryBytesSpilled: m((x) => x.memoryBytesSpilled), diskBytesSpilled: m((x) => x.diskBytesSpilled),
    inputMetrics: { bytesRead: m((x) => x.inputMetrics.bytesRead), recordsRead: m((x) => x.inputMetrics.recordsRead) },
    outputMetrics: { bytesWritten: m((x) => x.outputMetrics.bytesWritten), recordsWritten: m((x) => x.outputMetrics.recordsWritten) },
    shuffleReadMetrics: {
      readBytes: r((x) => x.remoteBytesRead + x.localBytesRead), readRecords: r((x) => x.recordsRead), remoteBlocksFetched: r((x) => x.remoteBlocksFetched),
      localBlocksFetched: r((x) => x.localBlocksFetched), fetchWaitTime: r((x) => x.fetchWaitTime), remoteBytesRead: r((x) => x.remoteBytesRead),
      remoteBytesReadToDisk: r((x) => x.remoteBytesReadToDisk), totalBlocksFetched: r((x) => x.remoteBlocksFetched + x.localBlocksFetched),
      remoteReqsDuration: r((x) => x.remoteReqsDuration),
      shufflePushReadMetricsDist: {
        corruptMergedBlockChunks: p((x) => x.corruptMergedBlockChunks), mergedFetchFallbackCount: p((x) => x.mergedFetchFallbackCount),
        remoteMergedBlocksFetched: p((x) => x.remoteMergedBlocksFetched), localMergedBlocksFetched: p((x) => x.localMergedBlocksFetched),
        remoteMergedChunksFetched: p((x) => x.remoteMergedChunksFetched), localMergedChunksFetched: p((x) => x.localMergedChunksFetched),
        remoteMergedBytesRead: p((x) => x.remoteMergedBytesRead), localMergedBytesRead: p((x) => x.localMergedBytesRead),
        remoteMergedReqsDuration: p((x) => x.remoteMergedReqsDuration),
      },
    },
    shuffleWriteMetrics: {
      writeBytes: m((x) => x.shuffleWriteMetrics.bytesWritten), writeRecords: m((x) => x.shuffleWriteMetrics.recordsWritten),
      writeTime: m((x) => x.shuffleWriteMetrics.writeTime),
    },
  };
}

/** Spark's `ExecutorMetricsDistributions`: quantiles over the executors' summaries within the stage. */
export function executorMetricsDistributions(s: StageRecord, quantiles: readonly number[]): Json {
  const execs = [...s.executorSummary.values()];
  const d = (f: (e: ExecutorStageSummary) => number) => quantilesOf(execs.map(f), quantiles);
  return {
    quantiles, taskTime: d((e) => e.taskTime), failedTasks: d((e) => e.failedTasks), succeededTasks: d((e) => e.succeededTasks),
    killedTasks: d((e) => e.killedTasks), inputBytes: d((e) => e.inputBytes), inputRecords: d((e) => e.inputRecords), outputBytes: d((e) => e.outputBytes),
    outputRecords: d((e) => e.outputRecords), shuffleRead: d((e) => e.shuffleRead), shuffleReadRecords: d((e) => e.shuffleReadRecords),
    shuffleWrite: d((e) => e.shuffleWrite), shuffleWriteRecords: d((e) => e.shuffleWriteRecords), memoryBytesSpilled: d((e) => e.memoryBytesSpilled),
    diskBytesSpilled: d((e) => e.diskBytesSpilled),
  };
}
