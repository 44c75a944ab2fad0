/**
 * What the status store keeps per job, stage attempt, task, executor and cached RDD: Spark's REST models (`api.scala`)
 * with times as epoch ms (the API renders them as dates) plus the bookkeeping needed to update them.
 */
import type { IndexSet } from './IndexSet.js';
import type { StageIndexSet } from './StageIndexSet.js';
import type { TaskTable } from './TaskTable.js';

export type JobStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'UNKNOWN';
export type StageStatus = 'ACTIVE' | 'COMPLETE' | 'FAILED' | 'PENDING' | 'SKIPPED';
export type TaskState = 'RUNNING' | 'GET RESULT' | 'SUCCESS' | 'FAILED' | 'KILLED' | 'UNKNOWN';

export interface ShufflePushReadMetrics {
  corruptMergedBlockChunks: number; mergedFetchFallbackCount: number; remoteMergedBlocksFetched: number; localMergedBlocksFetched: number;
  remoteMergedChunksFetched: number; localMergedChunksFetched: number; remoteMergedBytesRead: number; localMergedBytesRead: number; remoteMergedReqsDuration: number;
}

/** Spark's REST `TaskMetrics`. */
export interface TaskMetrics {
  executorDeserializeTime: number; executorDeserializeCpuTime: number; executorRunTime: number; executorCpuTime: number; resultSize: number;
  jvmGcTime: number; resultSerializationTime: number; memoryBytesSpilled: number; diskBytesSpilled: number; peakExecutionMemory: number;
  inputMetrics: { bytesRead: number; recordsRead: number };
  outputMetrics: { bytesWritten: number; recordsWritten: number };
  shuffleReadMetrics: {
    remoteBlocksFetched: number; localBlocksFetched: number; fetchWaitTime: number; remoteBytesRead: number; remoteBytesReadToDisk: number;
    localBytesRead: number; recordsRead: number; remoteReqsDuration: number; shufflePushReadMetrics: ShufflePushReadMetrics;
  };
  shuffleWriteMetrics: { bytesWritten: number; writeTime: number; recordsWritten: number };
}

export interface TaskRecord {
  taskId: number; index: number; attempt: number; partitionId: number; launchTime: number; resultFetchStart?: number; duration?: number;
  executorId: string; host: string; status: TaskState; taskLocality: string; speculative: boolean; errorMessage?: string;
  taskMetrics?: TaskMetrics; executorLogs: Record<string, string>; schedulerDelay: number; gettingResultTime: number;
  /** Bookkeeping: when it ended (0 while running), its stage attempt, and why it was killed. */
  finishTime: number; stageId: number; stageAttemptId: number; killReason?: string;
}

/** The task metric sums of a stage attempt, in StageData's field order. */
export interface StageMetricSums {
  executorDeserializeTime: number; executorDeserializeCpuTime: number; executorRunTime: number; executorCpuTime: number; resultSize: number;
  jvmGcTime: number; resultSerializationTime: number; memoryBytesSpilled: number; diskBytesSpilled: number; peakExecutionMemory: number;
  inputBytes: number; inputRecords: number; outputBytes: number; outputRecords: number;
  shuffleRemoteBlocksFetched: number; shuffleLocalBlocksFetched: number; shuffleFetchWaitTime: number; shuffleRemoteBytesRead: number;
  shuffleRemoteBytesReadToDisk: number; shuffleLocalBytesRead: number; shuffleReadBytes: number; shuffleReadRecords: number;
  shuffleCorruptMergedBlockChunks: number; shuffleMergedFetchFallbackCount: number; shuffleMergedRemoteBlocksFetched: number;
  shuffleMergedLocalBlocksFetched: number; shuffleMergedRemoteChunksFetched: number; shuffleMergedLocalChunksFetched: number;
  shuffleMergedRemoteBytesRead: number; shuffleMergedLocalBytesRead: number; shuffleRemoteReqsDuration: number; shuffleMergedRemoteReqsDuration: number;
  shuffleWriteBytes: number; shuffleWriteTime: number; shuffleWriteRecords: number;
}

export interface ExecutorStageSummary {
  taskTime: number; failedTasks: number; succeededTasks: number; killedTasks: number; inputBytes: number; inputRecords: number;
  outputBytes: number; outputRecords: number; shuffleRead: number; shuffleReadRecords: number; shuffleWrite: number; shuffleWriteRecords: number;
  memoryBytesSpilled: number; diskBytesSpilled: number; isBlacklistedForStage: boolean; isExcludedForStage: boolean;
}

export interface AccumulableInfo { id: number; name: string; update?: string; value: string }

export interface StageRecord {
  status: StageStatus; stageId: number; attemptId: number; numTasks: number; numActiveTasks: number; numCompleteTasks: number;
  numFailedTasks: number; numKilledTasks: number; completedIndices: IndexSet;
  submissionTime?: number; firstTaskLaunchedTime?: number; completionTime?: number; failureReason?: string;
  metrics: StageMetricSums; name: string; description?: string; details: string; schedulingPool: string; rddIds: number[];
  parentIds: number[]; accumulatorUpdates: AccumulableInfo[]; killedTasksSummary: Record<string, number>;
  tasks: TaskTable; executorSummary: Map<string, ExecutorStageSummary>; jobIds: Set<number>;
  /** Bookkeeping: tasks that ever ended in this attempt (the live ones may have been trimmed). */
  endedTasks: number;
}

export interface JobRecord {
  jobId: number; name: string; description?: string; submissionTime?: number; completionTime?: number; stageIds: number[];
  jobGroup?: string; jobTags: string[]; status: JobStatus; numTasks: number; numActiveTasks: number; numCompletedTasks: number;
  numSkippedTasks: number; numFailedTasks: number; numKilledTasks: number; completedIndices: StageIndexSet;
  numActiveStages: number; completedStages: Set<number>; skippedStages: Set<number>; failedStages: Set<number>;
  killedTasksSummary: Record<string, number>;
  /** Bookkeeping: why it failed, and which of its stages ran while it did (the others were skipped). */
  error?: string;
  submittedStages: Set<number>;
}

export interface ExecutorRecord {
  id: string; hostPort: string; host: string; isActive: boolean; totalCores: number; maxTasks: number; activeTasks: number;
  failedTasks: number; completedTasks: number; totalDuration: number; totalGCTime: number; totalInputBytes: number;
  totalShuffleRead: number; totalShuffleWrite: number; isExcluded: boolean; maxMemory: number; maxOnHeapMemory?: number;
  addTime: number; removeTime?: number; removeReason?: string; executorLogs: Record<string, string>;
  attributes: Record<string, string>; excludedInStages: number[];
}

export interface ApplicationRecord {
  id: string; name: string; attemptId?: string; startTime: number; endTime?: number; sparkUser: string; appSparkVersion: string;
  /** When the store last changed (epoch ms). */
  lastUpdated: number;
}

export interface EnvironmentRecord {
  runtime: { javaVersion: string; javaHome: string; scalaVersion: string };
  sparkProperties: [string, string][]; hadoopProperties: [string, string][]; systemProperties: [string, string][];
  metricsProperties: [string, string][]; classpathEntries: [string, string][];
}
