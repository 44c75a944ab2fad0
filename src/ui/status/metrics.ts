/**
 * Task metrics: from the scheduler's form or the event log's form to the REST form, and the sums stages and executors
 * keep of them.
 */
import type { TaskMetricsLite } from '../../scheduler/events.js';
import type { TaskMetricsJson } from '../events/sparkEvents.js';
import type { ExecutorStageSummary, StageMetricSums, TaskMetrics } from './records.js';

export function zeroStageMetrics(): StageMetricSums {
  return {
    executorDeserializeTime: 0, executorDeserializeCpuTime: 0, executorRunTime: 0, executorCpuTime: 0, resultSize: 0, jvmGcTime: 0,
    resultSerializationTime: 0, memoryBytesSpilled: 0, diskBytesSpilled: 0, peakExecutionMemory: 0, inputBytes: 0, inputRecords: 0,
    outputBytes: 0, outputRecords: 0, shuffleRemoteBlocksFetched: 0, shuffleLocalBlocksFetched: 0, shuffleFetchWaitTime: 0,
    shuffleRemoteBytesRead: 0, shuffleRemoteBytesReadToDisk: 0, shuffleLocalBytesRead: 0, shuffleReadBytes: 0, shuffleReadRecords: 0,
    shuffleCorruptMergedBlockChunks: 0, shuffleMergedFetchFallbackCount: 0, shuffleMergedRemoteBlocksFetched: 0, shuffleMergedLocalBlocksFetched: 0,
    shuffleMergedRemoteChunksFetched: 0, shuffleMergedLocalChunksFetched: 0, shuffleMergedRemoteBytesRead: 0, shuffleMergedLocalBytesRead: 0,
    shuffleRemoteReqsDuration: 0, shuffleMergedRemoteReqsDuration: 0, shuffleWriteBytes: 0, shuffleWriteTime: 0, shuffleWriteRecords: 0,
  };
}

export function zeroExecutorStageSummary(): ExecutorStageSummary {
  return {
    taskTime: 0, failedTasks: 0, succeededTasks: 0, killedTasks: 0, inputBytes: 0, inputRecords: 0, outputBytes: 0, outputRecords: 0,
    shuffleRead: 0, shuffleReadRecords: 0, shuffleWrite: 0, shuffleWriteRecords: 0, memoryBytesSpilled: 0, diskBytesSpilled: 0,
    isBlacklistedForStage: false, isExcludedForStage: false,
  };
}

const n = (v: number | undefined): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

// A store holds one TaskMetrics per task (up to spark.ui.retainedTasks per stage), and most of their parts are all
// zeros (no input, no output, no push-based shuffle ever): those parts are one shared, frozen object, so most tasks
// allocate one or two objects here instead of six. Nothing writes to a task's metrics once stored.
type ReadMetrics = TaskMetrics['shuffleReadMetrics'];
type PushMetrics = ReadMetrics['shufflePushReadMetrics'];
export const ZERO_PUSH: PushMetrics = Object.freeze({
  corruptMergedBlockChunks: 0, mergedFetchFallbackCount: 0, remoteMergedBlocksFetched: 0, localMergedBlocksFetched: 0, remoteMergedChunksFetched: 0,
  localMergedChunksFetched: 0, remoteMergedBytesRead: 0, localMergedBytesRead: 0, remoteMergedReqsDuration: 0,
});
export const ZERO_READ: ReadMetrics = Object.freeze({
  remoteBlocksFetched: 0, localBlocksFetched: 0, fetchWaitTime: 0, remoteBytesRead: 0, remoteBytesReadToDisk: 0, localBytesRead: 0, recordsRead: 0,
  remoteReqsDuration: 0, shufflePushReadMetrics: ZERO_PUSH,
});
export const ZERO_WRITE: TaskMetrics['shuffleWriteMetrics'] = Object.freeze({ bytesWritten: 0, writeTime: 0, recordsWritten: 0 });
export const ZERO_INPUT: TaskMetrics['inputMetrics'] = Object.freeze({ bytesRead: 0, recordsRead: 0 });
export const ZERO_OUTPUT: TaskMetrics['outputMetrics'] = Object.freeze({ bytesWritten: 0, recordsWritten: 0 });

