/**
 * The REST models of Spark 3.5 (`status/api/v1/api.scala`), field for field and in their order, from the status
 * store's records. Absent optional values are left out, as Spark's JSON writer does; dates are `...GMT` strings.
 */
import type { AppStatusStore } from '../status/AppStatusStore.js';
import type { ExecutorRecord, JobRecord, StageRecord, TaskRecord } from '../status/records.js';
import type { RddBlocks } from '../status/RddStorage.js';
import { apiDate } from './params.js';

type Json = Record<string, unknown>;

/** Sets `k` only when the value exists (Jackson's NON_ABSENT). */
function opt(o: Json, k: string, v: unknown): void {
  if (v !== undefined && v !== null) o[k] = v;
}

export function jobData(j: JobRecord): Json {
  const o: Json = { jobId: j.jobId, name: j.name };
  opt(o, 'description', j.description);
  opt(o, 'submissionTime', j.submissionTime !== undefined ? apiDate(j.submissionTime) : undefined);
  opt(o, 'completionTime', j.completionTime !== undefined ? apiDate(j.completionTime) : undefined);
  o.stageIds = j.stageIds;
  opt(o, 'jobGroup', j.jobGroup);
  Object.assign(o, {
    jobTags: j.jobTags, status: j.status, numTasks: j.numTasks, numActiveTasks: j.numActiveTasks, numCompletedTasks: j.numCompletedTasks,
    numSkippedTasks: j.numSkippedTasks, numFailedTasks: j.numFailedTasks, numKilledTasks: j.numKilledTasks, numCompletedIndices: j.completedIndices.size,
    numActiveStages: j.numActiveStages, numCompletedStages: j.completedStages.size, numSkippedStages: j.skippedStages.size,
    numFailedStages: j.failedStages.size, killedTasksSummary: j.killedTasksSummary,
  });
  return o;
}

export function taskData(t: TaskRecord): Json {
  const o: Json = { taskId: t.taskId, index: t.index, attempt: t.attempt, partitionId: t.partitionId, launchTime: apiDate(t.launchTime) };
  opt(o, 'resultFetchStart', t.resultFetchStart !== undefined ? apiDate(t.resultFetchStart) : undefined);
  opt(o, 'duration', t.duration);
  Object.assign(o, { executorId: t.executorId, host: t.host, status: t.status, taskLocality: t.taskLocality, speculative: t.speculative, accumulatorUpdates: [] });
  opt(o, 'errorMessage', t.errorMessage);
  opt(o, 'taskMetrics', t.taskMetrics);
  Object.assign(o, { executorLogs: t.executorLogs, schedulerDelay: t.schedulerDelay, gettingResultTime: t.gettingResultTime });
  return o;
}

export interface StageDetail {
  details: boolean;
  /** Only tasks in these states (empty: all), with `details`. */
  taskStatus: readonly string[];
  summaries?: Json | undefined;
  executorSummaries?: Json | undefined;
}

const TASK_STATUS_OF: Record<string, string> = { RUNNING: 'RUNNING', KILLED: 'KILLED', FAILED: 'FAILED', SUCCESS: 'SUCCESS', UNKNOWN: 'UNKNOWN' };

export function stageData(s: StageRecord, d: StageDetail): Json {
  const o: Json = {
    status: s.status, stageId: s.stageId, attemptId: s.attemptId, numTasks: s.numTasks, numActiveTasks: s.numActiveTasks,
    numCompleteTasks: s.numCompleteTasks, numFailedTasks: s.numFailedTasks, numKilledTasks: s.numKilledTasks, numCompletedIndices: s.completedIndices.size,
  };
  opt(o, 'submissionTime', s.submissionTime !== undefined ? apiDate(s.submissionTime) : undefined);
  opt(o, 'firstTaskLaunchedTime', s.firstTaskLaunchedTime !== undefined ? apiDate(s.firstTaskLaunchedTime) : undefined);
  opt(o, 'completionTime', s.completionTime !== undefined ? apiDate(s.completionTime) : undefined);
  opt(o, 'failureReason', s.failureReason);
  Object.assign(o, s.metrics);
  o.name = s.name;
  opt(o, 'description', s.description);
  Object.assign(o, { details: s.details, schedulingPool: s.schedulingPool, rddIds: s.rddIds, accumulatorUpdates: s.accumulatorUpdates });
  if (d.details) {
    const wanted = new Set(d.taskStatus.map((x) => TASK_STATUS_OF[x.toUpperCase()] ?? x));
    const tasks: Json = {};
    for (const t of [...s.tasks.values()].sort((a, b) => a.taskId - b.taskId)) {
      if (wanted.size === 0 || wanted.has(t.status === 'GET RESULT' ? 'RUNNING' : t.status)) tasks[String(t.taskId)] = taskData(t);
    }
    o.tasks = tasks;
    const execs: Json = {};
    for (const [id, e] of s.executorSummary) execs[id] = e;
    o.executorSummary = execs;
  }
  o.killedTasksSummary = s.killedTasksSummary;
  o.resourceProfileId = 0;
  opt(o, 'taskMetricsDistributions', d.summaries);
  opt(o, 'executorMetricsDistributions', d.executorSummaries);
  o.isShufflePushEnabled = false;
  o.shuffleMergersCount = 0;
  return o;
}

