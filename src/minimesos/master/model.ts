/**
 * The master's in-memory model (tasks, offers, filters, frameworks, agents) and the small helpers every part of
 * the master shares; the parts themselves follow Mesos' `src/master/` seams (allocator, HTTP endpoints,
 * framework and agent registries, leader election).
 */
import type { FrameworkInfo, MasterInfo, Offer } from '../../mesos/wire/framework.js';
import type { Resource } from '../../mesos/wire/resources.js';
import { isTerminalTaskState, type ExecutorInfo, type TaskInfo, type TaskState, type TaskStatus } from '../../mesos/wire/task.js';
import type { EventStream } from '../EventStream.js';
import { roleOf } from '../resources.js';
import type { AgentLink } from './AgentLink.js';
import type { Allocator } from './Allocator.js';
import type { AgentRegistry } from './AgentRegistry.js';
import type { FrameworkRegistry } from './FrameworkRegistry.js';
import type { InverseOffers } from './inverseOffers.js';
import type { LeaderElection } from './LeaderElection.js';
import type { Maintenance } from './maintenance.js';
import type { Registrar } from './Registrar.js';

export const VERSION = '1.11.0';

/** The longest delay a Node timer keeps (about 24.8 days); a longer one would fire at once, so it never elapses here. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface MasterOptions {
  host?: string;
  port?: number;
  hostname?: string;
  /** How often offers are made (Mesos `--allocation_interval`, default 1 s). */
  allocationIntervalMs?: number;
  /** Offers are rescinded after this long (Mesos `--offer_timeout`, default never). */
  offerTimeoutMs?: number;
  /** Seconds between scheduler heartbeats (15 in Mesos). */
  heartbeatIntervalSeconds?: number;
  /** When set, schedulers must authenticate with HTTP basic credentials from this list. */
  credentials?: { principal: string; secret: string }[];
  /** Role whitelist (Mesos `--roles`); unset accepts any role. */
  roles?: string[];
  /** `zk://host:port/path`: join the master group there and follow its election. */
  zk?: string;
  /** Re-chunk event records at random byte offsets (exercises clients' RecordIO framing). */
  chunkSplit?: boolean;
  /** Agents on other processes are pinged this often (Mesos `--agent_ping_timeout`, 15 s). */
  agentPingTimeoutMs?: number;
  /** Consecutive missed pings after which an agent is unreachable (Mesos `--max_agent_ping_timeouts`, 5). */
  maxAgentPingTimeouts?: number;
  /**
   * How long after this master's election an agent a previous leader admitted may take to re-register before it is
   * unreachable (Mesos `--agent_reregister_timeout`, 10 minutes).
   */
  agentReregisterTimeoutMs?: number;
  /** Unreachable agents stay in the registry this long (Mesos `--registry_max_agent_age`, 2 weeks). */
  registryMaxAgentAgeMs?: number;
  /** At most this many unreachable agents stay in the registry, the latest (Mesos `--registry_max_agent_count`, 102400). */
  registryMaxAgentCount?: number;
  /** How often the registry forgets unreachable agents past those limits (Mesos `--registry_gc_interval`, 15 minutes). */
  registryGcIntervalMs?: number;
  /** Ended tasks each framework keeps for `/state`, the latest (Mesos `--max_completed_tasks_per_framework`, 1000). */
  maxCompletedTasksPerFramework?: number;
  /** Unreachable tasks each framework keeps, the latest (Mesos `--max_unreachable_tasks_per_framework`, 1000). */
  maxUnreachableTasksPerFramework?: number;
}

export type ResolvedMasterOptions = Required<Pick<MasterOptions, 'host' | 'allocationIntervalMs' | 'heartbeatIntervalSeconds' | 'agentPingTimeoutMs' | 'maxAgentPingTimeouts'
  | 'agentReregisterTimeoutMs' | 'registryMaxAgentAgeMs' | 'registryMaxAgentCount' | 'registryGcIntervalMs'
  | 'maxCompletedTasksPerFramework' | 'maxUnreachableTasksPerFramework'>> & MasterOptions;

