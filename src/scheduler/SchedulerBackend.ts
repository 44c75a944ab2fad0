import type { MapStatus, TaskDescription, TaskResult } from '../core/plan.js';

export type TaskEndState = 'FINISHED' | 'FAILED' | 'KILLED' | 'LOST';

export interface TaskStatusUpdate {
  taskId: number;
  executorId: string;
  state: TaskEndState;
  result?: TaskResult;
  error?: { message: string; stack?: string; fetchFailed?: { shuffleId: number; mapId: number; executorId: string } };
}

export interface ExecutorInfoView {
  id: string;
  host: string;
  cores: number;
  /** Where its logs can be read (the UI links them), e.g. `stdout` and `stderr` in its Mesos sandbox. */
  logUrls?: Record<string, string>;
}

/** What the task scheduler needs from a cluster: executors with cores, task launch and kill, and their news. */
export interface SchedulerBackend {
  start(events: BackendEvents): Promise<void>;
  stop(): Promise<void>;
  defaultParallelism(): number;
  launchTask(executorId: string, task: TaskDescription): void;
  killTask(executorId: string, taskId: number): void;
  /** Drops cached blocks whose names start with `prefix` on every executor. */
  dropBlocks(prefix: string): void;
  readonly applicationId: string;
  /**
   * Dynamic allocation: the total number of executors wanted (backends that can grow and shrink), and how many
   * pending tasks prefer each host (Spark's `hostToLocalTaskCount`), so new executors can go where tasks want them.
   */
  requestTotalExecutors?(total: number, hostToLocalTaskCount?: ReadonlyMap<string, number>): Promise<boolean>;
  /** Offer-driven backends: tasks are waiting, so ask the cluster for offers. */
  reviveOffers?(): void;
  /** Dynamic allocation: releases these executors. */
  killExecutors?(executorIds: string[]): Promise<boolean>;
  /** Why the application waits for executors, from the offers the backend saw; undefined when it does not wait. */
  waitingForExecutors?(): string | undefined;
}

/** Free cores on an agent's executor for one round of offers (fine-grained mode). */
export interface WorkerOffer {
  executorId: string;
  host: string;
  cores: number;
}

export interface LaunchedTask {
  executorId: string;
  task: TaskDescription;
}

export interface BackendEvents {
  executorAdded(e: ExecutorInfoView): void;
  executorRemoved(executorId: string, reason: string): void;
  statusUpdate(u: TaskStatusUpdate): void;
  /** Fine-grained mode: places pending tasks on these offers; the backend launches what comes back. */
  resourceOffers(offers: readonly WorkerOffer[]): LaunchedTask[];
  /** Tasks waiting for a core. */
  pendingTasks(): number;
  /** The cluster can give the application nothing (e.g. every agent excluded): fail its active jobs with `reason`. */
  abort?(reason: string): void;
  /** The driver's HTTP address (`http://host:port`) when it serves one: cluster managers link to it. */
  readonly uiWebUrl?: string;
  /** Graceful decommission: the executor gets no new tasks; those it runs finish. */
  executorDecommissioning?(executorId: string): void;
  /** Graceful decommission called off (the maintenance was cancelled): the executor gets tasks again. */
  executorRecommissioned?(executorId: string): void;
  /** Graceful decommission: the map outputs the executor serves itself (not an external shuffle service). */
  shuffleOutputsOn?(executorId: string): MapStatus[];
  /** Graceful decommission: a map output is now served from `to`; false when `from` is no longer the current one. */
  shuffleOutputMoved?(from: MapStatus, to: MapStatus): boolean;
}
