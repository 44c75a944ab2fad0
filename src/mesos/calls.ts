/**
 * Builders for scheduler and executor calls (in the style of mesos-go's `calls` package). They build the wire
 * JSON; the clients add `framework_id` (and `executor_id`) and do the encoding and transport.
 */
import type { SchedulerCall } from './wire/scheduler.js';
import type { ExecutorCall } from './wire/executor.js';
import type { AgentID, ExecutorID, OfferID, TaskID } from './wire/common.js';
import type { FrameworkInfo, Filters, Operation } from './wire/framework.js';
import type { ExecutorInfo, KillPolicy, TaskInfo, TaskStatus } from './wire/task.js';
import type { Resource } from './wire/resources.js';

type Without<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;
/** A scheduler call before the client fills in `framework_id`. */
export type SchedulerCallBody = Without<SchedulerCall, 'framework_id'>;
/** An executor call before the client fills in `framework_id` and `executor_id`. */
export type ExecutorCallBody = Without<ExecutorCall, 'framework_id' | 'executor_id'>;

const id = (value: string) => ({ value });
const filtersOf = (refuseSeconds?: number): { filters?: Filters } =>
  refuseSeconds === undefined ? {} : { filters: { refuse_seconds: refuseSeconds } };

export const Calls = {
  subscribe(frameworkInfo: FrameworkInfo, suppressedRoles?: string[]): SchedulerCallBody {
    return { type: 'SUBSCRIBE', subscribe: { framework_info: frameworkInfo, ...(suppressedRoles ? { suppressed_roles: suppressedRoles } : {}) } };
  },
  teardown(): SchedulerCallBody {
    return { type: 'TEARDOWN' };
  },
  accept(offerIds: (string | OfferID)[], operations: Operation[], refuseSeconds?: number): SchedulerCallBody {
    return { type: 'ACCEPT', accept: { offer_ids: offerIds.map(toId), operations, ...filtersOf(refuseSeconds) } };
  },
  decline(offerIds: (string | OfferID)[], refuseSeconds?: number): SchedulerCallBody {
    return { type: 'DECLINE', decline: { offer_ids: offerIds.map(toId), ...filtersOf(refuseSeconds) } };
  },
  /** Maintenance: this framework can (accept) or cannot (decline) vacate the agents of these inverse offers in time. */
  acceptInverseOffers(ids: (string | OfferID)[], refuseSeconds?: number): SchedulerCallBody {
    return { type: 'ACCEPT_INVERSE_OFFERS', accept_inverse_offers: { inverse_offer_ids: ids.map(toId), ...filtersOf(refuseSeconds) } };
  },
  declineInverseOffers(ids: (string | OfferID)[], refuseSeconds?: number): SchedulerCallBody {
    return { type: 'DECLINE_INVERSE_OFFERS', decline_inverse_offers: { inverse_offer_ids: ids.map(toId), ...filtersOf(refuseSeconds) } };
  },
  revive(roles?: string[]): SchedulerCallBody {
    return roles && roles.length > 0 ? { type: 'REVIVE', revive: { roles } } : { type: 'REVIVE' };
  },
  suppress(roles?: string[]): SchedulerCallBody {
    return roles && roles.length > 0 ? { type: 'SUPPRESS', suppress: { roles } } : { type: 'SUPPRESS' };
  },
  kill(taskId: string | TaskID, agentId?: string | AgentID, killPolicy?: KillPolicy): SchedulerCallBody {
    return {
      type: 'KILL',
      kill: { task_id: toId(taskId), ...(agentId !== undefined ? { agent_id: toId(agentId) } : {}), ...(killPolicy ? { kill_policy: killPolicy } : {}) },
    };
  },
  shutdown(executorId: string | ExecutorID, agentId: string | AgentID): SchedulerCallBody {
    return { type: 'SHUTDOWN', shutdown: { executor_id: toId(executorId), agent_id: toId(agentId) } };
  },
  /** Acknowledges a status update: echoes its agent id, task id and uuid. */
  acknowledge(status: Pick<TaskStatus, 'agent_id' | 'task_id' | 'uuid'>): SchedulerCallBody {
    if (!status.uuid || !status.agent_id) throw new Error('only status updates with a uuid and an agent_id are acknowledged');
    return { type: 'ACKNOWLEDGE', acknowledge: { agent_id: status.agent_id, task_id: status.task_id, uuid: status.uuid } };
  },
  /** Explicit reconciliation of the given tasks, or implicit (all tasks) with an empty list. */
  reconcile(tasks: { task_id: TaskID; agent_id?: AgentID }[] = []): SchedulerCallBody {
    return { type: 'RECONCILE', reconcile: tasks.length > 0 ? { tasks } : {} };
  },
  message(agentId: string | AgentID, executorId: string | ExecutorID, data: Buffer | string): SchedulerCallBody {
    return { type: 'MESSAGE', message: { agent_id: toId(agentId), executor_id: toId(executorId), data: toBase64(data) } };
  },
  request(requests: { agent_id?: AgentID; resources?: Resource[] }[]): SchedulerCallBody {
    return { type: 'REQUEST', request: { requests } };
  },
  updateFramework(frameworkInfo: FrameworkInfo, suppressedRoles?: string[]): SchedulerCallBody {
    return { type: 'UPDATE_FRAMEWORK', update_framework: { framework_info: frameworkInfo, ...(suppressedRoles ? { suppressed_roles: suppressedRoles } : {}) } };
  },
};

export const Operations = {
  launch(taskInfos: TaskInfo[]): Operation {
    return { type: 'LAUNCH', launch: { task_infos: taskInfos } };
  },
  launchGroup(executor: ExecutorInfo, tasks: TaskInfo[]): Operation {
    return { type: 'LAUNCH_GROUP', launch_group: { executor, task_group: { tasks } } };
  },
};

export const ExecutorCalls = {
  subscribe(unacknowledgedTasks: TaskInfo[] = [], unacknowledgedUpdates: TaskStatus[] = []): ExecutorCallBody {
    return {
      type: 'SUBSCRIBE',
      subscribe: { unacknowledged_tasks: unacknowledgedTasks, unacknowledged_updates: unacknowledgedUpdates.map((status) => ({ status })) },
    };
  },
  update(status: TaskStatus): ExecutorCallBody {
    return { type: 'UPDATE', update: { status } };
  },
  message(data: Buffer | string): ExecutorCallBody {
    return { type: 'MESSAGE', message: { data: toBase64(data) } };
  },
  heartbeat(): ExecutorCallBody {
    return { type: 'HEARTBEAT' };
  },
};

function toId(v: string | { value: string }): { value: string } {
  return typeof v === 'string' ? id(v) : v;
}

function toBase64(data: Buffer | string): string {
  return (typeof data === 'string' ? Buffer.from(data, 'utf8') : data).toString('base64');
}
