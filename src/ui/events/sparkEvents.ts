/**
 * Spark's listener events in the JSON form of its `JsonProtocol` (Spark 3.5): the event log's lines, and what the
 * status store is built from, live or replayed. Field names are Spark's, spaces and all; times are epoch ms.
 */
import type { TaskMetrics } from '../status/records.js';

export type Props = Record<string, string>;

export interface StorageLevelJson { 'Use Disk': boolean; 'Use Memory': boolean; 'Use Off Heap'?: boolean; Deserialized: boolean; Replication: number }

export interface RddInfoJson {
  'RDD ID': number; Name: string; Callsite?: string; 'Parent IDs'?: number[]; 'Storage Level': StorageLevelJson; Barrier?: boolean;
  DeterministicLevel?: string; 'Number of Partitions': number; 'Number of Cached Partitions': number; 'Memory Size': number; 'Disk Size': number;
}

export interface AccumulableJson { ID: number; Name?: string; Update?: unknown; Value?: unknown; Internal?: boolean; 'Count Failed Values'?: boolean }

export interface StageInfoJson {
  'Stage ID': number; 'Stage Attempt ID'?: number; 'Stage Name': string; 'Number of Tasks': number; 'RDD Info': RddInfoJson[];
  'Parent IDs'?: number[]; Details?: string; 'Submission Time'?: number; 'Completion Time'?: number; 'Failure Reason'?: string;
  Accumulables?: AccumulableJson[]; 'Resource Profile Id'?: number; 'Shuffle Push Enabled'?: boolean; 'Shuffle Push Mergers Count'?: number;
}

export interface TaskInfoJson {
  'Task ID': number; Index: number; Attempt?: number; 'Partition ID'?: number; 'Launch Time': number; 'Executor ID': string; Host: string;
  Locality: string; Speculative?: boolean; 'Getting Result Time': number; 'Finish Time': number; Failed: boolean; Killed?: boolean;
  Accumulables?: AccumulableJson[];
}

export interface ShuffleReadMetricsJson {
  'Remote Blocks Fetched': number; 'Local Blocks Fetched': number; 'Fetch Wait Time': number; 'Remote Bytes Read': number;
  'Remote Bytes Read To Disk'?: number; 'Local Bytes Read'?: number; 'Total Records Read'?: number; 'Remote Requests Duration'?: number;
}

export interface TaskMetricsJson {
  'Executor Deserialize Time': number; 'Executor Deserialize CPU Time'?: number; 'Executor Run Time': number; 'Executor CPU Time'?: number;
  'Peak Execution Memory'?: number; 'Result Size': number; 'JVM GC Time': number; 'Result Serialization Time': number;
  'Memory Bytes Spilled': number; 'Disk Bytes Spilled': number; 'Shuffle Read Metrics'?: ShuffleReadMetricsJson;
  'Shuffle Write Metrics'?: { 'Shuffle Bytes Written': number; 'Shuffle Write Time': number; 'Shuffle Records Written'?: number };
  'Input Metrics'?: { 'Bytes Read': number; 'Records Read'?: number };
  'Output Metrics'?: { 'Bytes Written': number; 'Records Written'?: number };
  'Updated Blocks'?: { 'Block ID': string; Status: BlockStatusJson }[];
}

export interface BlockStatusJson { 'Storage Level': StorageLevelJson; 'Memory Size': number; 'Disk Size': number }

export interface StackElementJson { 'Declaring Class': string; 'Method Name': string; 'File Name': string; 'Line Number': number }

export type TaskEndReasonJson =
  | { Reason: 'Success' | 'Resubmitted' | 'TaskResultLost' | 'UnknownReason' }
  | { Reason: 'ExceptionFailure'; 'Class Name': string; Description: string; 'Stack Trace'?: StackElementJson[]; 'Full Stack Trace'?: string; 'Accumulator Updates'?: AccumulableJson[] }
  | { Reason: 'TaskKilled'; 'Kill Reason'?: string; 'Accumulator Updates'?: AccumulableJson[] }
  | { Reason: 'ExecutorLostFailure'; 'Executor ID'?: string; 'Exit Caused By App'?: boolean; 'Loss Reason'?: string }
  | { Reason: 'FetchFailed'; 'Block Manager Address'?: unknown; 'Shuffle ID'?: number; 'Map ID'?: number; 'Map Index'?: number; 'Reduce ID'?: number; Message?: string }
  | { Reason: 'TaskCommitDenied'; 'Job ID'?: number; 'Partition ID'?: number; 'Attempt Number'?: number };

export interface BlockManagerIdJson { 'Executor ID': string; Host: string; Port: number }

export interface ExecutorInfoJson {
  Host: string; 'Total Cores': number; 'Log Urls': Record<string, string>; Attributes?: Record<string, string>;
  Resources?: Record<string, { name: string; addresses: string[] }>; 'Resource Profile Id'?: number; 'Registration Time'?: number; 'Request Time'?: number;
}

