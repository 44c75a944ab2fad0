/**
 * An agent in another process, reached over its link stream (see `agentProtocol.ts`), with the master's health
 * check of it (Mesos' `SlaveObserver`): a PING every `agent_ping_timeout`; a ping not answered by the next one is
 * a miss; `max_agent_ping_timeouts` consecutive misses call `onTimeout`. A PONG resets the count.
 */
import type { FrameworkInfo } from '../../mesos/wire/framework.js';
import type { TaskInfo } from '../../mesos/wire/task.js';
import type { MasterMessage } from '../agentProtocol.js';
import type { EventStream } from '../EventStream.js';
import type { AgentLink } from './AgentLink.js';

export class RemoteAgentLink implements AgentLink {
  private misses = 0;
  private answered = true;
  private pinger: NodeJS.Timeout | undefined;

  constructor(
    private readonly stream: EventStream,
    private readonly ping: { intervalMs: number; maxMisses: number; onTimeout: () => void },
  ) {}

  get id(): string {
    return this.stream.id;
  }

  get isOpen(): boolean {
    return this.stream.isOpen;
  }

  send(m: MasterMessage): void {
    this.stream.send(m);
  }

  /** Starts the health check (the first ping goes out at once). */
  startPings(): void {
    const tick = () => {
      if (!this.answered && ++this.misses >= this.ping.maxMisses) {
        this.stopPings();
        this.ping.onTimeout();
        return;
      }
      this.answered = false;
      this.send({ type: 'PING', connected: true });
    };
    tick();
    this.pinger = setInterval(tick, this.ping.intervalMs);
    this.pinger.unref();
  }

  pong(): void {
    this.answered = true;
    this.misses = 0;
  }

  stopPings(): void {
    clearInterval(this.pinger);
  }

  /** Stops pinging and closes the stream (the agent sees EOF and registers again). */
  close(): void {
    this.stopPings();
    this.stream.close();
  }

  launchTask(frameworkInfo: FrameworkInfo, task: TaskInfo): void {
    this.send({ type: 'RUN_TASK', framework_info: frameworkInfo, task });
  }

  killTask(frameworkId: string, taskId: string, graceMs: number | undefined): void {
    this.send({ type: 'KILL_TASK', framework_id: frameworkId, task_id: taskId, ...(graceMs !== undefined ? { grace_ms: graceMs } : {}) });
  }

  shutdownExecutor(frameworkId: string, executorId: string): void {
    this.send({ type: 'SHUTDOWN_EXECUTOR', framework_id: frameworkId, executor_id: executorId });
  }

  shutdownFramework(frameworkId: string): void {
    this.send({ type: 'SHUTDOWN_FRAMEWORK', framework_id: frameworkId });
  }

  acknowledge(frameworkId: string, taskId: string, uuid: string): void {
    this.send({ type: 'ACKNOWLEDGE', framework_id: frameworkId, task_id: taskId, uuid });
  }

  resendUpdates(frameworkId: string): void {
    this.send({ type: 'RESEND_UPDATES', framework_id: frameworkId });
  }

  reconcileTasks(frameworkInfo: FrameworkInfo, taskIds: string[]): void {
    this.send({ type: 'RECONCILE_TASKS', framework_info: frameworkInfo, task_ids: taskIds });
  }

  frameworkMessage(frameworkId: string, executorId: string, data: string): void {
    this.send({ type: 'FRAMEWORK_MESSAGE', framework_id: frameworkId, executor_id: executorId, data });
  }
}
