/**
 * What the master does with each accepted scheduler call (Mesos' `Master::accept`, `decline`, `revive`,
 * `suppress`, `kill`, `shutdown`, `acknowledge`, `reconcile`, `message`): offer validation and LAUNCH /
 * LAUNCH_GROUP with per-task validation, refusal filters, and reconciliation answers.
 */
import type { Operation } from '../../mesos/wire/framework.js';
import type { SchedulerCall } from '../../mesos/wire/scheduler.js';
import type { Resource } from '../../mesos/wire/resources.js';
import type { ExecutorInfo, TaskInfo, TaskState, TaskStatus } from '../../mesos/wire/task.js';
import { contains, normalize, subtract } from '../resources.js';
import { DEFAULT_OUTSIDE_GROUP, NO_ROOM, describe, validateTask } from '../validation.js';
import { completeTask, executorIdOf, hasCapability, isUnreachableTask, taskKey, masterStatus, now, updateEvent, type MasterContext, type MFramework, type MOffer, type MTask } from './model.js';

export function dispatch(ctx: MasterContext, f: MFramework, call: SchedulerCall): void {
  switch (call.type) {
    case 'TEARDOWN':
      return ctx.frameworks.remove(f.id, 'TEARDOWN call');
    case 'ACCEPT':
      return accept(ctx, f, call.accept.offer_ids ?? [], call.accept.operations ?? [], call.accept.filters?.refuse_seconds);
    case 'DECLINE':
      return decline(ctx, f, call.decline.offer_ids ?? [], call.decline.filters?.refuse_seconds);
    case 'REVIVE':
      return revive(ctx, f, call.revive?.roles);
    case 'SUPPRESS': {
      const roles = call.suppress?.roles?.length ? call.suppress.roles : f.roles;
      if (roles.some((r) => !f.roles.includes(r))) return;
      for (const r of roles) f.suppressed.add(r);
      return;
    }
    case 'KILL':
      return kill(ctx, f, call.kill.task_id.value, call.kill.agent_id?.value, call.kill.kill_policy?.grace_period?.nanoseconds);
    case 'SHUTDOWN': {
      const a = ctx.agents.get(call.shutdown.agent_id.value);
      a?.link.shutdownExecutor(f.id, call.shutdown.executor_id.value);
      return;
    }
    case 'ACKNOWLEDGE':
      return acknowledge(ctx, f, call.acknowledge.agent_id.value, call.acknowledge.task_id.value, call.acknowledge.uuid);
    case 'RECONCILE':
      return reconcile(ctx, f, call.reconcile.tasks ?? []);
    case 'MESSAGE': {
      const a = ctx.agents.get(call.message.agent_id.value);
      a?.link.frameworkMessage(f.id, call.message.executor_id.value, call.message.data);
      return;
    }
    case 'ACCEPT_INVERSE_OFFERS':
      return ctx.inverseOffers.answer(f, call.accept_inverse_offers.inverse_offer_ids ?? [], 'ACCEPT', call.accept_inverse_offers.filters?.refuse_seconds);
    case 'DECLINE_INVERSE_OFFERS':
      return ctx.inverseOffers.answer(f, call.decline_inverse_offers.inverse_offer_ids ?? [], 'DECLINE', call.decline_inverse_offers.filters?.refuse_seconds);
    default:
      // REQUEST is accepted and ignored, as the built-in allocator does.
      return;
  }
}

function decline(ctx: MasterContext, f: MFramework, offerIds: { value: string }[], refuseSeconds: number | undefined): void {
  for (const { value } of offerIds) {
    const o = ctx.allocator.takeOffer(f, value);
    if (o) ctx.allocator.refuseFilter(f, o.role, o.offer.agent_id.value, o.offer.resources ?? [], refuseSeconds);
  }
}

function revive(ctx: MasterContext, f: MFramework, roles: string[] | undefined): void {
  const which = roles?.length ? roles : f.roles;
  if (which.some((r) => !f.roles.includes(r))) return;
  for (const r of which) f.suppressed.delete(r);
  ctx.allocator.clearFilters(f.id, which);
  ctx.allocateSoon();
}