export type JobResultJson = { Result: 'JobSucceeded' } | { Result: 'JobFailed'; Exception?: { Message?: string; 'Stack Trace'?: unknown } };

export type SparkEvent =
  | { Event: 'SparkListenerLogStart'; 'Spark Version': string }
  | { Event: 'SparkListenerApplicationStart'; 'App Name': string; 'App ID'?: string; Timestamp: number; User: string; 'App Attempt ID'?: string; 'Driver Logs'?: Record<string, string>; 'Driver Attributes'?: Record<string, string> }
  | { Event: 'SparkListenerApplicationEnd'; Timestamp: number }
  | {
      Event: 'SparkListenerEnvironmentUpdate'; 'JVM Information': Props; 'Spark Properties': Props; 'Hadoop Properties'?: Props;
      'System Properties': Props; 'Metrics Properties'?: Props; 'Classpath Entries': Props;
    }
  | { Event: 'SparkListenerJobStart'; 'Job ID': number; 'Submission Time'?: number; 'Stage Infos'?: StageInfoJson[]; 'Stage IDs': number[]; Properties?: Props }
  | { Event: 'SparkListenerJobEnd'; 'Job ID': number; 'Completion Time'?: number; 'Job Result': JobResultJson }
  | { Event: 'SparkListenerStageSubmitted'; 'Stage Info': StageInfoJson; Properties?: Props }
  | { Event: 'SparkListenerStageCompleted'; 'Stage Info': StageInfoJson }
  | { Event: 'SparkListenerTaskStart'; 'Stage ID': number; 'Stage Attempt ID'?: number; 'Task Info': TaskInfoJson }
  | { Event: 'SparkListenerTaskGettingResult'; 'Task Info': TaskInfoJson }
  | {
      Event: 'SparkListenerTaskEnd'; 'Stage ID': number; 'Stage Attempt ID'?: number; 'Task Type': string; 'Task End Reason': TaskEndReasonJson;
      'Task Info': TaskInfoJson; 'Task Executor Metrics'?: Record<string, number>; 'Task Metrics'?: TaskMetricsJson;
    }
  | { Event: 'SparkListenerExecutorAdded'; Timestamp: number; 'Executor ID': string; 'Executor Info': ExecutorInfoJson }
  | { Event: 'SparkListenerExecutorRemoved'; Timestamp: number; 'Executor ID': string; 'Removed Reason': string }
  // Not in JsonProtocol's list: Spark writes it with Jackson, named by its full class name.
  | { Event: 'org.apache.spark.scheduler.SparkListenerExecutorExcluded'; time: number; executorId: string; taskFailures: number }
  | { Event: 'SparkListenerBlockManagerAdded'; 'Block Manager ID': BlockManagerIdJson; 'Maximum Memory': number; Timestamp?: number; 'Maximum Onheap Memory'?: number; 'Maximum Offheap Memory'?: number }
  | { Event: 'SparkListenerBlockManagerRemoved'; 'Block Manager ID': BlockManagerIdJson; Timestamp?: number }
  | { Event: 'SparkListenerBlockUpdated'; 'Block Updated Info': { 'Block Manager ID': BlockManagerIdJson; 'Block ID': string; 'Storage Level': StorageLevelJson; 'Memory Size': number; 'Disk Size': number } }
  | { Event: 'SparkListenerUnpersistRDD'; 'RDD ID': number };

export type SparkEventName = SparkEvent['Event'];

/**
 * A task's successful end that updated no blocks, nearly every task's, as the live listener thread passes it to the
 * status store and the event log: the values of its SparkListenerTaskEnd without the JSON objects around them
 * (building those cost more than the store and the log spend on the task). `plainTaskEndEvent` (toSparkEvents.ts)
 * gives the event it stands for.
 */
export interface PlainTaskEnd {
  stageId: number; stageAttempt: number; taskType: 'ShuffleMapTask' | 'ResultTask'; info: TaskInfoJson; metrics: TaskMetrics;
}
export type EventOf<N extends SparkEventName> = Extract<SparkEvent, { Event: N }>;

/** Spark's storage level flags for MEMORY_ONLY (the level `RDD.cache()` uses), and for a block that is gone. */
export const MEMORY_ONLY: StorageLevelJson = { 'Use Disk': false, 'Use Memory': true, 'Use Off Heap': false, Deserialized: true, Replication: 1 };
export const NONE_LEVEL: StorageLevelJson = { 'Use Disk': false, 'Use Memory': false, 'Use Off Heap': false, Deserialized: false, Replication: 1 };

/** Spark's `StorageLevel.description`, e.g. `Memory Deserialized 1x Replicated`. */
export function storageLevelDescription(l: StorageLevelJson): string {
  let s = l['Use Off Heap'] ? 'Off Heap ' : '';
  if (l['Use Disk']) s += 'Disk ';
  if (l['Use Memory']) s += 'Memory ';
  s += l.Deserialized ? 'Deserialized ' : 'Serialized ';
  return `${s}${l.Replication}x Replicated`;
}
