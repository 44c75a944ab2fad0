/**
 * The master's per-task validation for LAUNCH and LAUNCH_GROUP, as pure functions: each returns the message Mesos
 * gives with TASK_ERROR, or undefined when the task may launch.
 */
import type { ExecutorInfo, TaskInfo } from '../mesos/wire/task.js';
import type { Resource } from '../mesos/wire/resources.js';
import { contains, normalize } from './resources.js';

/** Mesos' id rules: non-empty, at most 255 characters, not `.` or `..`, no control characters, `/` or `\`. */
export function validateId(kind: string, value: string): string | undefined {
  if (value === '') return `${kind} must not be empty`;
  if (value.length > 255) return `${kind} is too long (more than 255 characters)`;
  if (value === '.' || value === '..') return `'${value}' is disallowed`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f/\\]/.test(value)) return `'${value}' contains invalid characters`;
  return undefined;
}

export interface TaskContext {
  agentId: string;
  /** Ids of the framework's tasks that are not terminal, plus those launched earlier in the same ACCEPT. */
  activeTaskIds: ReadonlySet<string>;
  /** Ids of the framework's unreachable tasks (Mesos refuses their reuse). */
  unreachableTaskIds?: ReadonlySet<string>;
  /** Executors of this framework already on the agent. */
  knownExecutors: ReadonlyMap<string, ExecutorInfo>;
  /** What remains of the accepted offers. */
  available: readonly Resource[];
}

/** JSON with object keys sorted: protobuf messages are equal whatever order their fields arrived in. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([p], [q]) => (p < q ? -1 : p > q ? 1 : 0))) : x));
}

/** Mesos compares ExecutorInfos as messages: field order (an agent re-registering sends its own copy) does not matter. */
export function sameExecutor(a: ExecutorInfo, b: ExecutorInfo): boolean {
  const strip = (e: ExecutorInfo) => canonical({ ...e, framework_id: undefined, resources: normalize(e.resources ?? []) });
  return strip(a) === strip(b);
}

/**
 * Validates one task of a LAUNCH. Returns [error, resources the task needs from the offer (task plus a new
 * executor's)].
 */
export function validateTask(task: TaskInfo, ctx: TaskContext): [error: string | undefined, needs: Resource[]] {
  const idErr = validateId('TaskID', task.task_id.value);
  if (idErr) return [`Task ID ${idErr}`, []];
  if (ctx.activeTaskIds.has(task.task_id.value)) return [`Task has duplicate ID: ${task.task_id.value}`, []];
  if (ctx.unreachableTaskIds?.has(task.task_id.value)) return [`Task reuses the ID of an unreachable task: ${task.task_id.value}`, []];
  if (task.agent_id.value !== ctx.agentId) {
    return [`Task uses invalid agent: ${task.agent_id.value}`, []];
  }
  if ((task.command === undefined) === (task.executor === undefined)) {
    return ['Task should have at least one (but not both) of CommandInfo or ExecutorInfo present', []];
  }
  const resources = task.resources ?? [];
  if (resources.length === 0) return ['Task uses no resources', []];
  for (const r of resources) {
    if (r.name === 'gpus' && r.type === 'SCALAR' && !Number.isInteger(r.scalar?.value ?? 0)) {
      return [`The 'gpus' resource must be an unsigned integer`, []];
    }
    if (r.type === 'SCALAR' && (r.scalar?.value ?? 0) < 0) return [`Resource '${r.name}' is negative`, []];
  }
  let needs = [...resources];
  if (task.executor) {
    const e = task.executor;
    const eidErr = validateId('ExecutorID', e.executor_id.value);
    if (eidErr) return [`Executor ID ${eidErr}`, []];
    if (e.type === 'DEFAULT') return [DEFAULT_OUTSIDE_GROUP, []];
    if (e.command === undefined) return ["'ExecutorInfo.command' must be set", []];
    const known = ctx.knownExecutors.get(e.executor_id.value);
    if (known) {
      if (!sameExecutor(known, e)) return [`ExecutorInfo is not compatible with existing ExecutorInfo for executor '${e.executor_id.value}'`, []];
    } else {
      needs = [...needs, ...(e.resources ?? [])];
    }
  }
  // What it needs comes back with the error too: a task group's resources are checked as a whole.
  if (!contains(ctx.available, needs)) return [`${NO_ROOM} ${describe(needs)} than available ${describe(ctx.available)}`, needs];
  return [undefined, needs];
}

export const DEFAULT_OUTSIDE_GROUP = "'ExecutorInfo.type' DEFAULT is only valid with LAUNCH_GROUP";

/** How the error of a task that needs more than is left begins. */
export const NO_ROOM = 'Task uses more resources';

export function describe(list: readonly Resource[]): string {
  return normalize(list)
    .map((r) => {
      const role = r.role && r.role !== '*' ? `(${r.role})` : '';
      if (r.type === 'SCALAR') return `${r.name}${role}:${r.scalar?.value}`;
      if (r.type === 'RANGES') return `${r.name}${role}:[${(r.ranges?.range ?? []).map((x) => `${x.begin}-${x.end}`).join(', ')}]`;
      return `${r.name}${role}:{${(r.set?.item ?? []).join(',')}}`;
    })
    .join('; ');
}