const ZERO_TASK: TaskMetrics = {
  executorDeserializeTime: 0, executorDeserializeCpuTime: 0, executorRunTime: 0, executorCpuTime: 0, resultSize: 0, jvmGcTime: 0,
  resultSerializationTime: 0, memoryBytesSpilled: 0, diskBytesSpilled: 0, peakExecutionMemory: 0, inputMetrics: ZERO_INPUT, outputMetrics: ZERO_OUTPUT,
  shuffleReadMetrics: ZERO_READ, shuffleWriteMetrics: ZERO_WRITE,
};

/** A task's metrics, all zero (a new object, for a caller to fill). */
export const zeroTaskMetrics = (): TaskMetrics => ({ ...ZERO_TASK });

/** Whether every number in `o` is 0 (a missing or non-finite one counts as 0, as the readers take it). */
export function allZero(o: object | undefined): boolean {
  if (o === undefined) return true;
  for (const k in o) if (n((o as Record<string, number>)[k]) !== 0) return false;
  return true;
}

function pushFromJson(p: Record<string, number> | undefined): PushMetrics {
  if (p === undefined || allZero(p)) return ZERO_PUSH;
  return {
    corruptMergedBlockChunks: n(p['Corrupt Merged Block Chunks']), mergedFetchFallbackCount: n(p['Merged Fetch Fallback Count']),
    remoteMergedBlocksFetched: n(p['Merged Remote Blocks Fetched']), localMergedBlocksFetched: n(p['Merged Local Blocks Fetched']),
    remoteMergedChunksFetched: n(p['Merged Remote Chunks Fetched']), localMergedChunksFetched: n(p['Merged Local Chunks Fetched']),
    remoteMergedBytesRead: n(p['Merged Remote Bytes Read']), localMergedBytesRead: n(p['Merged Local Bytes Read']),
    remoteMergedReqsDuration: n(p['Merged Remote Requests Duration']),
  };
}

function readFromJson(r: TaskMetricsJson['Shuffle Read Metrics']): ReadMetrics {
  if (r === undefined || r === null) return ZERO_READ;
  const push = pushFromJson((r as { 'Shuffle Push Read Metrics'?: Record<string, number> })['Shuffle Push Read Metrics']);
  // The nested push metrics read as 0 in allZero; they were checked just above.
  if (push === ZERO_PUSH && allZero(r)) return ZERO_READ;
  return {
    remoteBlocksFetched: n(r['Remote Blocks Fetched']), localBlocksFetched: n(r['Local Blocks Fetched']), fetchWaitTime: n(r['Fetch Wait Time']),
    remoteBytesRead: n(r['Remote Bytes Read']), remoteBytesReadToDisk: n(r['Remote Bytes Read To Disk']), localBytesRead: n(r['Local Bytes Read']),
    recordsRead: n(r['Total Records Read']), remoteReqsDuration: n(r['Remote Requests Duration']), shufflePushReadMetrics: push,
  };
}

/** The REST form of an event's "Task Metrics" (missing optional fields read as 0, as Spark's reader does). */
export function taskMetricsFromJson(j: TaskMetricsJson): TaskMetrics {
  const w = j['Shuffle Write Metrics'];
  const i = j['Input Metrics'];
  const o = j['Output Metrics'];
  return {
    executorDeserializeTime: n(j['Executor Deserialize Time']), executorDeserializeCpuTime: n(j['Executor Deserialize CPU Time']),
    executorRunTime: n(j['Executor Run Time']), executorCpuTime: n(j['Executor CPU Time']), resultSize: n(j['Result Size']),
    jvmGcTime: n(j['JVM GC Time']), resultSerializationTime: n(j['Result Serialization Time']), memoryBytesSpilled: n(j['Memory Bytes Spilled']),
    diskBytesSpilled: n(j['Disk Bytes Spilled']), peakExecutionMemory: n(j['Peak Execution Memory']),
    inputMetrics: allZero(i) ? ZERO_INPUT : { bytesRead: n(i!['Bytes Read']), recordsRead: n(i!['Records Read']) },
    outputMetrics: allZero(o) ? ZERO_OUTPUT : { bytesWritten: n(o!['Bytes Written']), recordsWritten: n(o!['Records Written']) },
    shuffleReadMetrics: readFromJson(j['Shuffle Read Metrics']),
    shuffleWriteMetrics: allZero(w) ? ZERO_WRITE : { bytesWritten: n(w!['Shuffle Bytes Written']), writeTime: n(w!['Shuffle Write Time']), recordsWritten: n(w!['Shuffle Records Written']) },
  };
}

