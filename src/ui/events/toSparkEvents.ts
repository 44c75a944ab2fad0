/**
 * Turns the scheduler's listener events into Spark's JSON events (what the status store and the event log take),
 * filling in what Spark's events carry and ours leave implicit: launch times and hosts of ending tasks, submission
 * times of completing stages, job properties of submitted stages, and the block updates a finished task caused.
 */
import { cachedBlocks, type RddInfoLite, type SparkListenerEvent, type StageInfoLite, type TaskEnd, type TaskStart } from '../../scheduler/events.js';
import { taskMetricsFromLite, taskMetricsFromLiteInto, zeroTaskMetrics } from '../status/metrics.js';
import { RunningTasks, type StartedTask } from './runningTasks.js';
import type { TaskMetrics } from '../status/records.js';
import {
  MEMORY_ONLY, NONE_LEVEL,
  type EventOf, type PlainTaskEnd, type Props, type RddInfoJson, type SparkEvent, type StackElementJson, type StageInfoJson, type TaskEndReasonJson, type TaskInfoJson, type TaskMetricsJson,
} from './sparkEvents.js';

type TaskStartEvent = EventOf<'SparkListenerTaskStart'>;

export interface ConverterOptions {
  /** Storage memory each executor's block manager reports (Spark's "Maximum Memory"). */
  executorMaxMemory: number;
}

export class SparkEventConverter {
  /** Running tasks' starts, for their ends (which repeat the start's info). */
  private readonly running = new RunningTasks();
  private readonly started: StartedTask = { stageAttempt: 0, index: 0, attempt: 0, partition: 0, launchTime: 0, executorId: '', host: '', locality: '' };
  // The events the transient methods fill anew for every task (nearly all events are a task's start or plain end).
  private readonly startEvent = startEvent();
  private readonly plainEnd = plainEnd();
  private readonly hosts = new Map<string, string>([['driver', 'localhost']]);
  private readonly stageInfos = new Map<number, StageInfoLite>();
  private readonly submitted = new Map<string, number>();
  private readonly jobProps = new Map<number, Props>();

  constructor(private readonly opts: ConverterOptions) {}

  convert(e: SparkListenerEvent): SparkEvent[] {
    switch (e.type) {
      case 'jobStart': {
        const props: Props = {};
        if (e.description !== undefined) props['spark.job.description'] = e.description;
        if (e.group !== undefined) props['spark.jobGroup.id'] = e.group;
        this.jobProps.set(e.jobId, props);
        const infos = (e.stages ?? []).map((s) => stageInfoJson(s, s.attempt));
        return [{ Event: 'SparkListenerJobStart', 'Job ID': e.jobId, 'Submission Time': e.time, 'Stage Infos': infos, 'Stage IDs': e.stageIds, Properties: props }];
      }
      case 'jobEnd':
        this.jobProps.delete(e.jobId);
        return [{
          Event: 'SparkListenerJobEnd', 'Job ID': e.jobId, 'Completion Time': e.time,
          'Job Result': e.result === 'succeeded' ? { Result: 'JobSucceeded' } : { Result: 'JobFailed', Exception: { Message: e.error ?? e.result } },
        }];
      case 'stageSubmitted': {
        const lite = e.info ?? { stageId: e.stageId, attempt: e.attempt, name: e.name, numTasks: e.numTasks, parentIds: [], rdds: [] };
        // Kept while the stage runs (its completion repeats the info), so memory stays bounded.
        this.stageInfos.set(e.stageId, lite);
        this.submitted.set(`${e.stageId}.${e.attempt}`, e.time);
        const info = { ...stageInfoJson({ ...lite, name: e.name, numTasks: e.numTasks }, e.attempt), 'Submission Time': e.time, Accumulables: [] };
        const props: Props = { ...(e.jobId !== undefined ? this.jobProps.get(e.jobId) : undefined) };
        if (e.description !== undefined) props['spark.job.description'] = e.description;
        if (e.group !== undefined) props['spark.jobGroup.id'] = e.group;
        return [{ Event: 'SparkListenerStageSubmitted', 'Stage Info': info, Properties: props }];
      }
      case 'stageCompleted': {
        const key = `${e.stageId}.${e.attempt}`;
        const lite = this.stageInfos.get(e.stageId) ?? { stageId: e.stageId, attempt: e.attempt, name: e.name, numTasks: e.numTasks, parentIds: [], rdds: [] };
        const submittedAt = this.submitted.get(key);
        this.submitted.delete(key);
        this.stageInfos.delete(e.stageId);
        const info: StageInfoJson = { ...stageInfoJson({ ...lite, name: e.name, numTasks: e.numTasks || lite.numTasks }, e.attempt), Accumulables: [] };
        if (submittedAt !== undefined) info['Submission Time'] = submittedAt;
        info['Completion Time'] = e.time;
        if (e.failure !== undefined) info['Failure Reason'] = e.failure;
        return [{ Event: 'SparkListenerStageCompleted', 'Stage Info': info }];
      }
      case 'taskStart':
        return [this.taskStart(e)];
      case 'taskEnd':
        return this.taskEnd(e);
      case 'executorAdded': {
        this.hosts.set(e.executorId, e.host);
        return [
          {
            Event: 'SparkListenerExecutorAdded', Timestamp: e.time, 'Executor ID': e.executorId,
            'Executor Info': { Host: e.host, 'Total Cores': e.cores, 'Log Urls': e.logUrls ?? {}, Attributes: {}, Resources: {}, 'Resource Profile Id': 0 },
          },
          {
            Event: 'SparkListenerBlockManagerAdded', 'Block Manager ID': { 'Executor ID': e.executorId, Host: e.host, Port: 0 },
            'Maximum Memory': this.opts.executorMaxMemory, Timestamp: e.time, 'Maximum Onheap Memory': this.opts.executorMaxMemory, 'Maximum Offheap Memory': 0,
          },
        ];
      }
      case 'executorRemoved': {
        const host = this.hosts.get(e.executorId) ?? 'localhost';
        return [
          { Event: 'SparkListenerExecutorRemoved', Timestamp: e.time, 'Executor ID': e.executorId, 'Removed Reason': e.reason },
          { Event: 'SparkListenerBlockManagerRemoved', 'Block Manager ID': { 'Executor ID': e.executorId, Host: host, Port: 0 }, Timestamp: e.time },
        ];
      }
      case 'executorExcluded':
        return [{ Event: 'org.apache.spark.scheduler.SparkListenerExecutorExcluded', time: e.time, executorId: e.executorId, taskFailures: e.failures }];
      case 'blockUpdated':
        return [this.blockUpdated(e.executorId, e.blockId, e.memSize)];
      case 'unpersistRDD':
        return [{ Event: 'SparkListenerUnpersistRDD', 'RDD ID': e.rddId }];
      default:
        return [];
    }
  }

