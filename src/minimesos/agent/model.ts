/**
 * What an agent keeps about the frameworks, executors and tasks it runs (Mesos' `Slave::Framework`, `Executor`,
 * `Task` in `src/slave/slave.hpp`), the options the agent runs with, and the context its parts share.
 */
import type { ChildProcess } from 'node:child_process';
import type { FrameworkInfo } from '../../mesos/wire/framework.js';
import type { Attribute, Resource } from '../../mesos/wire/resources.js';
import { isTerminalTaskState, type ExecutorInfo, type TaskInfo, type TaskState, type TaskStatus } from '../../mesos/wire/task.js';
import type { Master } from '../Master.js';
import type { EventStream } from '../EventStream.js';
import type { MasterLink } from './MasterConnection.js';
import type { Isolation, IsolationOptions } from './Isolation.js';
import type { StatusUpdateManager } from './StatusUpdateManager.js';
import type { Checkpoint } from './Checkpoint.js';
import { containerResources } from './containerLimits.js';
import { diskQuota, type ContainerLimitation } from './DiskIsolator.js';

export interface AgentOptions extends IsolationOptions {
  /** The master: a Master object (in this process), or `host:port` / `zk://host:port/path` (over HTTP). */
  master: Master | string;
  resources: Resource[];
  attributes?: Attribute[];
  workDir: string;
  /** The address the agent listens on and advertises (Mesos `--ip`). */
  host?: string;
  /** The agent's host name in offers and `/state` (Mesos `--hostname`); defaults to `host`. */
  hostname?: string;
  /** The port it listens on (Mesos `--port`); 0 picks a free one. */
  port?: number;
  /** First resend delay of an unacknowledged status update (Mesos: 10 s, doubling to 10 min). */
  statusUpdateRetryMs?: number;
  /** How long an executor has to subscribe (Mesos `--executor_registration_timeout`, 1 min). */
  executorRegistrationTimeoutMs?: number;
  /** How long a recovered executor has to re-subscribe (Mesos `--executor_reregistration_timeout`, 2 s). */
  executorReregistrationTimeoutMs?: number;
  /** Grace between SHUTDOWN and a forced kill (Mesos `--executor_shutdown_grace_period`, 5 s). */
  executorShutdownGraceMs?: number;
  /** Containerizers this agent runs (Mesos `--containerizers`); `docker` is not available here. */
  containerizers?: ('mesos' | 'docker')[];
  /** Values for REFERENCE secrets, by name (a stand-in for a secret store module). */
  secrets?: Record<string, string>;
  /** Mesos `--recover`: `reconnect` (default) re-attaches checkpointed executors on start; `cleanup` kills them. */
  recover?: 'reconnect' | 'cleanup';
  /** Ended executors kept per framework for `/state` and `/files`, the latest (Mesos `--max_completed_executors_per_framework`, 150). */
  maxCompletedExecutorsPerFramework?: number;
}

export type ResolvedAgentOptions = Required<Pick<AgentOptions, 'host' | 'statusUpdateRetryMs' | 'executorRegistrationTimeoutMs' | 'executorReregistrationTimeoutMs' | 'executorShutdownGraceMs'
  | 'maxCompletedExecutorsPerFramework'>> & AgentOptions;

export function resolveAgentOptions(opts: AgentOptions): ResolvedAgentOptions {
  return {
    host: '127.0.0.1', statusUpdateRetryMs: 10_000, executorRegistrationTimeoutMs: 60_000, executorReregistrationTimeoutMs: 2000, executorShutdownGraceMs: 5_000,
    maxCompletedExecutorsPerFramework: 150,
    ...opts,
  };
}

export interface AgentTask {
  info: TaskInfo;
  state: TaskState;
  statuses: TaskStatus[];
  /** Delivered to the executor (LAUNCH sent / process started). */
  delivered: boolean;
  killRequested: boolean;
}

