/**
 * The application's status (Spark's AppStatusListener + AppStatusStore): jobs, stage attempts, tasks, executors,
 * cached RDDs and the environment, built from Spark's JSON events, whether they arrive live or from an event log, so
 * the driver UI and the history server answer alike. Memory stays bounded: finished jobs and stages beyond
 * `spark.ui.retainedJobs`/`retainedStages`, tasks of a stage beyond `retainedTasks`, and dead executors beyond
 * `retainedDeadExecutors` are forgotten, oldest first.
 */
import type { EventOf, PlainTaskEnd, SparkEvent, StageInfoJson, TaskEndReasonJson, TaskInfoJson } from '../events/sparkEvents.js';
import { addToExecutorStage, addToStage, shuffleReadBytes, taskMetricsFromJson, zeroExecutorStageSummary, zeroStageMetrics } from './metrics.js';
import type { ApplicationRecord, EnvironmentRecord, ExecutorRecord, JobRecord, StageRecord, TaskMetrics, TaskState } from './records.js';
import { TaskTable, newTaskCodes, type TaskEndValues, type TaskStartValues } from './TaskTable.js';
import { errorString, taskState } from './taskEnd.js';
import { trimJobs, trimStages, trimTasks } from './retention.js';
import { ExecutorRecords, totalTasks } from './ExecutorRecords.js';
import { RddStorage } from './RddStorage.js';
import { IndexSet } from './IndexSet.js';
import { StageIndexSet } from './StageIndexSet.js';
import { smallInt } from '../../util/smallInt.js';

export interface Retention {
  retainedJobs: number;
  retainedStages: number;
  retainedTasks: number;
  retainedDeadExecutors: number;
}

export const DEFAULT_RETENTION: Retention = { retainedJobs: 1000, retainedStages: 1000, retainedTasks: 100_000, retainedDeadExecutors: 100 };

const SUCCESS: TaskEndReasonJson = { Reason: 'Success' };

const stageKey = (id: number, attempt: number) => `${id}.${attempt}`;

// One of each, filled for every task and copied by TaskTable at once: this runs for every task, and the table keeps
// none of these objects.
const startValues: TaskStartValues = {
  taskId: 0, index: 0, attempt: 0, partitionId: 0, launchTime: 0, executorId: '', host: '', status: 'RUNNING', locality: '', speculative: false, executorLogs: {},
};
const endValues: TaskEndValues = {
  status: 'SUCCESS', finishTime: 0, duration: 0, gettingResultTime: 0, schedulerDelay: 0, errorMessage: undefined, killReason: undefined, metrics: undefined,
};

/** A task as its start (or, when its start was missed, its end) first shows it, in `startValues`. */
function started(info: TaskInfoJson, status: TaskState, executorLogs: Record<string, string>): TaskStartValues {
  const v = startValues;
  v.taskId = info['Task ID'];
  v.index = info.Index;
  v.attempt = info.Attempt ?? 0;
  v.partitionId = info['Partition ID'] ?? info.Index;
  v.launchTime = info['Launch Time'];
  v.executorId = info['Executor ID'];
  v.host = info.Host;
  v.status = status;
  v.locality = info.Locality;
  v.speculative = info.Speculative ?? false;
  v.executorLogs = executorLogs;
  return v;
}

export class AppStatusStore {
  app: ApplicationRecord | undefined;
  environment: EnvironmentRecord | undefined;
  readonly jobs = new Map<number, JobRecord>();
  readonly stages = new Map<string, StageRecord>();
  private lastTaskStage: StageRecord | undefined;
  private readonly executorRecords: ExecutorRecords;
  /** Executor id → record, the driver's included. */
  readonly executors: Map<string, ExecutorRecord>;
  readonly storage = new RddStorage();
  private readonly taskCodes = newTaskCodes();
  private sparkVersion = '';
  /** Events applied (the history server reports it; tests use it to wait). */
  eventsApplied = 0;