export interface MTask {
  info: TaskInfo;
  frameworkId: string;
  agentId: string;
  executorId: string | undefined;
  role: string;
  state: TaskState;
  statuses: TaskStatus[];
  /** Resources the task holds (its own; executor resources are held by the executor). */
  resources: Resource[];
  terminalUuid: string | undefined;
  /**
   * Held among the framework's unreachable tasks: its agent was marked unreachable (Mesos moves every task of the
   * agent there, ended ones not yet acknowledged too, which keep their state). Such a task is not active.
   */
  unreachable?: boolean;
}

/** Whether the task is among its framework's unreachable tasks rather than its active ones. */
export const isUnreachableTask = (t: MTask): boolean => t.unreachable === true || t.state === 'TASK_UNREACHABLE';

/**
 * Records a status of the task as Mesos' `updateTask` does: the task takes the agent's latest state when it is given
 * (else the status's), but an ended task keeps its state; a status in the state of the last one replaces it (a resent
 * update, a health change), and none keeps its `data` (the framework's own bytes).
 */
export function recordStatus(t: MTask, s: TaskStatus, latestState?: TaskState): void {
  if (!isTerminalTaskState(t.state)) t.state = latestState ?? s.state;
  const kept: TaskStatus = { ...s };
  delete kept.data;
  if (t.statuses.length > 0 && t.statuses[t.statuses.length - 1]!.state === s.state) t.statuses[t.statuses.length - 1] = kept;
  else t.statuses.push(kept);
}

/**
 * The task is done with (Mesos' `removeTask`): it leaves the framework's tasks for its completed ones, of which the
 * latest `maxCompletedTasksPerFramework` stay, and a kill remembered for it on its agent is forgotten.
 */
export function completeTask(ctx: MasterContext, f: MFramework, t: MTask): void {
  ctx.agents.get(t.agentId)?.killedTasks.delete(taskKey(f.id, t.info.task_id.value));
  f.tasks.delete(t.info.task_id.value);
  f.completedTasks.push(t);
  const keep = ctx.opts.maxCompletedTasksPerFramework;
  if (f.completedTasks.length > keep) f.completedTasks.splice(0, f.completedTasks.length - keep);
}

/** The executor a status about the task names: only one its TaskInfo names (Mesos tells none for a command task). */
export function executorIdOf(t: { executorId?: string | undefined; info: TaskInfo }): { value: string } | undefined {
  return t.executorId !== undefined && t.info.executor ? { value: t.executorId } : undefined;
}

/**
 * The task joins its framework's unreachable tasks, of which the latest `keep` stay (Mesos bounds them in memory and
 * forgets the oldest, telling no one): it moves to the end of the framework's tasks, so they are in the order they
 * became unreachable.
 */
export function holdUnreachable(f: MFramework, t: MTask, keep: number): void {
  t.unreachable = true;
  f.tasks.delete(t.info.task_id.value);
  f.tasks.set(t.info.task_id.value, t);
  let excess = -keep;
  for (const x of f.tasks.values()) if (isUnreachableTask(x)) excess++;
  if (excess <= 0) return;
  for (const [id, x] of f.tasks) {
    if (excess === 0) break;
    if (!isUnreachableTask(x)) continue;
    f.tasks.delete(id);
    excess--;
  }
}

export interface MOffer {
  offer: Offer;
  role: string;
  timer: NodeJS.Timeout | undefined;
}

export interface Filter {
  frameworkId: string;
  role: string;
  agentId: string;
  resources: Resource[];
  expires: number;
}

export interface MFramework {
  id: string;
  info: FrameworkInfo;
  roles: string[];
  stream: EventStream | undefined;
  active: boolean;
  recovered: boolean;
  suppressed: Set<string>;
  offers: Map<string, MOffer>;
  tasks: Map<string, MTask>;
  completedTasks: MTask[];
  /** agentId → executorId → ExecutorInfo, for custom executors the master tracks. */
  executors: Map<string, Map<string, ExecutorInfo>>;
  registeredTime: number;
  reregisteredTime: number | undefined;
  unregisteredTime: number | undefined;
  failoverTimer: NodeJS.Timeout | undefined;
  principal: string | undefined;
  /** Offers made so far: breaks ties between equal shares, so equal frameworks take turns. */
  offersMade: number;
}

