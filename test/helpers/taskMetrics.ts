/** Task metrics with every field set (distinct values, one beyond 32 bits), for tests of how task events travel. */
import type { TaskMetricsLite } from '../../src/scheduler/events.js';

export const fullMetrics: Required<Omit<TaskMetricsLite, 'blockSizes'>> = {
  runTimeMs: 12, deserializeTimeMs: 1, resultSize: 900, inputBytes: 1 << 20, inputRecords: 1000, outputBytes: 5, outputRecords: 6, shuffleWriteBytes: 7,
  shuffleWriteRecords: 8, shuffleWriteTimeNs: 123456789, shuffleLocalBytesRead: 10, shuffleRemoteBytesRead: 11, shuffleLocalBlocksFetched: 12,
  shuffleRemoteBlocksFetched: 13, shuffleRecordsRead: 14, shuffleFetchWaitMs: 15, diskBytesSpilled: 16, memoryBytesSpilled: 2 ** 40, peakExecutionMemory: 17,
};