  constructor(readonly retention: Retention = DEFAULT_RETENTION) {
    this.executorRecords = new ExecutorRecords(retention.retainedDeadExecutors);
    this.executors = this.executorRecords.all;
  }

  /** Applies one event; unknown events are skipped (as Spark's replay does). */
  apply(e: SparkEvent): void {
    this.eventsApplied++;
    switch (e.Event) {
      case 'SparkListenerLogStart':
        this.sparkVersion = e['Spark Version'];
        if (this.app) this.app.appSparkVersion = this.sparkVersion;
        break;
      case 'SparkListenerApplicationStart':
        this.app = {
          id: e['App ID'] ?? '', name: e['App Name'], startTime: e.Timestamp, sparkUser: e.User, appSparkVersion: this.sparkVersion, lastUpdated: e.Timestamp,
          ...(e['App Attempt ID'] !== undefined ? { attemptId: e['App Attempt ID'] } : {}),
        };
        break;
      case 'SparkListenerApplicationEnd':
        if (this.app) this.app.endTime = e.Timestamp;
        break;
      case 'SparkListenerEnvironmentUpdate': {
        const pairs = (m: Record<string, string> | undefined): [string, string][] => Object.entries(m ?? {});
        const jvm = e['JVM Information'] ?? {};
        this.environment = {
          runtime: { javaVersion: jvm['Java Version'] ?? '', javaHome: jvm['Java Home'] ?? '', scalaVersion: jvm['Scala Version'] ?? '' },
          sparkProperties: pairs(e['Spark Properties']), hadoopProperties: pairs(e['Hadoop Properties']), systemProperties: pairs(e['System Properties']),
          metricsProperties: pairs(e['Metrics Properties']), classpathEntries: pairs(e['Classpath Entries']),
        };
        break;
      }
      case 'SparkListenerJobStart':
        this.jobStart(e);
        break;
      case 'SparkListenerJobEnd':
        this.jobEnd(e);
        break;
      case 'SparkListenerStageSubmitted':
        this.stageSubmitted(e);
        break;
      case 'SparkListenerStageCompleted':
        this.stageCompleted(e);
        break;
      case 'SparkListenerTaskStart':
        this.taskStart(e);
        break;
      case 'SparkListenerTaskGettingResult': {
        const taskId = e['Task Info']['Task ID'];
        for (const s of this.stages.values()) {
          const r = s.tasks.row(taskId);
          if (r < 0) continue;
          s.tasks.gettingResult(r, e['Task Info']['Getting Result Time']);
          break;
        }
        break;
      }
      case 'SparkListenerTaskEnd':
        this.taskEnd(e['Stage ID'], e['Stage Attempt ID'] ?? 0, e['Task Info'], e['Task End Reason'], e['Task Metrics'] ? taskMetricsFromJson(e['Task Metrics']) : undefined);
        break;
      case 'SparkListenerExecutorAdded':
        this.executorRecords.added(e);
        break;
      case 'SparkListenerExecutorRemoved': {
        const x = this.executorRecords.removed(e);
        if (x) this.storage.executorGone(x.id);
        break;
      }
      case 'SparkListenerBlockManagerAdded':
        this.executorRecords.blockManagerAdded(e);
        break;
      case 'SparkListenerBlockManagerRemoved':
        this.executorRecords.blockManagerRemoved(e);
        break;
      case 'org.apache.spark.scheduler.SparkListenerExecutorExcluded':
        this.executorRecords.excluded(e);
        break;
      case 'SparkListenerBlockUpdated':
        this.storage.blockUpdated(e['Block Updated Info']);
        break;
      case 'SparkListenerUnpersistRDD':
        this.storage.unpersist(e['RDD ID']);
        break;
      default:
    }
  }

