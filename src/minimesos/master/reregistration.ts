/**
 * What a master does with the tasks an agent reports when it (re)registers, as Mesos' master does: tasks it had lost
 * with the agent come back (`__reregisterSlave`), kills the agent missed are sent again, and tasks the master has that
 * a known agent no longer reports are reconciled with it (`reconcileKnownSlave`).
 */
import { isTerminalTaskState } from '../../mesos/wire/task.js';
import { getLogger } from '../../util/logging.js';
import { normalize } from '../resources.js';
import type { AgentLink } from './AgentLink.js';
import { executorIdOf, isUnreachableTask, masterStatus, roleOfTask, taskKey, updateEvent, type AgentRegistration, type MAgent, type MasterContext } from './model.js';

const log = getLogger('minimesos.Master');

type ReportedTasks = NonNullable<AgentRegistration['tasks']>;

/**
 * Takes in the tasks agent `id` reports. `returning` is the message for an agent this master does not have registered
 * (unreachable, forgotten, removed): what the master lost with it comes back, each task told with
 * `REASON_AGENT_REREGISTERED`. Undefined for an agent it has registered (`registered`: it takes in nothing, as Mesos'
 * `reconcileKnownSlave`, which assumes such an agent has no task the master does not know) or recovers after a
 * failover (its tasks come back silently).
 */
export function restoreReportedTasks(ctx: MasterContext, id: string, link: AgentLink, reported: ReportedTasks, returning: string | undefined, registered = false): void {
  for (const t of reported) {
    const f = ctx.frameworks.get(t.frameworkId);
    if (!f) {
      // A framework removed meanwhile: its executors on the agent go.
      if (ctx.frameworks.isRemoved(t.frameworkId)) link.shutdownFramework(t.frameworkId);
      continue;
    }
    const tid = t.info.task_id.value;
    const known = f.tasks.get(tid);
    const completed = f.completedTasks.find((c) => c.info.task_id.value === tid && c.agentId === id);
    // Only what the master lost with the agent comes back; tasks it knows, or saw finish, stay as they are.
    if (known) {
      if (!returning || (!isUnreachableTask(known) && known.state !== 'TASK_LOST')) continue;
    } else if (completed) {
      if (!returning || completed.state !== 'TASK_LOST') continue;
      f.completedTasks = f.completedTasks.filter((c) => c !== completed);
    } else if (registered) {
      // Completed here and since dropped from the completed tasks kept, or never launched by this master.
      log.warn({ agent: id, framework: t.frameworkId, task: tid, state: t.state }, 'the re-registered agent reports a task unknown to the master: ignored');
      continue;
    } else if (returning && isTerminalTaskState(t.state)) continue;
    // An ended task the framework has yet to acknowledge keeps the uuid its acknowledgement will carry.
    const terminalUuid = isTerminalTaskState(t.state) ? t.statuses.findLast((u) => u.state === t.state)?.uuid : undefined;
    f.tasks.set(tid, {
      info: t.info, frameworkId: t.frameworkId, agentId: id, executorId: t.executorId, role: roleOfTask(t.info, f),
      state: t.state, statuses: t.statuses, resources: normalize(t.info.resources ?? []), terminalUuid,
    });
    if (returning) {
      const s = masterStatus(tid, t.state, 'REASON_AGENT_REREGISTERED', returning, id);
      const executor = executorIdOf(t);
      if (executor) s.executor_id = executor;
      // As Mesos: health from the last status, the container status from the latest that has one.
      const healthy = t.statuses.at(-1)?.healthy;
      if (healthy !== undefined) s.healthy = healthy;
      const container = t.statuses.findLast((u) => u.container_status !== undefined)?.container_status;
      if (container) s.container_status = container;
      ctx.frameworks.send(f, updateEvent(s));
    }
  }
}

/**
 * Kills asked for while the agent could not hear them (Mesos' re-registration: "tasks in 'killedTasks' that are still
 * alive on the slave"): sent again for each such task it reports still running; the others are forgotten.
 */
export function killAgain(ctx: MasterContext, a: MAgent, reported: ReportedTasks): void {
  if (a.killedTasks.size === 0) return;
  const alive = new Set<string>();
  const link = a.link;
  for (const t of reported) {
    const key = taskKey(t.frameworkId, t.info.task_id.value);
    if (isTerminalTaskState(t.state) || !a.killedTasks.has(key)) continue;
    alive.add(key);
    log.warn({ agent: a.id, framework: t.frameworkId, task: t.info.task_id.value }, 'the agent runs a task that was to be killed: killing it now');
    // After the registration's answer, as Mesos sends them after SlaveReregisteredMessage.
    setImmediate(() => ctx.agents.get(a.id)?.link === link && link.killTask(t.frameworkId, t.info.task_id.value, undefined));
  }
  a.killedTasks = alive;
}

/**
 * A known agent re-registered without executors the master has there (Mesos' `reconcileKnownSlave`): they are gone,
 * and their resources with them. Their exit may not have reached the master while the agent was disconnected.
 */
export function forgetUnreportedExecutors(ctx: MasterContext, id: string, reported: NonNullable<AgentRegistration['executors']>): void {
  const there = new Set(reported.map((e) => taskKey(e.frameworkId, e.info.executor_id.value)));
  for (const f of ctx.frameworks.all()) {
    const executors = f.executors.get(id);
    for (const eid of [...(executors?.keys() ?? [])]) {
      if (there.has(taskKey(f.id, eid))) continue;
      log.warn({ agent: id, framework: f.id, executor: eid }, 'an executor possibly unknown to the re-registered agent: removed');
      executors!.delete(eid);
    }
  }
}

/**
 * A known agent re-registered (Mesos' `reconcileKnownSlave`): the tasks this master has on it and the agent did not
 * report are sent back for the agent to reconcile, which ends those it does not know. After the registration's
 * answer, so the agent hears that first.
 */
export function reconcileWithAgent(ctx: MasterContext, id: string, link: AgentLink, reported: ReportedTasks): void {
  const there = new Set(reported.map((t) => taskKey(t.frameworkId, t.info.task_id.value)));
  for (const f of ctx.frameworks.all()) {
    const missing = [...f.tasks.values()].filter((t) => t.agentId === id && !isUnreachableTask(t) && !there.has(taskKey(f.id, t.info.task_id.value)));
    if (missing.length === 0) continue;
    log.warn({ agent: id, framework: f.id, tasks: missing.length }, 'tasks unknown to the re-registered agent: reconciling them with it');
    const ids = missing.map((t) => t.info.task_id.value);
    setImmediate(() => ctx.agents.get(id)?.link === link && link.reconcileTasks(f.info, ids));
  }
}
