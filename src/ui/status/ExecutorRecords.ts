/**
 * The application's executors as the status store keeps them (the Executors tab, `/executors`, `/allexecutors`):
 * added and removed, with their block managers, exclusions and task counts. Dead executors beyond
 * `spark.ui.retainedDeadExecutors` are forgotten, the earliest removed first.
 */
import type { EventOf } from '../events/sparkEvents.js';
import type { ExecutorRecord } from './records.js';
import { trimDeadExecutors } from './retention.js';

export class ExecutorRecords {
  /** Executor id → record, the driver's included. */
  readonly all = new Map<string, ExecutorRecord>();

  constructor(private readonly retainedDead: number) {}

  /** The executor's record, made when its first event (or a task on it) is seen. */
  get(id: string, time: number): ExecutorRecord {
    let x = this.all.get(id);
    if (!x) {
      x = {
        id, hostPort: '', host: '', isActive: true, totalCores: 0, maxTasks: 0, activeTasks: 0, failedTasks: 0, completedTasks: 0, totalDuration: 0,
        totalGCTime: 0, totalInputBytes: 0, totalShuffleRead: 0, totalShuffleWrite: 0, isExcluded: false, maxMemory: 0, addTime: time,
        executorLogs: {}, attributes: {}, excludedInStages: [],
      };
      this.all.set(id, x);
    }
    return x;
  }

  added(e: EventOf<'SparkListenerExecutorAdded'>): void {
    const x = this.get(e['Executor ID'], e.Timestamp);
    const info = e['Executor Info'];
    x.host = info.Host;
    if (!x.hostPort) x.hostPort = info.Host;
    x.totalCores = info['Total Cores'];
    x.maxTasks = info['Total Cores'];
    x.executorLogs = { ...info['Log Urls'] };
    x.attributes = { ...(info.Attributes ?? {}) };
    x.isActive = true;
  }

  /** The removed executor's record, or undefined when it was never seen. */
  removed(e: EventOf<'SparkListenerExecutorRemoved'>): ExecutorRecord | undefined {
    const x = this.all.get(e['Executor ID']);
    if (!x) return undefined;
    x.isActive = false;
    x.removeTime = e.Timestamp;
    x.removeReason = e['Removed Reason'];
    trimDeadExecutors(this.all, this.retainedDead);
    return x;
  }

  blockManagerAdded(e: EventOf<'SparkListenerBlockManagerAdded'>): void {
    const id = e['Block Manager ID'];
    const x = this.get(id['Executor ID'], e.Timestamp ?? 0);
    x.host = id.Host;
    x.hostPort = id.Port > 0 ? `${id.Host}:${id.Port}` : id.Host;
    x.maxMemory = e['Maximum Memory'];
    if (e['Maximum Onheap Memory'] !== undefined) x.maxOnHeapMemory = e['Maximum Onheap Memory'];
    x.isActive = true;
  }

  blockManagerRemoved(e: EventOf<'SparkListenerBlockManagerRemoved'>): void {
    // An executor ends with its own removal event; the driver has none, so its block manager's removal ends it.
    const x = this.all.get(e['Block Manager ID']['Executor ID']);
    if (x && x.id === 'driver') x.isActive = false;
  }

  excluded(e: EventOf<'org.apache.spark.scheduler.SparkListenerExecutorExcluded'>): void {
    const x = this.all.get(e.executorId);
    if (x) x.isExcluded = true;
  }
}

/** Tasks started on an executor (Spark's `totalTasks` counts every start). */
export const totalTasks = (x: ExecutorRecord): number => x.activeTasks + x.completedTasks + x.failedTasks;