  private blockUpdated(executorId: string, blockId: string, memSize: number): SparkEvent {
    return {
      Event: 'SparkListenerBlockUpdated',
      'Block Updated Info': {
        'Block Manager ID': { 'Executor ID': executorId, Host: this.hosts.get(executorId) ?? 'localhost', Port: 0 }, 'Block ID': blockId,
        'Storage Level': memSize > 0 ? MEMORY_ONLY : NONE_LEVEL, 'Memory Size': memSize, 'Disk Size': 0,
      },
    };
  }

  /** A task's start as Spark's event; what its end repeats is kept until then. */
  taskStart(e: TaskStart): TaskStartEvent {
    return this.fillStart(e, startEvent());
  }

  /** `taskStart`, as one event object this converter fills anew for every task: valid until its next task start. */
  taskStartTransient(e: TaskStart): TaskStartEvent {
    return this.fillStart(e, this.startEvent);
  }

  private fillStart(e: TaskStart, ev: TaskStartEvent): TaskStartEvent {
    const t = this.started;
    t.stageAttempt = e.stageAttempt ?? 0;
    t.index = e.partition;
    t.attempt = e.attempt;
    t.partition = e.partition;
    t.launchTime = e.time;
    t.executorId = e.executorId;
    t.host = e.host ?? this.hosts.get(e.executorId) ?? 'localhost';
    t.locality = e.locality ?? 'PROCESS_LOCAL';
    this.running.put(e.taskId, t);
    ev['Stage ID'] = e.stageId;
    ev['Stage Attempt ID'] = t.stageAttempt;
    fillInfo(ev['Task Info'], e.taskId, t, 0, false, false);
    return ev;
  }

  /** A plain successful end (`isPlainTaskEnd`) as the store and the log take it: the event's values, no JSON. */
  plainTaskEnd(e: TaskEnd): PlainTaskEnd {
    return this.fillPlainEnd(e, plainEnd());
  }

  /** `plainTaskEnd`, as one object (info and metrics too) this converter fills anew: valid until its next plain end. */
  plainTaskEndTransient(e: TaskEnd): PlainTaskEnd {
    return this.fillPlainEnd(e, this.plainEnd);
  }

  private fillPlainEnd(e: TaskEnd, t: PlainTaskEnd): PlainTaskEnd {
    t.stageAttempt = this.ended(e, t.info);
    t.stageId = e.stageId;
    t.taskType = e.shuffleMap ? 'ShuffleMapTask' : 'ResultTask';
    taskMetricsFromLiteInto(e.metrics, e.time - t.info['Launch Time'], t.metrics);
    return t;
  }