  /** Applies a plain successful task end: the same as `apply(plainTaskEndEvent(t))`, without the event's objects. */
  applyPlainTaskEnd(t: PlainTaskEnd): void {
    this.eventsApplied++;
    this.taskEnd(t.stageId, t.stageAttempt, t.info, SUCCESS, t.metrics);
  }

  /** A task's stage attempt: the same as the last task's nearly always, so that one is kept at hand. */
  private taskStage(id: number, attempt: number): StageRecord | undefined {
    const last = this.lastTaskStage;
    if (last !== undefined && last.stageId === id && last.attemptId === attempt) return last;
    const s = this.stages.get(stageKey(id, attempt));
    this.lastTaskStage = s;
    return s;
  }

  /** Tasks started on it (Spark's `totalTasks` counts every start). */
  totalTasks(x: ExecutorRecord): number {
    return totalTasks(x);
  }

  private newStage(info: StageInfoJson, status: StageRecord['status']): StageRecord {
    return {
      status, stageId: info['Stage ID'], attemptId: info['Stage Attempt ID'] ?? 0, numTasks: info['Number of Tasks'], numActiveTasks: 0,
      numCompleteTasks: 0, numFailedTasks: 0, numKilledTasks: 0, completedIndices: new IndexSet(), metrics: zeroStageMetrics(),
      name: info['Stage Name'], details: info.Details ?? '', schedulingPool: 'default', rddIds: info['RDD Info'].map((r) => r['RDD ID']),
      parentIds: info['Parent IDs'] ?? [], accumulatorUpdates: [], killedTasksSummary: {}, tasks: new TaskTable(this.taskCodes, info['Stage ID'], info['Stage Attempt ID'] ?? 0), executorSummary: new Map(),
      jobIds: new Set(), endedTasks: 0,
    };
  }

  private jobStart(e: EventOf<'SparkListenerJobStart'>): void {
    const infos = e['Stage Infos'] ?? [];
    const last = infos.reduce<StageInfoJson | undefined>((a, s) => (!a || s['Stage ID'] > a['Stage ID'] ? s : a), undefined);
    const props = e.Properties ?? {};
    const job: JobRecord = {
      jobId: e['Job ID'], name: last?.['Stage Name'] ?? `Job ${e['Job ID']}`, stageIds: [...e['Stage IDs']].sort((a, b) => a - b),
      jobTags: (props['spark.job.tags'] ?? '').split(',').filter(Boolean).sort(), status: 'RUNNING',
      numTasks: infos.reduce((n, s) => n + s['Number of Tasks'], 0), numActiveTasks: 0, numCompletedTasks: 0, numSkippedTasks: 0,
      numFailedTasks: 0, numKilledTasks: 0, completedIndices: new StageIndexSet(), numActiveStages: 0, completedStages: new Set(), skippedStages: new Set(),
      failedStages: new Set(), killedTasksSummary: {}, submittedStages: new Set(),
    };
    if (e['Submission Time'] !== undefined) job.submissionTime = e['Submission Time'];
    if (props['spark.job.description'] !== undefined) job.description = props['spark.job.description'];
    if (props['spark.jobGroup.id'] !== undefined) job.jobGroup = props['spark.jobGroup.id'];
    this.jobs.set(job.jobId, job);
    for (const info of infos) {
      const key = stageKey(info['Stage ID'], info['Stage Attempt ID'] ?? 0);
      let s = this.stages.get(key);
      if (!s) {
        s = this.newStage(info, 'PENDING');
        this.stages.set(key, s);
      }
      s.jobIds.add(job.jobId);
      this.storage.rddInfos(info['RDD Info']);
    }
  }

