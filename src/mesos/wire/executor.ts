/**
 * The executor API (`executor/executor.proto`): calls an executor sends to the agent's `/api/v1/executor` and the
 * events it receives. Every call carries `framework_id` and `executor_id`.
 */
import { z } from 'zod';
import { Bytes, ContainerID, ExecutorID, FrameworkID, TaskID } from './common.js';
import { AgentInfo, FrameworkInfo } from './framework.js';
import { ExecutorInfo, KillPolicy, TaskGroupInfo, TaskInfo, TaskStatus } from './task.js';

/** The payload of each executor call type, under its lower-cased type name. */
export const ExecutorCallPayloads = {
  subscribe: z.looseObject({
    unacknowledged_tasks: z.array(TaskInfo).optional(),
    unacknowledged_updates: z.array(z.looseObject({ status: TaskStatus })).optional(),
  }),
  update: z.looseObject({ status: TaskStatus }),
  message: z.looseObject({ data: Bytes }),
};

const base = { framework_id: FrameworkID, executor_id: ExecutorID };

export const ExecutorCall = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('SUBSCRIBE'), ...base, subscribe: ExecutorCallPayloads.subscribe }),
  z.looseObject({ type: z.literal('UPDATE'), ...base, update: ExecutorCallPayloads.update }),
  z.looseObject({ type: z.literal('MESSAGE'), ...base, message: ExecutorCallPayloads.message }),
  z.looseObject({ type: z.literal('HEARTBEAT'), ...base }),
]);
export type ExecutorCall = z.infer<typeof ExecutorCall>;

export const ExecutorEvent = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('SUBSCRIBED'),
    subscribed: z.looseObject({
      executor_info: ExecutorInfo,
      framework_info: FrameworkInfo,
      agent_info: AgentInfo,
      container_id: ContainerID.optional(),
    }),
  }),
  z.looseObject({ type: z.literal('LAUNCH'), launch: z.looseObject({ task: TaskInfo }) }),
  z.looseObject({ type: z.literal('LAUNCH_GROUP'), launch_group: z.looseObject({ task_group: TaskGroupInfo }) }),
  z.looseObject({ type: z.literal('KILL'), kill: z.looseObject({ task_id: TaskID, kill_policy: KillPolicy.optional() }) }),
  z.looseObject({ type: z.literal('ACKNOWLEDGED'), acknowledged: z.looseObject({ task_id: TaskID, uuid: Bytes }) }),
  z.looseObject({ type: z.literal('MESSAGE'), message: z.looseObject({ data: Bytes }) }),
  z.looseObject({ type: z.literal('SHUTDOWN') }),
  z.looseObject({ type: z.literal('ERROR'), error: z.looseObject({ message: z.string() }) }),
  z.looseObject({ type: z.literal('HEARTBEAT') }),
]);
export type ExecutorEvent = z.infer<typeof ExecutorEvent>;