  private taskEnd(e: TaskEnd): SparkEvent[] {
    if (isPlainTaskEnd(e)) return [plainTaskEndEvent(this.plainTaskEnd(e))];
    const info = taskInfo();
    const stageAttempt = this.ended(e, info);
    const duration = e.time - info['Launch Time'];
    const out: SparkEvent[] = [{
      Event: 'SparkListenerTaskEnd', 'Stage ID': e.stageId, 'Stage Attempt ID': stageAttempt, 'Task Type': e.shuffleMap ? 'ShuffleMapTask' : 'ResultTask',
      'Task End Reason': endReason(e), 'Task Info': info,
      'Task Metrics': taskMetricsJson(taskMetricsFromLite(e.metrics, e.result === 'success' ? duration : 0), e.metrics?.blockSizes),
    }];
    if (e.result === 'success') for (const [block, size] of Object.entries(e.metrics?.blockSizes ?? {})) out.push(this.blockUpdated(e.executorId, block, Math.max(1, size)));
    return out;
  }

  /** Fills `info` as the ended task's (its start's, finished; its start is forgotten) and returns its stage attempt. */
  private ended(e: TaskEnd, info: TaskInfoJson): number {
    const t = this.started;
    if (!this.running.take(e.taskId, t)) {
      // Its start was missed: what the end itself says.
      t.stageAttempt = 0;
      t.index = e.partition;
      t.attempt = e.attempt;
      t.partition = e.partition;
      t.launchTime = e.time;
      t.executorId = e.executorId;
      t.host = this.hosts.get(e.executorId) ?? 'localhost';
      t.locality = 'PROCESS_LOCAL';
    }
    fillInfo(info, e.taskId, t, e.time, e.result === 'failed' || e.result === 'lost', e.result === 'killed');
    return e.stageAttempt ?? t.stageAttempt;
  }
}

/** Objects to fill: a start event, a plain end (every field, in the order the event log's lines follow). */
const startEvent = (): TaskStartEvent => ({ Event: 'SparkListenerTaskStart', 'Stage ID': 0, 'Stage Attempt ID': 0, 'Task Info': taskInfo() });
const plainEnd = (): PlainTaskEnd => ({ stageId: 0, stageAttempt: 0, taskType: 'ResultTask', info: taskInfo(), metrics: zeroTaskMetrics() });

/** A task info with every field, in the order the event log's lines follow (taskLines.ts). */
function taskInfo(): TaskInfoJson {
  return {
    'Task ID': 0, Index: 0, Attempt: 0, 'Partition ID': 0, 'Launch Time': 0, 'Executor ID': '', Host: '', Locality: '', Speculative: false,
    'Getting Result Time': 0, 'Finish Time': 0, Failed: false, Killed: false, Accumulables: [],
  };
}

function fillInfo(info: TaskInfoJson, taskId: number, t: StartedTask, finishTime: number, failed: boolean, killed: boolean): void {
  info['Task ID'] = taskId;
  info.Index = t.index;
  info.Attempt = t.attempt;
  info['Partition ID'] = t.partition;
  info['Launch Time'] = t.launchTime;
  info['Executor ID'] = t.executorId;
  info.Host = t.host;
  info.Locality = t.locality;
  info.Speculative = false;
  info['Getting Result Time'] = 0;
  info['Finish Time'] = finishTime;
  info.Failed = failed;
  info.Killed = killed;
}

/** A task end the store and the log may take as a PlainTaskEnd: a success that cached no blocks. */
export function isPlainTaskEnd(e: TaskEnd): boolean {
  return e.result === 'success' && !cachedBlocks(e.metrics);
}

/** The SparkListenerTaskEnd a PlainTaskEnd stands for. */
export function plainTaskEndEvent(t: PlainTaskEnd): SparkEvent {
  return {
    Event: 'SparkListenerTaskEnd', 'Stage ID': t.stageId, 'Stage Attempt ID': t.stageAttempt, 'Task Type': t.taskType, 'Task End Reason': { Reason: 'Success' },
    'Task Info': t.info, 'Task Metrics': taskMetricsJson(t.metrics, undefined),
  };
}

function rddInfoJson(r: RddInfoLite): RddInfoJson {
  const j: RddInfoJson = {
    'RDD ID': r.id, Name: r.name, 'Parent IDs': r.parentIds, 'Storage Level': r.cached ? MEMORY_ONLY : NONE_LEVEL, Barrier: false,
    DeterministicLevel: 'DETERMINATE', 'Number of Partitions': r.numPartitions, 'Number of Cached Partitions': 0, 'Memory Size': 0, 'Disk Size': 0,
  };
  if (r.callSite !== undefined) j.Callsite = r.callSite;
  return j;
}

