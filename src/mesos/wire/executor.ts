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
  subscribe: z.object({
    unacknowledged_tasks: z.array(TaskInfo).optional(),
    unacknowledged_updates: z.array(z.object({ status: TaskStatus })).optional(),
  }),
  update: z.object({ status: TaskStatus }),
  message: z.object({ data: Bytes }),
};

const base = { framework_id: FrameworkID, executor_id: ExecutorID };

export const ExecutorCall = z.discriminatedUnion('type', [
  z.object({ type: z.literal('SUBSCRIBE'), ...base, subscribe: ExecutorCallPayloads.subscribe }),
  z.object({ type: z.literal('UPDATE'), ...base, update: ExecutorCallPayloads.update }),
  z.object({ type: z.literal('MESSAGE'), ...base, message: ExecutorCallPayloads.message }),
  z.object({ type: z.literal('HEARTBEAT'), ...base }),
]);
export type ExecutorCall = z.infer<typeof ExecutorCall>;

export const ExecutorEvent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('SUBSCRIBED'),
    subscribed: z.object({
      executor_info: ExecutorInfo,
      framework_info: FrameworkInfo,
      agent_info: AgentInfo,
      container_id: ContainerID.optional(),
    }),
  }),
  z.object({ type: z.literal('LAUNCH'), launch: z.object({ task: TaskInfo }) }),
  z.object({ type: z.literal('LAUNCH_GROUP'), launch_group: z.object({ task_group: TaskGroupInfo }) }),
  z.object({ type: z.literal('KILL'), kill: z.object({ task_id: TaskID, kill_policy: KillPolicy.optional() }) }),
  z.object({ type: z.literal('ACKNOWLEDGED'), acknowledged: z.object({ task_id: TaskID, uuid: Bytes }) }),
  z.object({ type: z.literal('MESSAGE'), message: z.object({ data: Bytes }) }),
  z.object({ type: z.literal('SHUTDOWN') }),
  z.object({ type: z.literal('ERROR'), error: z.object({ message: z.string() }) }),
  z.object({ type: z.literal('HEARTBEAT') }),
]);
export type ExecutorEvent = z.infer<typeof ExecutorEvent>;