function accept(ctx: MasterContext, f: MFramework, offerIds: { value: string }[], operations: Operation[], refuseSeconds: number | undefined): void {
  const send = (event: unknown) => ctx.frameworks.send(f, event);
  const launchTasks = operations.flatMap((op) =>
    op.type === 'LAUNCH' ? (op.launch?.task_infos ?? []) : op.type === 'LAUNCH_GROUP' ? (op.launch_group?.task_group.tasks ?? []) : [],
  );
  const ids = offerIds.map((o) => o.value);
  let invalid: string | undefined;
  if (ids.length === 0) invalid = 'No offers specified';
  else if (new Set(ids).size !== ids.length) invalid = 'Duplicate offers specified';
  const offers: MOffer[] = [];
  if (!invalid) {
    for (const id of ids) {
      const o = f.offers.get(id);
      if (!o) {
        invalid = `Offer ${id} is no longer valid`;
        break;
      }
      offers.push(o);
    }
  }
  if (!invalid && new Set(offers.map((o) => o.offer.agent_id.value)).size > 1) invalid = 'Aggregated offers must belong to one single agent';
  if (!invalid && new Set(offers.map((o) => o.role)).size > 1) invalid = 'Aggregated offers must be allocated to the same role';
  if (invalid) {
    // Valid offers go back to the pool without a filter; launched tasks are lost.
    for (const o of offers) ctx.allocator.takeOffer(f, o.offer.id.value);
    const pa = hasCapability(f.info, 'PARTITION_AWARE');
    for (const t of launchTasks) {
      send(updateEvent(masterStatus(t.task_id.value, pa ? 'TASK_DROPPED' : 'TASK_LOST', 'REASON_INVALID_OFFERS', `Task launched with invalid offers: ${invalid}`, t.agent_id?.value)));
    }
    ctx.allocateSoon();
    return;
  }
  for (const o of offers) ctx.allocator.takeOffer(f, o.offer.id.value);
  const agentId = offers[0]!.offer.agent_id.value;
  const role = offers[0]!.role;
  const agent = ctx.agents.get(agentId);
  let pool = normalize(offers.flatMap((o) => o.offer.resources ?? []));
  const launchedHere = new Set<string>();
  // Launches add no unreachable task: one look for the whole ACCEPT.
  const unreachableTaskIds = new Set([...f.tasks.values()].filter(isUnreachableTask).map((x) => x.info.task_id.value));
  for (const op of operations) {
    if (op.type !== 'LAUNCH' && op.type !== 'LAUNCH_GROUP') continue;
    const group = op.type === 'LAUNCH_GROUP';
    const tasks = group ? (op.launch_group?.task_group.tasks ?? []) : (op.launch?.task_infos ?? []);
    const groupExecutor = group ? op.launch_group?.executor : undefined;
    if (op.id !== undefined) {
      for (const t of tasks) send(updateEvent(masterStatus(t.task_id.value, 'TASK_ERROR', 'REASON_TASK_INVALID', "'Offer.Operation.id' must not be set for LAUNCH or LAUNCH_GROUP", agentId)));
      continue;
    }
    const known = new Map(f.executors.get(agentId) ?? []);
    // Each task checked against what the ones before it in this ACCEPT took.
    const checked: { task: TaskInfo; error: string | undefined; needs: Resource[] }[] = [];
    let left = pool;
    const taken = new Set(launchedHere);
    const executorsSoFar = new Map(known);
    for (const t of tasks) {
      const task: TaskInfo = groupExecutor ? { ...t, executor: t.executor ?? groupExecutor } : t;
      // Every task the framework has here counts, an ended one awaiting its acknowledgement too (Mesos' validateUniqueTaskID).
      const active = new Set([...[...f.tasks.values()].filter((x) => !isUnreachableTask(x)).map((x) => x.info.task_id.value), ...taken]);
      const [validationError, needs] = validateTask(task, { agentId, activeTaskIds: active, unreachableTaskIds, knownExecutors: executorsSoFar, available: left });
      // A group's executor and resources are checked for the group as a whole, below.
      let error = group && (validationError === DEFAULT_OUTSIDE_GROUP || validationError?.startsWith(NO_ROOM)) ? undefined : validationError;
      if (!error && group && task.container?.type === 'DOCKER') error = 'Docker ContainerInfo is not supported on the task';
      if (!error && !agent) error = `Agent ${agentId} is not available`;
      checked.push({ task, error, needs });
      if (error) continue;
      if (!group) left = subtract(left, needs)!;
      taken.add(task.task_id.value);
      if (task.executor && !executorsSoFar.has(task.executor.executor_id.value)) executorsSoFar.set(task.executor.executor_id.value, task.executor);
    }
    // A group launches whole or not at all (Mesos: "the entire group can be launched"): every task of a group with an
    // invalid one gets TASK_ERROR with the group's first error.
    const groupError = group ? taskGroupError(checked, groupExecutor, pool) : undefined;
    for (const { task, error, needs } of checked) {
      if (groupError) {
        send(updateEvent(masterStatus(task.task_id.value, 'TASK_ERROR', 'REASON_TASK_GROUP_INVALID', groupError, agentId)));
        continue;
      }
      if (error || !agent) {
        send(updateEvent(masterStatus(task.task_id.value, 'TASK_ERROR', 'REASON_TASK_INVALID', error ?? `Agent ${agentId} is not available`, agentId)));
        continue;
      }
      pool = subtract(pool, needs)!;
      launchedHere.add(task.task_id.value);
      const executorId = task.executor?.executor_id.value;
      if (task.executor && !known.has(executorId!)) {
        known.set(executorId!, task.executor);
        if (!f.executors.has(agentId)) f.executors.set(agentId, new Map());
        f.executors.get(agentId)!.set(executorId!, { ...task.executor, framework_id: { value: f.id } });
      }
      const mt: MTask = {
        info: task,
        frameworkId: f.id,
        agentId,
        executorId: executorId ?? task.task_id.value,
        role,
        state: 'TASK_STAGING',
        statuses: [],
        resources: normalize(task.resources ?? []),
        terminalUuid: undefined,
      };
      f.tasks.set(task.task_id.value, mt);
      agent.link.launchTask(f.info, task);
    }
  }
  // What no operation used is declined with the ACCEPT's filter.
  ctx.allocator.refuseFilter(f, role, agentId, pool, refuseSeconds);
}