export function executorSummary(store: AppStatusStore, x: ExecutorRecord): Json {
  const used = store.storage.usageOf(x.id);
  const o: Json = {
    id: x.id, hostPort: x.hostPort, isActive: x.isActive, rddBlocks: used.blocks, memoryUsed: used.mem, diskUsed: used.disk, totalCores: x.totalCores,
    maxTasks: x.maxTasks, activeTasks: x.activeTasks, failedTasks: x.failedTasks, completedTasks: x.completedTasks, totalTasks: store.totalTasks(x),
    totalDuration: x.totalDuration, totalGCTime: x.totalGCTime, totalInputBytes: x.totalInputBytes, totalShuffleRead: x.totalShuffleRead,
    totalShuffleWrite: x.totalShuffleWrite, isBlacklisted: x.isExcluded, maxMemory: x.maxMemory, addTime: apiDate(x.addTime),
  };
  opt(o, 'removeTime', x.removeTime !== undefined ? apiDate(x.removeTime) : undefined);
  opt(o, 'removeReason', x.removeReason);
  o.executorLogs = x.executorLogs;
  if (x.maxOnHeapMemory !== undefined) {
    o.memoryMetrics = { usedOnHeapStorageMemory: used.mem, usedOffHeapStorageMemory: 0, totalOnHeapStorageMemory: x.maxOnHeapMemory, totalOffHeapStorageMemory: 0 };
  }
  Object.assign(o, {
    blacklistedInStages: x.excludedInStages, attributes: x.attributes, resources: {}, resourceProfileId: 0, isExcluded: x.isExcluded,
    excludedInStages: x.excludedInStages,
  });
  return o;
}

export function rddStorageInfo(store: AppStatusStore, r: RddBlocks, details: boolean): Json {
  let mem = 0;
  let disk = 0;
  for (const holders of r.blocks.values()) for (const h of holders.values()) {
    mem += h.mem;
    disk += h.disk;
  }
  const o: Json = { id: r.id, name: r.name, numPartitions: r.numPartitions, numCachedPartitions: r.blocks.size, storageLevel: r.storageLevel, memoryUsed: mem, diskUsed: disk };
  if (!details) return o;
  const perExec = new Map<string, { mem: number; disk: number }>();
  for (const holders of r.blocks.values()) {
    for (const [exec, h] of holders) {
      const a = perExec.get(exec) ?? { mem: 0, disk: 0 };
      a.mem += h.mem;
      a.disk += h.disk;
      perExec.set(exec, a);
    }
  }
  o.dataDistribution = [...perExec].map(([exec, a]) => {
    const x = store.executors.get(exec);
    const max = x?.maxOnHeapMemory ?? x?.maxMemory ?? 0;
    const remaining = Math.max(0, max - store.storage.usageOf(exec).mem);
    return {
      address: x?.hostPort || store.storage.addressOf(exec), memoryUsed: a.mem, memoryRemaining: remaining, diskUsed: a.disk,
      onHeapMemoryUsed: a.mem, offHeapMemoryUsed: 0, onHeapMemoryRemaining: remaining, offHeapMemoryRemaining: 0,
    };
  });
  o.partitions = [...r.blocks].sort(([a], [b]) => blockOrder(a) - blockOrder(b)).map(([blockName, holders]) => ({
    blockName, storageLevel: r.storageLevel, memoryUsed: [...holders.values()].reduce((n, h) => n + h.mem, 0),
    diskUsed: [...holders.values()].reduce((n, h) => n + h.disk, 0), executors: [...holders.keys()],
  }));
  return o;
}

const blockOrder = (name: string) => Number(/_(\d+)$/.exec(name)?.[1] ?? 0);

export interface AttemptInfo {
  attemptId?: string;
  startTime: number;
  endTime: number;
  lastUpdated: number;
  duration: number;
  sparkUser: string;
  completed: boolean;
  appSparkVersion: string;
}

export function attemptInfo(a: AttemptInfo): Json {
  const o: Json = {};
  opt(o, 'attemptId', a.attemptId);
  Object.assign(o, {
    startTime: apiDate(a.startTime), endTime: apiDate(a.endTime), lastUpdated: apiDate(a.lastUpdated), duration: a.duration, sparkUser: a.sparkUser,
    completed: a.completed, appSparkVersion: a.appSparkVersion, startTimeEpoch: a.startTime, endTimeEpoch: a.endTime, lastUpdatedEpoch: a.lastUpdated,
  });
  return o;
}

export function applicationInfo(id: string, name: string, attempts: AttemptInfo[]): Json {
  return { id, name, attempts: attempts.map(attemptInfo) };
}

export function environmentInfo(store: AppStatusStore, redactPairs: (p: [string, string][]) => [string, string][]): Json | undefined {
  const e = store.environment;
  if (!e) return undefined;
  return {
    runtime: e.runtime, sparkProperties: redactPairs(e.sparkProperties), hadoopProperties: redactPairs(e.hadoopProperties),
    systemProperties: redactPairs(e.systemProperties), metricsProperties: redactPairs(e.metricsProperties), classpathEntries: e.classpathEntries,
    resourceProfiles: [{ id: 0, executorResources: {}, taskResources: {} }],
  };
}
