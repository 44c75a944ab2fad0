/**
 * What the master asks of an agent (Mesos' RunTaskMessage, KillTaskMessage, ShutdownExecutorMessage,
 * ShutdownFrameworkMessage, StatusUpdateAcknowledgementMessage, FrameworkToExecutorMessage, ReconcileTasksMessage). An agent in the
 * master's process is its own link; an agent in another process is reached over HTTP (`RemoteAgentLink`).
 */
import type { FrameworkInfo } from '../../mesos/wire/framework.js';
import type { TaskInfo } from '../../mesos/wire/task.js';

export interface AgentLink {
  launchTask(frameworkInfo: FrameworkInfo, task: TaskInfo): void;
  killTask(frameworkId: string, taskId: string, graceMs: number | undefined): void;
  shutdownExecutor(frameworkId: string, executorId: string): void;
  shutdownFramework(frameworkId: string): void;
  acknowledge(frameworkId: string, taskId: string, uuid: string): void;
  /** Sends pending updates of a framework now (it has just re-subscribed). */
  resendUpdates(frameworkId: string): void;
  frameworkMessage(frameworkId: string, executorId: string, data: string): void;
  /**
   * Mesos' ReconcileTasksMessage, sent with a re-registration: tasks the master has on the agent that the agent did
   * not report. The agent answers each it does not know with TASK_DROPPED (partition-aware frameworks) or TASK_LOST.
   */
  reconcileTasks(frameworkInfo: FrameworkInfo, taskIds: string[]): void;
  /** Ends the link (the master dropped the agent); in-process agents have none. */
  close?(): void;
  /**
   * Mesos' ShutdownMessage for an agent in the master's process (its machine went DOWN): it forgets its id and
   * registers again later, refused while the machine is down. Remote agents get the link closed instead.
   */
  shutdown?(): void;
}