/**
 * What is wrong with a task group, in the order Mesos' validation says it: a task's own error first (named), then the
 * executor's, then the group's resources as a whole against the offer.
 */
function taskGroupError(checked: { task: TaskInfo; error: string | undefined; needs: Resource[] }[], executor: ExecutorInfo | undefined, offered: Resource[]): string | undefined {
  const invalid = checked.find((c) => c.error !== undefined);
  if (invalid) return `Task '${invalid.task.task_id.value}' is invalid: ${invalid.error}`;
  // Mesos runs such a group; this simulator has no default executor, so it says so rather than fail the tasks later.
  if (executor?.type === 'DEFAULT') return "the default executor ('ExecutorInfo.type' DEFAULT) is not simulated by mini-Mesos";
  if (executor?.type === undefined) return "'ExecutorInfo.type' must be set";
  const total = checked.flatMap((c) => c.needs);
  if (!contains(offered, total)) return `Total resources ${describe(total)} required by task group and its executor are more than available ${describe(offered)}`;
  return undefined;
}

function kill(ctx: MasterContext, f: MFramework, taskId: string, agentId: string | undefined, graceNanos: number | undefined): void {
  const t = f.tasks.get(taskId);
  // Not an active task (unknown, or unreachable): answered as reconciliation would, as Mesos does.
  if (!t || isUnreachableTask(t)) return reconcile(ctx, f, [{ task_id: { value: taskId }, ...(agentId ? { agent_id: { value: agentId } } : {}) }]);
  if (agentId !== undefined && agentId !== t.agentId) return;
  const a = ctx.agents.get(t.agentId);
  if (!a) return;
  // Remembered whatever the link's state: the master may not know yet that the agent is cut off (Mesos does the same).
  a.killedTasks.add(taskKey(f.id, taskId));
  if (a.active) a.link.killTask(f.id, taskId, graceNanos === undefined ? undefined : graceNanos / 1e6);
}