function stageInfoJson(s: StageInfoLite, attempt: number): StageInfoJson {
  return {
    'Stage ID': s.stageId, 'Stage Attempt ID': attempt, 'Stage Name': s.name, 'Number of Tasks': s.numTasks, 'RDD Info': s.rdds.map(rddInfoJson),
    'Parent IDs': s.parentIds, Details: s.details ?? '', 'Resource Profile Id': 0, 'Shuffle Push Enabled': false, 'Shuffle Push Mergers Count': 0,
  };
}

/** `TypeError: bad` → `TypeError`; stacks without a class-like head are `Error`. */
function errorClass(message: string | undefined, stack: string | undefined): string {
  const head = (stack ?? message ?? '').split('\n', 1)[0] ?? '';
  const m = /^([A-Za-z_$][\w$.]*(?:Error|Exception))\b/.exec(head);
  return m ? m[1]! : 'Error';
}

/** V8 stack frames (`    at f (file:12:3)`) as Spark's stack trace elements. */
export function stackElements(stack: string | undefined): StackElementJson[] {
  const out: StackElementJson[] = [];
  for (const line of (stack ?? '').split('\n')) {
    const m = /^\s+at (?:(.+?) \()?(.+?):(\d+):\d+\)?$/.exec(line);
    if (!m) continue;
    const fn = m[1] ?? '<anonymous>';
    const dot = fn.lastIndexOf('.');
    out.push({ 'Declaring Class': dot > 0 ? fn.slice(0, dot) : '', 'Method Name': dot > 0 ? fn.slice(dot + 1) : fn, 'File Name': m[2]!, 'Line Number': Number(m[3]) });
  }
  return out;
}

function endReason(e: TaskEnd): TaskEndReasonJson {
  switch (e.result) {
    case 'success':
      return { Reason: 'Success' };
    case 'killed':
      return { Reason: 'TaskKilled', 'Kill Reason': e.error ?? 'killed', 'Accumulator Updates': [] };
    case 'lost':
      return { Reason: 'ExecutorLostFailure', 'Executor ID': e.executorId, 'Exit Caused By App': true, 'Loss Reason': e.error ?? 'executor lost' };
    default: {
      const r: TaskEndReasonJson = {
        Reason: 'ExceptionFailure', 'Class Name': errorClass(e.error, e.stack), Description: e.error ?? 'task failed',
        'Stack Trace': stackElements(e.stack), 'Accumulator Updates': [],
      };
      if (e.stack !== undefined) r['Full Stack Trace'] = e.stack;
      return r;
    }
  }
}

function taskMetricsJson(m: TaskMetrics, blockSizes: Record<string, number> | undefined): TaskMetricsJson {
  const r = m.shuffleReadMetrics;
  const w = m.shuffleWriteMetrics;
  return {
    'Executor Deserialize Time': m.executorDeserializeTime, 'Executor Deserialize CPU Time': m.executorDeserializeCpuTime, 'Executor Run Time': m.executorRunTime,
    'Executor CPU Time': m.executorCpuTime, 'Peak Execution Memory': m.peakExecutionMemory, 'Result Size': m.resultSize, 'JVM GC Time': m.jvmGcTime,
    'Result Serialization Time': m.resultSerializationTime, 'Memory Bytes Spilled': m.memoryBytesSpilled, 'Disk Bytes Spilled': m.diskBytesSpilled,
    'Shuffle Read Metrics': {
      'Remote Blocks Fetched': r.remoteBlocksFetched, 'Local Blocks Fetched': r.localBlocksFetched, 'Fetch Wait Time': r.fetchWaitTime,
      'Remote Bytes Read': r.remoteBytesRead, 'Remote Bytes Read To Disk': r.remoteBytesReadToDisk, 'Local Bytes Read': r.localBytesRead,
      'Total Records Read': r.recordsRead, 'Remote Requests Duration': r.remoteReqsDuration,
    },
    'Shuffle Write Metrics': { 'Shuffle Bytes Written': w.bytesWritten, 'Shuffle Write Time': w.writeTime, 'Shuffle Records Written': w.recordsWritten },
    'Input Metrics': { 'Bytes Read': m.inputMetrics.bytesRead, 'Records Read': m.inputMetrics.recordsRead },
    'Output Metrics': { 'Bytes Written': m.outputMetrics.bytesWritten, 'Records Written': m.outputMetrics.recordsWritten },
    'Updated Blocks': Object.entries(blockSizes ?? {}).map(([id, size]) => ({
      'Block ID': id, Status: { 'Storage Level': MEMORY_ONLY, 'Memory Size': Math.max(1, size), 'Disk Size': 0 },
    })),
  };
}
