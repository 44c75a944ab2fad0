/**
 * The agent's executor HTTP API (`/api/v1/executor`, Mesos' `src/slave/http.cpp` `executor`): SUBSCRIBE opens the
 * executor's event stream (re-subscription after a disconnect or an agent restart brings back unacknowledged
 * tasks and updates), UPDATE and MESSAGE calls come in, LAUNCH/KILL/SHUTDOWN/ACKNOWLEDGED events go out.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isTerminalTaskState, type TaskInfo, type TaskStatus } from '../../mesos/wire/task.js';
import type { ExecutorCall } from '../../mesos/wire/executor.js';
import { checkMediaTypes, parseExecutorCall, readCall } from '../callParsing.js';
import { EventStream } from '../EventStream.js';
import { text } from '../http.js';
import type { AgentContext, AgentFramework, AgentTask, Executor } from './model.js';

export class ExecutorApi {
  constructor(private readonly ctx: AgentContext) {}

  /** Sends a task to its (subscribed) executor. */
  deliver(e: Executor, task: TaskInfo): void {
    const t = e.tasks.get(task.task_id.value);
    if (!t) return;
    t.delivered = true;
    e.stream!.send({ type: 'LAUNCH', launch: { task } });
    this.ctx.checkpoint.task(e.frameworkId, task.task_id.value);
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const call = await readCall(req, res, parseExecutorCall);
    if (!call) return;
    const f = this.ctx.frameworks.get(call.framework_id.value);
    if (!f) return text(res, 400, 'Framework cannot be found');
    const e = f.executors.get(call.executor_id.value);
    if (!e || e.exited) return text(res, 400, 'Executor cannot be found');
    if (call.type === 'SUBSCRIBE') return this.subscribe(f, e, call, res);
    if (!e.stream?.isOpen) return text(res, 403, 'Executor is not subscribed');
    text(res, 202);
    this.call(e, call);
  }

  private subscribe(f: AgentFramework, e: Executor, call: Extract<ExecutorCall, { type: 'SUBSCRIBE' }>, res: ServerResponse): void {
    const { ctx } = this;
    const accept = checkMediaTypes({ 'content-type': 'application/json', accept: res.req.headers.accept }, true);
    if (accept) return text(res, accept.status, accept.message);
    // Also ends the re-registration wait of an executor recovered after an agent restart.
    clearTimeout(e.registrationTimer);
    if (e.stream?.isOpen) e.stream.close();
    const stream = new EventStream(res);
    e.stream = stream;
    stream.onClose(() => {
      if (e.stream === stream) e.stream = undefined;
    });
    stream.send({
      type: 'SUBSCRIBED',
      subscribed: {
        executor_info: e.info,
        framework_info: f.info,
        agent_info: { hostname: ctx.hostname, port: ctx.port, id: { value: ctx.id ?? '' }, resources: ctx.opts.resources, attributes: ctx.opts.attributes ?? [] },
        container_id: { value: e.containerId },
      },
    });
    // Re-subscription: updates the executor still holds are taken as new; delivered tasks it does not report are dropped.
    const unackedTasks = new Set((call.subscribe.unacknowledged_tasks ?? []).map((t) => t.task_id.value));
    for (const u of call.subscribe.unacknowledged_updates ?? []) this.takeUpdate(e, u.status, false);
    const pa = (f.info.capabilities ?? []).some((c) => c.type === 'PARTITION_AWARE');
    for (const t of e.tasks.values()) {
      if (t.delivered && t.state === 'TASK_STAGING' && !unackedTasks.has(t.info.task_id.value) && (call.subscribe.unacknowledged_tasks !== undefined)) {
        ctx.updates.agentUpdate(e.frameworkId, t.info, pa ? 'TASK_DROPPED' : 'TASK_LOST', 'REASON_AGENT_RESTARTED', 'Task launched during agent restart', e);
      }
    }
    for (const t of e.tasks.values()) if (!t.delivered && !isTerminalTaskState(t.state)) this.deliver(e, t.info);
  }

  private call(e: Executor, call: ExecutorCall): void {
    switch (call.type) {
      case 'UPDATE':
        this.takeUpdate(e, call.update.status, true);
        return;
      case 'MESSAGE':
        this.ctx.master?.executorMessage(this.ctx.id!, e.frameworkId, e.info.executor_id.value, call.message.data);
        return;
      default:
    }
  }

  private takeUpdate(e: Executor, status: TaskStatus, ack: boolean): void {
    let t: AgentTask | undefined = e.tasks.get(status.task_id.value);
    if (!t) {
      // An update for a task we do not know (for instance after an agent restart): track it anyway.
      t = { info: { name: status.task_id.value, task_id: status.task_id, agent_id: { value: this.ctx.id ?? '' } }, state: 'TASK_STAGING', statuses: [], delivered: true, killRequested: false };
      e.tasks.set(status.task_id.value, t);
    }
    const dup = t.statuses.some((s) => s.uuid === status.uuid);
    if (!dup) this.ctx.updates.record(e.frameworkId, t, { ...status, executor_id: e.info.executor_id });
    if (ack || dup) e.stream?.send({ type: 'ACKNOWLEDGED', acknowledged: { task_id: status.task_id, uuid: status.uuid } });
  }
}
