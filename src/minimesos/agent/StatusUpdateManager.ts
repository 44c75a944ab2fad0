/**
 * The agent's status update manager (Mesos' `TaskStatusUpdateManager`): one stream per task, whose head is sent
 * to the master and resent (10 s doubling to 10 min) until the scheduler acknowledges it; the next update goes
 * only then. Streams of checkpointing frameworks are checkpointed, so an agent restart loses none.
 */
import { newStatusUuid } from '../../mesos/client/ExecutorClient.js';
import type { TaskInfo, TaskState, TaskStatus } from '../../mesos/wire/task.js';
import { newTask, type AgentContext, type AgentTask, type Executor } from './model.js';

interface UpdateStream {
  frameworkId: string;
  taskId: string;
  queue: TaskStatus[];
  timer: NodeJS.Timeout | undefined;
  attempt: number;
}

export class StatusUpdateManager {
  private readonly streams = new Map<string, UpdateStream>();

  constructor(private readonly ctx: AgentContext) {}

  /** An update the (command) executor produces. */
  executorUpdate(e: Executor, t: AgentTask, state: TaskState, reason?: string, containerStatus?: TaskStatus['container_status'], message?: string): void {
    const s: TaskStatus = {
      task_id: t.info.task_id,
      state,
      source: 'SOURCE_EXECUTOR',
      executor_id: e.info.executor_id,
      uuid: newStatusUuid(),
      timestamp: Date.now() / 1000,
    };
    if (reason) s.reason = reason;
    if (message) s.message = message;
    if (containerStatus) s.container_status = containerStatus;
    this.record(e.frameworkId, t, s);
  }

  /** An update the agent itself produces (launch failures, executor exits). */
  agentUpdate(frameworkId: string, task: TaskInfo, state: TaskState, reason: string, message: string, e?: Executor, limitation?: TaskStatus['limitation']): void {
    const t = e?.tasks.get(task.task_id.value) ?? newTask(task);
    const s: TaskStatus = {
      task_id: task.task_id, state, source: 'SOURCE_AGENT', reason, message, uuid: newStatusUuid(), timestamp: Date.now() / 1000,
    };
    if (e) s.executor_id = e.info.executor_id;
    if (limitation) s.limitation = limitation;
    this.record(frameworkId, t, s);
  }

  /** Takes an update into the task's stream (and its state); sent now if the stream was empty. */
  record(frameworkId: string, t: AgentTask, s: TaskStatus): void {
    // Mesos' agent ignores updates of a framework being removed: no scheduler would acknowledge them.
    if (this.ctx.frameworks.get(frameworkId)?.terminating) return;
    if (this.ctx.id) s.agent_id = { value: this.ctx.id };
    t.state = s.state;
    t.statuses.push(s);
    const u = this.stream(frameworkId, t.info.task_id.value);
    u.queue.push(s);
    this.ctx.checkpoint.task(frameworkId, t.info.task_id.value);
    if (u.queue.length === 1) this.forward(u);
  }

  /** Updates recovered from a checkpoint, not yet acknowledged: queued again, sent once the agent registers. */
  restore(frameworkId: string, taskId: string, pending: TaskStatus[]): void {
    if (pending.length === 0) return;
    this.stream(frameworkId, taskId).queue.push(...pending);
  }

  /** Takes an acknowledgement of the update at the head of a task's stream; false when it is not that one (a duplicate). */
  acknowledge(frameworkId: string, taskId: string, uuid: string): boolean {
    const u = this.streams.get(`${frameworkId}/${taskId}`);
    if (!u || u.queue[0]?.uuid !== uuid) return false;
    u.queue.shift();
    clearTimeout(u.timer);
    u.attempt = 0;
    if (u.queue.length === 0) this.streams.delete(`${frameworkId}/${taskId}`);
    this.ctx.checkpoint.task(frameworkId, taskId);
    if (u.queue.length > 0) this.forward(u);
    return true;
  }

  /** The updates of a task not yet acknowledged (what the checkpoint keeps). */
  pending(frameworkId: string, taskId: string): TaskStatus[] {
    return [...(this.streams.get(`${frameworkId}/${taskId}`)?.queue ?? [])];
  }

  /** Whether any update of the framework awaits acknowledgement. */
  hasStreams(frameworkId: string): boolean {
    for (const u of this.streams.values()) if (u.frameworkId === frameworkId) return true;
    return false;
  }

  /** Sends every stream's head now (the agent has just (re)registered). */
  resendAll(): void {
    for (const u of this.streams.values()) this.forward(u);
  }

  /** Sends pending updates of a framework now (it has just re-subscribed). */
  resend(frameworkId: string): void {
    for (const u of this.streams.values()) if (u.frameworkId === frameworkId) this.forward(u);
  }

  /** The framework is gone: its streams are dropped. */
  dropFramework(frameworkId: string): void {
    for (const [key, u] of this.streams) {
      if (u.frameworkId === frameworkId) {
        clearTimeout(u.timer);
        this.streams.delete(key);
      }
    }
  }

  /** The agent stops: no more resends. */
  stop(): void {
    for (const u of this.streams.values()) clearTimeout(u.timer);
  }

  private stream(frameworkId: string, taskId: string): UpdateStream {
    const key = `${frameworkId}/${taskId}`;
    let u = this.streams.get(key);
    if (!u) {
      u = { frameworkId, taskId, queue: [], timer: undefined, attempt: 0 };
      this.streams.set(key, u);
    }
    return u;
  }

  /** Sends the head of a task's update stream to the master and schedules a resend until it is acknowledged. */
  private forward(u: UpdateStream): void {
    clearTimeout(u.timer);
    const head = u.queue[0];
    if (!head || this.ctx.stopped) return;
    // With the state of the latest update queued (Mesos' latest_state): the master's view of the task does not wait
    // for the framework's acknowledgements.
    if (this.ctx.master && this.ctx.id) this.ctx.master.statusUpdate(this.ctx.id, u.frameworkId, head, u.queue[u.queue.length - 1]!.state);
    const delay = Math.min(this.ctx.opts.statusUpdateRetryMs * 2 ** u.attempt, 10 * 60_000);
    u.attempt++;
    u.timer = setTimeout(() => this.forward(u), delay);
    u.timer.unref();
  }
}
