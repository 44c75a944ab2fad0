/** Scheduler events, as Spark's listener bus carries them (the UI, progress bar, event log and metrics listen). */

/** An RDD of a stage's lineage (up to its shuffle boundaries), as the UI shows it. */
export interface RddInfoLite { id: number; name: string; numPartitions: number; parentIds: number[]; cached: boolean; callSite?: string }
/** A stage as a job start announces it (Spark's StageInfo). */
export interface StageInfoLite { stageId: number; attempt: number; name: string; numTasks: number; parentIds: number[]; rdds: RddInfoLite[]; details?: string }
/** What an executor measured while running a task (absent values were not measured). */
export interface TaskMetricsLite {
  runTimeMs: number;
  deserializeTimeMs?: number;
  resultSize?: number;
  inputBytes?: number;
  inputRecords?: number;
  outputBytes?: number;
  outputRecords?: number;
  shuffleWriteBytes?: number;
  shuffleWriteRecords?: number;
  shuffleWriteTimeNs?: number;
  shuffleLocalBytesRead?: number;
  shuffleRemoteBytesRead?: number;
  shuffleLocalBlocksFetched?: number;
  shuffleRemoteBlocksFetched?: number;
  shuffleRecordsRead?: number;
  shuffleFetchWaitMs?: number;
  diskBytesSpilled?: number;
  memoryBytesSpilled?: number;
  /** Peak estimated bytes held by the task's shuffle, sort and aggregation buffers. */
  peakExecutionMemory?: number;
  /** Estimated bytes of each block the task cached. */
  blockSizes?: Record<string, number>;
}

/** Whether the task cached any block (an empty record, as an older executor sends, is none). */
export function cachedBlocks(m: Pick<TaskMetricsLite, 'blockSizes'> | undefined): boolean {
  const b = m?.blockSizes;
  if (b === undefined) return false;
  for (const _ in b) return true;
  return false;
}

export interface JobStart {
  type: 'jobStart'; jobId: number; stageIds: number[]; time: number; group: string | undefined; description: string | undefined;
  /** Every stage of the job, the final one first. */
  stages?: StageInfoLite[];
}
export interface JobEnd { type: 'jobEnd'; jobId: number; time: number; result: 'succeeded' | 'failed' | 'cancelled'; error?: string }
export interface StageSubmitted {
  type: 'stageSubmitted'; stageId: number; attempt: number; name: string; numTasks: number; time: number;
  info?: StageInfoLite; jobId?: number; description?: string; group?: string;
}
export interface StageCompleted { type: 'stageCompleted'; stageId: number; attempt: number; name: string; numTasks: number; time: number; failure?: string }
export interface TaskStart {
  type: 'taskStart'; stageId: number; taskId: number; partition: number; attempt: number; executorId: string; time: number;
  stageAttempt?: number; host?: string; locality?: 'PROCESS_LOCAL' | 'NODE_LOCAL' | 'NO_PREF' | 'RACK_LOCAL' | 'ANY';
}
export interface TaskEnd {
  type: 'taskEnd'; stageId: number; taskId: number; partition: number; attempt: number; executorId: string; time: number;
  result: 'success' | 'failed' | 'killed' | 'lost'; error?: string; records: number;
  stageAttempt?: number; shuffleMap?: boolean; stack?: string; metrics?: TaskMetricsLite;
}
export interface ExecutorAdded { type: 'executorAdded'; executorId: string; host: string; cores: number; time: number; logUrls?: Record<string, string> }
export interface ExecutorRemoved { type: 'executorRemoved'; executorId: string; reason: string; time: number }

export interface ExecutorExcluded { type: 'executorExcluded'; executorId: string; failures: number; time: number }
/** An executor cached (size > 0) or dropped (size 0) a block such as `rdd_3_1`. */
export interface BlockUpdated { type: 'blockUpdated'; executorId: string; blockId: string; memSize: number; time: number }
export interface UnpersistRDD { type: 'unpersistRDD'; rddId: number; time: number }

export type SparkListenerEvent =
  | JobStart | JobEnd | StageSubmitted | StageCompleted | TaskStart | TaskEnd | ExecutorAdded | ExecutorRemoved | ExecutorExcluded
  | BlockUpdated | UnpersistRDD;

export type SparkListener = (event: SparkListenerEvent) => void;