/**
 * The REST form of the scheduler's metrics for a task that ran `duration` ms (its run time when the executor did not
 * report one). The event written for the task is built from this too (toSparkEvents.ts), so the store and the log
 * agree whichever way the task arrives; a value that is not a finite number is 0 in both, as Spark's reader reads it.
 */
export function taskMetricsFromLite(m: TaskMetricsLite | undefined, duration: number): TaskMetrics {
  return taskMetricsFromLiteInto(m, duration, zeroTaskMetrics());
}

/** `taskMetricsFromLite` written into `out` (every field), for a caller that reuses one object per task. */
export function taskMetricsFromLiteInto(m: TaskMetricsLite | undefined, duration: number, out: TaskMetrics): TaskMetrics {
  if (m === undefined) {
    out.executorDeserializeTime = 0;
    out.executorRunTime = n(duration);
    out.resultSize = 0;
    out.memoryBytesSpilled = 0;
    out.diskBytesSpilled = 0;
    out.peakExecutionMemory = 0;
    out.inputMetrics = ZERO_INPUT;
    out.outputMetrics = ZERO_OUTPUT;
    out.shuffleReadMetrics = ZERO_READ;
    out.shuffleWriteMetrics = ZERO_WRITE;
  } else {
    const inBytes = n(m.inputBytes);
    const inRecords = n(m.inputRecords);
    const outBytes = n(m.outputBytes);
    const outRecords = n(m.outputRecords);
    const wBytes = n(m.shuffleWriteBytes);
    const wTime = n(m.shuffleWriteTimeNs);
    const wRecords = n(m.shuffleWriteRecords);
    const rRemoteBlocks = n(m.shuffleRemoteBlocksFetched);
    const rLocalBlocks = n(m.shuffleLocalBlocksFetched);
    const rWait = n(m.shuffleFetchWaitMs);
    const rRemoteBytes = n(m.shuffleRemoteBytesRead);
    const rLocalBytes = n(m.shuffleLocalBytesRead);
    const rRecords = n(m.shuffleRecordsRead);
    out.executorDeserializeTime = n(m.deserializeTimeMs);
    out.executorRunTime = n(m.runTimeMs === undefined ? duration : m.runTimeMs);
    out.resultSize = n(m.resultSize);
    out.memoryBytesSpilled = n(m.memoryBytesSpilled);
    out.diskBytesSpilled = n(m.diskBytesSpilled);
    out.peakExecutionMemory = n(m.peakExecutionMemory);
    out.inputMetrics = inBytes === 0 && inRecords === 0 ? ZERO_INPUT : { bytesRead: inBytes, recordsRead: inRecords };
    out.outputMetrics = outBytes === 0 && outRecords === 0 ? ZERO_OUTPUT : { bytesWritten: outBytes, recordsWritten: outRecords };
    out.shuffleReadMetrics = rRemoteBlocks === 0 && rLocalBlocks === 0 && rWait === 0 && rRemoteBytes === 0 && rLocalBytes === 0 && rRecords === 0 ? ZERO_READ : {
      remoteBlocksFetched: rRemoteBlocks, localBlocksFetched: rLocalBlocks, fetchWaitTime: rWait, remoteBytesRead: rRemoteBytes, remoteBytesReadToDisk: 0,
      localBytesRead: rLocalBytes, recordsRead: rRecords, remoteReqsDuration: 0, shufflePushReadMetrics: ZERO_PUSH,
    };
    out.shuffleWriteMetrics = wBytes === 0 && wTime === 0 && wRecords === 0 ? ZERO_WRITE : { bytesWritten: wBytes, writeTime: wTime, recordsWritten: wRecords };
  }
  // What the scheduler never measures.
  out.executorDeserializeCpuTime = 0;
  out.executorCpuTime = 0;
  out.jvmGcTime = 0;
  out.resultSerializationTime = 0;
  return out;
}