function acknowledge(ctx: MasterContext, f: MFramework, agentId: string, taskId: string, uuid: string): void {
  const a = ctx.agents.get(agentId);
  // Unknown or disconnected agent: dropped, as Mesos drops it; the agent resends the update, and it is acknowledged then.
  if (!a || !a.active) return;
  a.link.acknowledge(f.id, taskId, uuid);
  const t = f.tasks.get(taskId);
  // The task as the named agent has it (Mesos looks it up there).
  if (t && t.agentId === agentId && t.terminalUuid === uuid) {
    completeTask(ctx, f, t);
  }
}

function reconcile(ctx: MasterContext, f: MFramework, tasks: { task_id: { value: string }; agent_id?: { value: string } }[]): void {
  const pa = hasCapability(f.info, 'PARTITION_AWARE');
  const answer = (t: MTask) => {
    const last = t.statuses[t.statuses.length - 1];
    const s: TaskStatus = {
      task_id: t.info.task_id,
      state: t.state,
      source: 'SOURCE_MASTER',
      reason: 'REASON_RECONCILIATION',
      message: 'Reconciliation: Latest task state',
      agent_id: { value: t.agentId },
      timestamp: now(),
    };
    // As Mesos: the executor only for a task that names one (not a command task's), the container's status from the
    // latest update that had one.
    const executor = executorIdOf(t);
    if (executor) s.executor_id = executor;
    const container = t.statuses.findLast((u) => u.container_status !== undefined)?.container_status;
    if (container) s.container_status = container;
    if (last?.healthy !== undefined) s.healthy = last.healthy;
    ctx.frameworks.send(f, updateEvent(s));
  };
  // As in Mesos, a task on an unreachable agent is not among the framework's active tasks: implicit reconciliation
  // leaves it out, and an explicit one answers it by its agent's state, below.
  if (tasks.length === 0) {
    for (const t of f.tasks.values()) if (!isUnreachableTask(t)) answer(t);
    return;
  }
  for (const req of tasks) {
    const t = f.tasks.get(req.task_id.value);
    if (t && !isUnreachableTask(t)) {
      answer(t);
      continue;
    }
    const agentId = req.agent_id?.value;
    // Its agent (or, without one named, any agent) may still bring it back after a failover: no answer yet.
    if (agentId !== undefined ? ctx.agents.isRecovered(agentId) : ctx.agents.anyRecovered) continue;
    const agentKnown = agentId !== undefined && ctx.agents.has(agentId);
    const unreachableSince = agentId !== undefined ? ctx.agents.unreachableAgents().get(agentId) : undefined;
    // Mesos' rules: registered agent -> GONE, unreachable -> UNREACHABLE, unknown (never known, removed, or forgotten by
    // the registry) -> UNKNOWN; frameworks that are not partition-aware get TASK_LOST for all of them. (Agents marked
    // gone by the operator, GONE_BY_OPERATOR in Mesos, do not exist here: there is no MARK_AGENT_GONE.)
    const paState: TaskState = agentKnown ? 'TASK_GONE' : unreachableSince ? 'TASK_UNREACHABLE' : 'TASK_UNKNOWN';
    const message = agentKnown ? 'Reconciliation: Task is unknown to the agent'
      : unreachableSince ? 'Reconciliation: Task is unreachable' : 'Reconciliation: Task is unknown';
    const status = masterStatus(req.task_id.value, pa ? paState : 'TASK_LOST', 'REASON_RECONCILIATION', message, agentId);
    // Set whether or not the framework is partition-aware, as Mesos does.
    if (unreachableSince && !agentKnown) status.unreachable_time = unreachableSince;
    ctx.frameworks.send(f, updateEvent(status));
  }
}
