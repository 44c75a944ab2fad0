/** Tasks, executors and their statuses (`mesos.proto` TaskInfo, ExecutorInfo, TaskStatus). */
import { z } from 'zod';
import { AgentID, Bytes, ContainerID, DurationInfo, ExecutorID, FrameworkID, Labels, TaskID, Opaque } from './common.js';
import { Resource } from './resources.js';
import { CommandInfo, ContainerInfo, NetworkInfo } from './container.js';

export const TaskState = z.enum([
  'TASK_STAGING',
  'TASK_STARTING',
  'TASK_RUNNING',
  'TASK_KILLING',
  'TASK_FINISHED',
  'TASK_FAILED',
  'TASK_KILLED',
  'TASK_ERROR',
  'TASK_LOST',
  'TASK_DROPPED',
  'TASK_UNREACHABLE',
  'TASK_GONE',
  'TASK_GONE_BY_OPERATOR',
  'TASK_UNKNOWN',
]);
export type TaskState = z.infer<typeof TaskState>;

/** Mesos' own `isTerminalState` (TASK_LOST counts; UNREACHABLE and UNKNOWN do not). */
export function isTerminalTaskState(s: TaskState): boolean {
  return (
    s === 'TASK_FINISHED' || s === 'TASK_FAILED' || s === 'TASK_KILLED' || s === 'TASK_ERROR' || s === 'TASK_LOST' ||
    s === 'TASK_DROPPED' || s === 'TASK_GONE' || s === 'TASK_GONE_BY_OPERATOR'
  );
}

export const KillPolicy = z.object({ grace_period: DurationInfo.optional() });
export type KillPolicy = z.infer<typeof KillPolicy>;

export const ExecutorInfo = z.object({
  type: z.enum(['UNKNOWN', 'DEFAULT', 'CUSTOM']).optional(),
  executor_id: ExecutorID,
  framework_id: FrameworkID.optional(),
  command: CommandInfo.optional(),
  container: ContainerInfo.optional(),
  resources: z.array(Resource).optional(),
  name: z.string().optional(),
  source: z.string().optional(),
  data: Bytes.optional(),
  labels: Labels.optional(),
  shutdown_grace_period: DurationInfo.optional(),
});
export type ExecutorInfo = z.infer<typeof ExecutorInfo>;

export const TaskInfo = z.object({
  name: z.string(),
  task_id: TaskID,
  agent_id: AgentID,
  resources: z.array(Resource).optional(),
  executor: ExecutorInfo.optional(),
  command: CommandInfo.optional(),
  container: ContainerInfo.optional(),
  health_check: Opaque.optional(),
  check: Opaque.optional(),
  kill_policy: KillPolicy.optional(),
  data: Bytes.optional(),
  labels: Labels.optional(),
  discovery: Opaque.optional(),
  max_completion_time: DurationInfo.optional(),
});
export type TaskInfo = z.infer<typeof TaskInfo>;

export const TaskGroupInfo = z.object({ tasks: z.array(TaskInfo).optional() });
export type TaskGroupInfo = z.infer<typeof TaskGroupInfo>;

export const TaskStatusSource = z.enum(['SOURCE_MASTER', 'SOURCE_AGENT', 'SOURCE_EXECUTOR']);

export const TaskStatus = z.object({
  task_id: TaskID,
  state: TaskState,
  message: z.string().optional(),
  source: TaskStatusSource.optional(),
  /** Kept as text: Mesos adds reasons between releases. */
  reason: z.string().optional(),
  data: Bytes.optional(),
  agent_id: AgentID.optional(),
  executor_id: ExecutorID.optional(),
  timestamp: z.number().optional(),
  /** base64 of 16 raw bytes; present means the update must be acknowledged. */
  uuid: Bytes.optional(),
  healthy: z.boolean().optional(),
  labels: Labels.optional(),
  container_status: z
    .looseObject({
      container_id: ContainerID.optional(),
      network_infos: z.array(NetworkInfo).optional(),
      executor_pid: z.number().optional(),
    })
    .optional(),
  unreachable_time: z.object({ nanoseconds: z.number() }).optional(),
  /** `TaskResourceLimitation` (1.5+): what a container exceeded, with the `REASON_CONTAINER_LIMITATION*` reasons. */
  limitation: z.object({ resources: z.array(Resource).optional() }).optional(),
});
export type TaskStatus = z.infer<typeof TaskStatus>;