  private jobEnd(e: EventOf<'SparkListenerJobEnd'>): void {
    const job = this.jobs.get(e['Job ID']);
    if (!job) return;
    job.status = e['Job Result'].Result === 'JobSucceeded' ? 'SUCCEEDED' : 'FAILED';
    if (e['Job Result'].Result === 'JobFailed' && e['Job Result'].Exception?.Message) job.error = e['Job Result'].Exception.Message;
    if (e['Completion Time'] !== undefined) job.completionTime = e['Completion Time'];
    // Stages of the job never submitted while it ran were skipped (their output existed already).
    for (const s of this.stages.values()) {
      if (!s.jobIds.has(job.jobId) || job.submittedStages.has(s.stageId) || job.skippedStages.has(s.stageId)) continue;
      if (s.status === 'PENDING') s.status = 'SKIPPED';
      job.skippedStages.add(s.stageId);
      job.numSkippedTasks += s.numTasks;
    }
    trimJobs(this.jobs, this.retention.retainedJobs);
    this.trimStages();
  }

  private stageSubmitted(e: EventOf<'SparkListenerStageSubmitted'>): void {
    const info = e['Stage Info'];
    const key = stageKey(info['Stage ID'], info['Stage Attempt ID'] ?? 0);
    let s = this.stages.get(key);
    if (!s) {
      s = this.newStage(info, 'ACTIVE');
      // A new attempt belongs to the jobs of the earlier ones.
      for (const other of this.stages.values()) if (other.stageId === s.stageId) for (const j of other.jobIds) s.jobIds.add(j);
      this.stages.set(key, s);
    }
    s.status = 'ACTIVE';
    s.name = info['Stage Name'];
    s.numTasks = info['Number of Tasks'];
    s.details = info.Details ?? s.details;
    s.rddIds = info['RDD Info'].map((r) => r['RDD ID']);
    if (info['Submission Time'] !== undefined) s.submissionTime = info['Submission Time'];
    const props = e.Properties ?? {};
    if (props['spark.job.description'] !== undefined) s.description = props['spark.job.description'];
    s.schedulingPool = props['spark.scheduler.pool'] ?? 'default';
    this.storage.rddInfos(info['RDD Info']);
    for (const id of s.jobIds) {
      const j = this.jobs.get(id);
      if (j) {
        j.numActiveStages++;
        j.submittedStages.add(s.stageId);
      }
    }
  }

  private stageCompleted(e: EventOf<'SparkListenerStageCompleted'>): void {
    const info = e['Stage Info'];
    const s = this.stages.get(stageKey(info['Stage ID'], info['Stage Attempt ID'] ?? 0));
    if (!s) return;
    const wasActive = s.status === 'ACTIVE';
    s.status = info['Failure Reason'] !== undefined ? 'FAILED' : 'COMPLETE';
    if (info['Failure Reason'] !== undefined) s.failureReason = info['Failure Reason'];
    if (info['Completion Time'] !== undefined) s.completionTime = info['Completion Time'];
    if (info['Submission Time'] !== undefined) s.submissionTime ??= info['Submission Time'];
    s.tasks.fit();
    for (const id of s.jobIds) {
      const j = this.jobs.get(id);
      if (!j) continue;
      if (wasActive) j.numActiveStages = Math.max(0, j.numActiveStages - 1);
      if (s.status === 'COMPLETE') j.completedStages.add(s.stageId);
      else j.failedStages.add(s.stageId);
    }
    this.trimStages();
  }

  private taskStart(e: EventOf<'SparkListenerTaskStart'>): void {
    const info = e['Task Info'];
    const s = this.taskStage(e['Stage ID'], e['Stage Attempt ID'] ?? 0);
    const x = this.executorRecords.get(info['Executor ID'], info['Launch Time']);
    x.activeTasks++;
    if (!s) return;
    s.tasks.add(started(info, taskState(info), x.executorLogs));
    s.numActiveTasks++;
    s.firstTaskLaunchedTime ??= info['Launch Time'];
    for (const id of s.jobIds) {
      const j = this.jobs.get(id);
      if (j) j.numActiveTasks++;
    }
    trimTasks(s, this.retention.retainedTasks);
  }