export const shuffleReadBytes = (m: TaskMetrics): number => m.shuffleReadMetrics.remoteBytesRead + m.shuffleReadMetrics.localBytesRead;

/** Adds one task's metrics to its stage attempt's sums. */
export function addToStage(s: StageMetricSums, m: TaskMetrics): void {
  s.executorDeserializeTime += m.executorDeserializeTime;
  s.executorDeserializeCpuTime += m.executorDeserializeCpuTime;
  s.executorRunTime += m.executorRunTime;
  s.executorCpuTime += m.executorCpuTime;
  s.resultSize += m.resultSize;
  s.jvmGcTime += m.jvmGcTime;
  s.resultSerializationTime += m.resultSerializationTime;
  s.memoryBytesSpilled += m.memoryBytesSpilled;
  s.diskBytesSpilled += m.diskBytesSpilled;
  s.peakExecutionMemory += m.peakExecutionMemory;
  s.inputBytes += m.inputMetrics.bytesRead;
  s.inputRecords += m.inputMetrics.recordsRead;
  s.outputBytes += m.outputMetrics.bytesWritten;
  s.outputRecords += m.outputMetrics.recordsWritten;
  const r = m.shuffleReadMetrics;
  s.shuffleRemoteBlocksFetched += r.remoteBlocksFetched;
  s.shuffleLocalBlocksFetched += r.localBlocksFetched;
  s.shuffleFetchWaitTime += r.fetchWaitTime;
  s.shuffleRemoteBytesRead += r.remoteBytesRead;
  s.shuffleRemoteBytesReadToDisk += r.remoteBytesReadToDisk;
  s.shuffleLocalBytesRead += r.localBytesRead;
  s.shuffleReadBytes += shuffleReadBytes(m);
  s.shuffleReadRecords += r.recordsRead;
  const p = r.shufflePushReadMetrics;
  s.shuffleCorruptMergedBlockChunks += p.corruptMergedBlockChunks;
  s.shuffleMergedFetchFallbackCount += p.mergedFetchFallbackCount;
  s.shuffleMergedRemoteBlocksFetched += p.remoteMergedBlocksFetched;
  s.shuffleMergedLocalBlocksFetched += p.localMergedBlocksFetched;
  s.shuffleMergedRemoteChunksFetched += p.remoteMergedChunksFetched;
  s.shuffleMergedLocalChunksFetched += p.localMergedChunksFetched;
  s.shuffleMergedRemoteBytesRead += p.remoteMergedBytesRead;
  s.shuffleMergedLocalBytesRead += p.localMergedBytesRead;
  s.shuffleRemoteReqsDuration += r.remoteReqsDuration;
  s.shuffleMergedRemoteReqsDuration += p.remoteMergedReqsDuration;
  s.shuffleWriteBytes += m.shuffleWriteMetrics.bytesWritten;
  s.shuffleWriteTime += m.shuffleWriteMetrics.writeTime;
  s.shuffleWriteRecords += m.shuffleWriteMetrics.recordsWritten;
}

/** Adds one task's metrics to its executor's summary within the stage. */
export function addToExecutorStage(s: ExecutorStageSummary, m: TaskMetrics): void {
  s.inputBytes += m.inputMetrics.bytesRead;
  s.inputRecords += m.inputMetrics.recordsRead;
  s.outputBytes += m.outputMetrics.bytesWritten;
  s.outputRecords += m.outputMetrics.recordsWritten;
  s.shuffleRead += shuffleReadBytes(m);
  s.shuffleReadRecords += m.shuffleReadMetrics.recordsRead;
  s.shuffleWrite += m.shuffleWriteMetrics.bytesWritten;
  s.shuffleWriteRecords += m.shuffleWriteMetrics.recordsWritten;
  s.memoryBytesSpilled += m.memoryBytesSpilled;
  s.diskBytesSpilled += m.diskBytesSpilled;
}
