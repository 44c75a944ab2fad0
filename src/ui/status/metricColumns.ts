/**
 * A task's REST metrics as numbers in a row of a Float64Array (TaskTable's columns), and back. Push-based shuffle
 * metrics are not among them: only Spark's own logs ever carry them, so TaskTable keeps those few aside.
 */
import { ZERO_INPUT, ZERO_OUTPUT, ZERO_PUSH, ZERO_READ, ZERO_WRITE, allZero } from './metrics.js';
import type { TaskMetrics } from './records.js';

/** Numbers per task. */
export const METRIC_COLUMNS = 25;

export function writeMetrics(c: Float64Array, i: number, m: TaskMetrics): void {
  c[i] = m.executorDeserializeTime;
  c[i + 1] = m.executorDeserializeCpuTime;
  c[i + 2] = m.executorRunTime;
  c[i + 3] = m.executorCpuTime;
  c[i + 4] = m.resultSize;
  c[i + 5] = m.jvmGcTime;
  c[i + 6] = m.resultSerializationTime;
  c[i + 7] = m.memoryBytesSpilled;
  c[i + 8] = m.diskBytesSpilled;
  c[i + 9] = m.peakExecutionMemory;
  c[i + 10] = m.inputMetrics.bytesRead;
  c[i + 11] = m.inputMetrics.recordsRead;
  c[i + 12] = m.outputMetrics.bytesWritten;
  c[i + 13] = m.outputMetrics.recordsWritten;
  const r = m.shuffleReadMetrics;
  c[i + 14] = r.remoteBlocksFetched;
  c[i + 15] = r.localBlocksFetched;
  c[i + 16] = r.fetchWaitTime;
  c[i + 17] = r.remoteBytesRead;
  c[i + 18] = r.remoteBytesReadToDisk;
  c[i + 19] = r.localBytesRead;
  c[i + 20] = r.recordsRead;
  c[i + 21] = r.remoteReqsDuration;
  const w = m.shuffleWriteMetrics;
  c[i + 22] = w.bytesWritten;
  c[i + 23] = w.writeTime;
  c[i + 24] = w.recordsWritten;
}

/** The metrics written at `i`, with `push` as their push-based shuffle part; all-zero parts are the shared zeros. */
export function readMetrics(c: Float64Array, i: number, push: TaskMetrics['shuffleReadMetrics']['shufflePushReadMetrics'] = ZERO_PUSH): TaskMetrics {
  const zero = (from: number, to: number) => {
    for (let k = i + from; k < i + to; k++) if (c[k] !== 0) return false;
    return true;
  };
  return {
    executorDeserializeTime: c[i]!, executorDeserializeCpuTime: c[i + 1]!, executorRunTime: c[i + 2]!, executorCpuTime: c[i + 3]!, resultSize: c[i + 4]!,
    jvmGcTime: c[i + 5]!, resultSerializationTime: c[i + 6]!, memoryBytesSpilled: c[i + 7]!, diskBytesSpilled: c[i + 8]!, peakExecutionMemory: c[i + 9]!,
    inputMetrics: zero(10, 12) ? ZERO_INPUT : { bytesRead: c[i + 10]!, recordsRead: c[i + 11]! },
    outputMetrics: zero(12, 14) ? ZERO_OUTPUT : { bytesWritten: c[i + 12]!, recordsWritten: c[i + 13]! },
    shuffleReadMetrics: zero(14, 22) && push === ZERO_PUSH ? ZERO_READ : {
      remoteBlocksFetched: c[i + 14]!, localBlocksFetched: c[i + 15]!, fetchWaitTime: c[i + 16]!, remoteBytesRead: c[i + 17]!,
      remoteBytesReadToDisk: c[i + 18]!, localBytesRead: c[i + 19]!, recordsRead: c[i + 20]!, remoteReqsDuration: c[i + 21]!, shufflePushReadMetrics: push,
    },
    shuffleWriteMetrics: zero(22, 25) ? ZERO_WRITE : { bytesWritten: c[i + 22]!, writeTime: c[i + 23]!, recordsWritten: c[i + 24]! },
  };
}

/** Whether a push-based shuffle part holds anything. */
export function hasPush(p: TaskMetrics['shuffleReadMetrics']['shufflePushReadMetrics']): boolean {
  return p !== ZERO_PUSH && !allZero(p);
}