  private taskEnd(stageId: number, stageAttempt: number, info: TaskInfoJson, reason: TaskEndReasonJson, metrics: TaskMetrics | undefined): void {
    const s = this.taskStage(stageId, stageAttempt);
    const status = taskState(info);
    // Differences of two large times come out as doubles; kept per task, they would each be boxed.
    const duration = smallInt(info['Finish Time'] - info['Launch Time']);
    const gettingResultTime = info['Getting Result Time'] > 0 ? smallInt(info['Finish Time'] - info['Getting Result Time']) : 0;
    const killReason = reason.Reason === 'TaskKilled' ? (reason['Kill Reason'] ?? 'unknown reason') : undefined;
    const x = this.executorRecords.get(info['Executor ID'], info['Launch Time']);
    x.activeTasks = Math.max(0, x.activeTasks - 1);
    if (status === 'SUCCESS') x.completedTasks++;
    else if (status === 'FAILED') x.failedTasks++;
    x.totalDuration += duration;
    if (metrics) {
      x.totalGCTime += metrics.jvmGcTime;
      x.totalInputBytes += metrics.inputMetrics.bytesRead;
      x.totalShuffleRead += shuffleReadBytes(metrics);
      x.totalShuffleWrite += metrics.shuffleWriteMetrics.bytesWritten;
    }
    if (!s) return;
    let r = s.tasks.row(info['Task ID']);
    if (r < 0) r = s.tasks.add(started(info, status, x.executorLogs));
    else s.numActiveTasks = Math.max(0, s.numActiveTasks - 1);
    const schedulerDelay = metrics
      ? smallInt(Math.max(0, duration - metrics.executorRunTime - metrics.executorDeserializeTime - metrics.resultSerializationTime - gettingResultTime))
      : 0;
    const v = endValues;
    v.status = status;
    v.finishTime = info['Finish Time'];
    v.duration = duration;
    v.gettingResultTime = gettingResultTime;
    v.schedulerDelay = schedulerDelay;
    v.errorMessage = errorString(reason);
    v.killReason = killReason;
    v.metrics = metrics;
    s.tasks.end(r, v);
    // Not kept alive by this shared object until the next task ends.
    v.metrics = undefined;
    v.errorMessage = undefined;
    v.killReason = undefined;
    if (metrics) addToStage(s.metrics, metrics);
    s.endedTasks++;
    const executorId = s.tasks.executorOf(r);
    const index = s.tasks.indexOf(r);
    let es = s.executorSummary.get(executorId);
    if (es === undefined) {
      es = zeroExecutorStageSummary();
      s.executorSummary.set(executorId, es);
    }
    es.taskTime += duration;
    if (metrics) addToExecutorStage(es, metrics);
    if (status === 'SUCCESS') {
      s.numCompleteTasks++;
      s.completedIndices.add(index);
      es.succeededTasks++;
    } else if (status === 'KILLED') {
      s.numKilledTasks++;
      s.killedTasksSummary[killReason!] = (s.killedTasksSummary[killReason!] ?? 0) + 1;
      es.killedTasks++;
    } else {
      s.numFailedTasks++;
      es.failedTasks++;
    }
    for (const id of s.jobIds) {
      const j = this.jobs.get(id);
      if (!j) continue;
      j.numActiveTasks = Math.max(0, j.numActiveTasks - 1);
      if (status === 'SUCCESS') {
        j.numCompletedTasks++;
        j.completedIndices.add(s.stageId, index);
      } else if (status === 'KILLED') {
        j.numKilledTasks++;
        j.killedTasksSummary[killReason!] = (j.killedTasksSummary[killReason!] ?? 0) + 1;
      } else j.numFailedTasks++;
    }
    trimTasks(s, this.retention.retainedTasks);
  }

  /** Forgets the oldest finished stage attempts past the limit (and the cached last one, which may be among them). */
  private trimStages(): void {
    if (trimStages(this.stages, this.retention.retainedStages)) this.lastTaskStage = undefined;
  }
}
