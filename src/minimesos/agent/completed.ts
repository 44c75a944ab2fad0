/**
 * What an agent keeps of what has ended, as Mesos' agent does (`Executor::completeTask`, `Slave::removeExecutor`,
 * `Slave::removeFramework` in `src/slave/slave.cpp`):
 * - a task is completed once it has ended and every update of it is acknowledged: it leaves its executor's tasks
 *   (a re-registration no longer reports it) for the executor's completed tasks, and its checkpoint goes;
 * - an executor is removed once it has terminated with no task left incomplete, or as soon as it terminates when
 *   its framework is being removed: it joins the framework's completed executors (its sandbox stays browsable), and
 *   its checkpoint goes;
 * - a framework is removed once it has no executor and no update left to deliver: it joins the agent's completed
 *   frameworks.
 * Each list keeps only the latest (200 tasks per executor, `--max_completed_executors_per_framework` executors, 50
 * frameworks), so a long-lived agent's memory and checkpoint do not grow with every task it ever ran. Mesos
 * garbage-collects those checkpoints after `--gc_delay`; here they go at once.
 */
import { isTerminalTaskState } from '../../mesos/wire/task.js';
import type { AgentContext, AgentFramework, Executor } from './model.js';

/** Mesos' `MAX_COMPLETED_TASKS_PER_EXECUTOR`. */
export const MAX_COMPLETED_TASKS_PER_EXECUTOR = 200;
/** Mesos' `MAX_COMPLETED_FRAMEWORKS`. */
export const MAX_COMPLETED_FRAMEWORKS = 50;

/** An update of a task was acknowledged: the task completes if it has ended and no update of it is left. */
export function updateAcknowledged(ctx: AgentContext, frameworkId: string, taskId: string): void {
  const f = ctx.frameworks.get(frameworkId);
  if (!f) return;
  if (ctx.updates.pending(frameworkId, taskId).length > 0) return;
  for (const e of f.executors.values()) {
    const t = e.tasks.get(taskId);
    if (!t) continue;
    if (!isTerminalTaskState(t.state)) return;
    e.tasks.delete(taskId);
    keepLatest(e.completedTasks, t, MAX_COMPLETED_TASKS_PER_EXECUTOR);
    ctx.checkpoint.removeTask(e, taskId);
    if (e.exited && e.tasks.size === 0) removeExecutor(ctx, f, e);
    return;
  }
  // An update of the agent's own about a task no executor has (a launch refused, a reconciliation).
  removeFrameworkIfIdle(ctx, f);
}

/** An executor has terminated (the updates for its tasks already taken): removed now if nothing of it is left to deliver. */
export function executorTerminated(ctx: AgentContext, e: Executor): void {
  const f = ctx.frameworks.get(e.frameworkId);
  if (!f || f.executors.get(e.info.executor_id.value) !== e) return;
  if (f.terminating || e.tasks.size === 0) removeExecutor(ctx, f, e);
}

/** The master removed the framework: it goes once its executors have (at once if it has none). */
export function frameworkTerminating(ctx: AgentContext, f: AgentFramework): void {
  f.terminating = true;
  removeFrameworkIfIdle(ctx, f);
}

function removeExecutor(ctx: AgentContext, f: AgentFramework, e: Executor): void {
  f.executors.delete(e.info.executor_id.value);
  // Only a terminating framework's executor leaves tasks behind: they end here, shown among the completed.
  for (const t of e.tasks.values()) keepLatest(e.completedTasks, t, MAX_COMPLETED_TASKS_PER_EXECUTOR);
  e.tasks.clear();
  keepLatest(f.completedExecutors, e, ctx.opts.maxCompletedExecutorsPerFramework);
  ctx.checkpoint.removeExecutor(e.frameworkId, e.info.executor_id.value, e.containerId);
  removeFrameworkIfIdle(ctx, f);
}

/** Removes the framework if it has no executor and no update left to deliver (or is being removed). */
export function removeFrameworkIfIdle(ctx: AgentContext, f: AgentFramework): void {
  const fid = f.info.id!.value;
  if (ctx.frameworks.get(fid) !== f || f.executors.size > 0) return;
  // Mesos' idle framework has no executor; an update no executor holds is not dropped with it here.
  if (!f.terminating && ctx.updates.hasStreams(fid)) return;
  ctx.frameworks.delete(fid);
  ctx.updates.dropFramework(fid);
  ctx.checkpoint.removeFramework(fid);
  ctx.completedFrameworks.delete(fid);
  ctx.completedFrameworks.set(fid, f);
  for (const old of ctx.completedFrameworks.keys()) {
    if (ctx.completedFrameworks.size <= MAX_COMPLETED_FRAMEWORKS) break;
    ctx.completedFrameworks.delete(old);
  }
}

function keepLatest<T>(xs: T[], x: T, max: number): void {
  xs.push(x);
  if (xs.length > max) xs.splice(0, xs.length - max);
}