export interface Executor {
  frameworkId: string;
  info: ExecutorInfo;
  command: boolean;
  containerId: string;
  directory: string;
  process: ChildProcess | undefined;
  /** A process the agent did not start in this life (recovered after a restart): watched by pid. */
  recoveredPid: number | undefined;
  stream: EventStream | undefined;
  /** Tasks not yet completed: live ones, and ended ones whose updates await acknowledgement (Mesos' launched, queued and terminated tasks). */
  tasks: Map<string, AgentTask>;
  /** Ended tasks whose updates were all acknowledged, the latest MAX_COMPLETED_TASKS_PER_EXECUTOR (`completed.ts`). */
  completedTasks: AgentTask[];
  registrationTimer: NodeJS.Timeout | undefined;
  killTimer: NodeJS.Timeout | undefined;
  exited: boolean;
  shuttingDown: boolean;
  /** Set when an isolator killed the container for exceeding its memory or disk. */
  limitation: ContainerLimitation | undefined;
}

export interface AgentFramework {
  info: FrameworkInfo;
  /** Executors not yet removed: running, or ended with tasks not yet completed. */
  executors: Map<string, Executor>;
  /** Removed executors, the latest `maxCompletedExecutorsPerFramework`: their sandboxes stay browsable. */
  completedExecutors: Executor[];
  /** The master removed the framework: its executors are shut down, and nothing more is reported for it. */
  terminating: boolean;
}

export function newFramework(info: FrameworkInfo): AgentFramework {
  return { info, executors: new Map(), completedExecutors: [], terminating: false };
}

/** What the agent's parts share: its options, identity, link to the master, and what it runs. */
export interface AgentContext {
  readonly opts: ResolvedAgentOptions;
  readonly frameworks: Map<string, AgentFramework>;
  /** Removed frameworks by id, the latest MAX_COMPLETED_FRAMEWORKS (`completed.ts`). */
  readonly completedFrameworks: Map<string, AgentFramework>;
  readonly updates: StatusUpdateManager;
  readonly checkpoint: Checkpoint;
  readonly isolation: Isolation | undefined;
  readonly id: string | undefined;
  readonly master: MasterLink | undefined;
  readonly port: number;
  readonly stopped: boolean;
  readonly hostname: string;
}

export function newExecutor(frameworkId: string, info: ExecutorInfo, command: boolean, containerId: string, directory: string): Executor {
  return {
    frameworkId, info, command, containerId, directory, process: undefined, recoveredPid: undefined, stream: undefined,
    tasks: new Map(), completedTasks: [], registrationTimer: undefined, killTimer: undefined, exited: false, shuttingDown: false, limitation: undefined,
  };
}

export function newTask(info: TaskInfo): AgentTask {
  return { info, state: 'TASK_STAGING', statuses: [], delivered: false, killRequested: false };
}

/** The `disk` of the executor and its live tasks (the `disk/du` quota; none for the command executor's share). */
export function containerDisk(e: Executor): Resource[] {
  const tasks = [...e.tasks.values()].filter((t) => !isTerminalTaskState(t.state)).flatMap((t) => t.info.resources ?? []);
  return diskQuota([...(e.command ? [] : (e.info.resources ?? [])), ...tasks]);
}

/** The container's resources: executor + tasks (+ the command executor's share), as Mesos sizes it. */
export function containerSize(e: Executor): { cpus: number; memMb: number } {
  const tasks = [...e.tasks.values()].filter((t) => !isTerminalTaskState(t.state)).map((t) => t.info.resources ?? []);
  return containerResources([e.command ? [] : (e.info.resources ?? []), ...tasks], e.command);
}

/** The pid of an executor's first process (its process group), started now or recovered. */
export function executorPid(e: Executor): number | undefined {
  return e.process?.pid ?? e.recoveredPid;
}

/** Signals the executor's whole process group (executors start detached, each in a group of its own). */
export function killGroup(e: Executor | ChildProcess, signal: NodeJS.Signals): void {
  const pid = 'frameworkId' in e ? executorPid(e) : e.pid;
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

export function nanosToMs(n: number | undefined): number | undefined {
  return n === undefined ? undefined : n / 1e6;
}

export function signalName(s: NodeJS.Signals): string {
  const names: Record<string, string> = { SIGKILL: 'Killed', SIGTERM: 'Terminated', SIGINT: 'Interrupt', SIGSEGV: 'Segmentation fault' };
  return names[s] ?? s;
}
