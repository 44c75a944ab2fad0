/**
 * mini-Mesos' own agent ↔ master protocol over HTTP (real agents use libprocess messages; frameworks and executors
 * never see this, they keep the Mesos v1 API).
 *
 * - An agent registers with `POST /internal/agent/register` and a `Registration` body. The master answers 200 with
 *   a RecordIO stream (the "link", as a libprocess socket): first `REGISTERED`, then the master's messages
 *   (`RUN_TASK`, `KILL_TASK`, …, `PING`). The link closing is how the master learns the agent process is gone.
 * - The agent sends its messages with `POST /internal/agent/message` (`AgentEnvelope`), answered 202; 400 when
 *   the agent or link is not (or no longer) registered, 307/503 from a master that does not lead.
 */
import { z } from 'zod';
import { FrameworkInfo } from '../mesos/wire/framework.js';
import { Attribute, Resource } from '../mesos/wire/resources.js';
import { ExecutorInfo, TaskInfo, TaskState, TaskStatus } from '../mesos/wire/task.js';

export const AGENT_REGISTER_PATH = '/internal/agent/register';
export const AGENT_MESSAGE_PATH = '/internal/agent/message';

const TaskSnapshot = z.object({
  info: TaskInfo,
  frameworkId: z.string(),
  executorId: z.string().optional(),
  state: TaskState,
  statuses: z.array(TaskStatus),
});

/** RegisterSlaveMessage / ReregisterSlaveMessage: who the agent is and, when re-registering, what it runs. */
export const Registration = z.object({
  hostname: z.string().min(1),
  ip: z.string().optional(),
  port: z.number().int().positive(),
  resources: z.array(Resource),
  attributes: z.array(Attribute),
  id: z.string().optional(),
  tasks: z.array(TaskSnapshot).optional(),
  frameworks: z.array(FrameworkInfo).optional(),
  executors: z.array(z.object({ frameworkId: z.string(), info: ExecutorInfo })).optional(),
});
export type Registration = z.infer<typeof Registration>;

/** What an agent tells the master. */
export const AgentMessage = z.discriminatedUnion('type', [
  // `latest_state`: the task's state on the agent now (Mesos' StatusUpdate.latest_state), which may be ahead of the
  // update's own while earlier updates wait for their acknowledgement.
  z.object({ type: z.literal('STATUS_UPDATE'), framework_id: z.string(), status: TaskStatus, latest_state: TaskState.optional() }),
  z.object({ type: z.literal('EXECUTOR_EXITED'), framework_id: z.string(), executor_id: z.string(), status: z.number().int() }),
  z.object({ type: z.literal('EXECUTOR_MESSAGE'), framework_id: z.string(), executor_id: z.string(), data: z.string() }),
  z.object({ type: z.literal('PONG') }),
]);
export type AgentMessage = z.infer<typeof AgentMessage>;

export const AgentEnvelope = z.object({ agent_id: z.string(), link_id: z.string(), message: AgentMessage });
export type AgentEnvelope = z.infer<typeof AgentEnvelope>;

/** What the master tells an agent over its link. */
export type MasterMessage =
  | { type: 'REGISTERED'; agent_id: string; link_id: string; total_ping_timeout_ms: number }
  | { type: 'RUN_TASK'; framework_info: FrameworkInfo; task: TaskInfo }
  | { type: 'KILL_TASK'; framework_id: string; task_id: string; grace_ms?: number }
  | { type: 'SHUTDOWN_EXECUTOR'; framework_id: string; executor_id: string }
  | { type: 'SHUTDOWN_FRAMEWORK'; framework_id: string }
  | { type: 'ACKNOWLEDGE'; framework_id: string; task_id: string; uuid: string }
  | { type: 'RESEND_UPDATES'; framework_id: string }
  | { type: 'RECONCILE_TASKS'; framework_info: FrameworkInfo; task_ids: string[] }
  | { type: 'FRAMEWORK_MESSAGE'; framework_id: string; executor_id: string; data: string }
  | { type: 'PING'; connected: boolean };