export interface MAgent {
  id: string;
  link: AgentLink;
  hostname: string;
  /** The address the agent's pid and offer URL carry (its `--ip`; the hostname when not given). */
  ip: string;
  port: number;
  total: Resource[];
  attributes: NonNullable<Offer['attributes']>;
  registeredTime: number;
  reregisteredTime: number | undefined;
  active: boolean;
  /**
   * Tasks a framework asked to kill here (by `taskKey`; Mesos' `killedTasks`), until they end: an agent that missed
   * the kill (disconnected, partitioned) is told again if it re-registers still running one.
   */
  killedTasks: Set<string>;
}

/** A task's key among every framework's (task ids are unique within a framework only). */
export const taskKey = (frameworkId: string, taskId: string): string => `${frameworkId}\n${taskId}`;

export interface TaskSnapshot {
  info: TaskInfo;
  frameworkId: string;
  executorId?: string | undefined;
  state: TaskState;
  statuses: TaskStatus[];
}

export interface AgentRegistration {
  hostname: string;
  /** The agent's address (defaults to `hostname`). */
  ip?: string;
  port: number;
  resources: Resource[];
  attributes: NonNullable<Offer['attributes']>;
  /** On re-registration: the agent's id, its tasks, frameworks and executors. */
  id?: string;
  tasks?: TaskSnapshot[];
  frameworks?: FrameworkInfo[];
  executors?: { frameworkId: string; info: ExecutorInfo }[];
}

/** What the master's parts share: the options, the registries, the allocator and the election. */
export interface MasterContext {
  readonly id: string;
  readonly opts: ResolvedMasterOptions;
  readonly frameworks: FrameworkRegistry;
  readonly agents: AgentRegistry;
  readonly allocator: Allocator;
  readonly election: LeaderElection;
  /** The maintenance schedule and machine modes (`/maintenance/*`, `/machine/*`). */
  readonly maintenance: Maintenance;
  readonly inverseOffers: InverseOffers;
  /** Where the admitted agents are kept for the next leader. */
  readonly registrar: Registrar;
  readonly startTime: number;
  readonly stopped: boolean;
  readonly endpoint: { host: string; port: number };
  readonly masterInfo: MasterInfo;
  readonly isLeader: boolean;
  /** Elected and still reading the registry: schedulers and agents are answered 503. */
  readonly recovering: boolean;
  /** Runs an allocation round on the next turn of the event loop. */
  allocateSoon(): void;
}

export const fmtId = (n: number) => String(n).padStart(4, '0');
export const now = () => Date.now() / 1000;
export const hasCapability = (info: FrameworkInfo, cap: string) => (info.capabilities ?? []).some((c) => c.type === cap);

export function frameworkRoles(info: FrameworkInfo): string[] {
  if (hasCapability(info, 'MULTI_ROLE')) return info.roles ?? [];
  return [info.role ?? '*'];
}

export function roleOfTask(task: TaskInfo, f: MFramework): string {
  const reserved = (task.resources ?? []).map(roleOf).find((r) => r !== '*');
  return reserved ?? task.resources?.[0]?.allocation_info?.role ?? f.roles[0] ?? '*';
}

export function attributeV0(at: NonNullable<Offer['attributes']>[number]): number | string {
  if (at.type === 'SCALAR') return at.scalar?.value ?? 0;
  if (at.type === 'TEXT') return at.text?.value ?? '';
  if (at.type === 'RANGES') return `[${(at.ranges?.range ?? []).map((x) => `${x.begin}-${x.end}`).join(', ')}]`;
  return `{${(at.set?.item ?? []).join(',')}}`;
}

export function masterStatus(taskId: string, state: TaskState, reason: string, message: string, agentId?: string): TaskStatus {
  const s: TaskStatus = { task_id: { value: taskId }, state, source: 'SOURCE_MASTER', reason, message, timestamp: now() };
  if (agentId !== undefined) s.agent_id = { value: agentId };
  return s;
}

export function updateEvent(status: TaskStatus): unknown {
  return { type: 'UPDATE', update: { status } };
}
