import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { AsyncQueue } from '../../util/AsyncQueue.js';
import { getLogger } from '../../util/logging.js';
import { backoffDelay, sleep } from '../backoff.js';
import { ExecutorCalls, type ExecutorCallBody } from '../calls.js';
import { ExecutorEvent } from '../wire/executor.js';
import type { TaskInfo, TaskState, TaskStatus } from '../wire/task.js';
import type { Labels } from '../wire/common.js';
import { consumeEvents } from './recordStream.js';
import { MesosHttpError, openStream, post, readAll, type Endpoint } from './http.js';

const log = getLogger('ExecutorClient');
const EXECUTOR_PATH = '/api/v1/executor';

/** A fresh status-update uuid: 16 random bytes with the RFC 4122 version-4 bits, base64 encoded. */
export function newStatusUuid(): string {
  const b = randomBytes(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  return b.toString('base64');
}

/** The `MESOS_*` environment an agent gives an executor. */
export interface ExecutorEnvironment {
  frameworkId: string;
  executorId: string;
  agent: Endpoint;
  directory: string | undefined;
  sandbox: string | undefined;
  checkpoint: boolean;
  recoveryTimeoutMs: number;
  subscriptionBackoffMaxMs: number;
  authToken: string | undefined;
}

/** Parses a Mesos duration (`15mins`, `2secs`, `250ms`, `1.5secs`) into milliseconds. */
export function parseMesosDuration(s: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)(ns|us|ms|secs|mins|hrs|days|weeks)$/.exec(s.trim());
  if (!m) throw new Error(`bad Mesos duration '${s}'`);
  const f: Record<string, number> = { ns: 1e-6, us: 1e-3, ms: 1, secs: 1e3, mins: 6e4, hrs: 3.6e6, days: 8.64e7, weeks: 6.048e8 };
  return Number(m[1]) * f[m[2]!]!;
}

export function readExecutorEnvironment(env: NodeJS.ProcessEnv = process.env): ExecutorEnvironment {
  const need = (k: string) => {
    const v = env[k];
    if (v === undefined || v === '') throw new Error(`${k} is not set: this process must be started by a Mesos agent as an executor`);
    return v;
  };
  const endpoint = need('MESOS_AGENT_ENDPOINT');
  const m = /^(.*):([0-9]+)$/.exec(endpoint);
  if (!m) throw new Error(`MESOS_AGENT_ENDPOINT should be ip:port, but was '${endpoint}'`);
  return {
    frameworkId: need('MESOS_FRAMEWORK_ID'),
    executorId: need('MESOS_EXECUTOR_ID'),
    agent: { host: m[1]!, port: Number(m[2]) },
    directory: env.MESOS_DIRECTORY,
    sandbox: env.MESOS_SANDBOX ?? env.MESOS_DIRECTORY,
    checkpoint: env.MESOS_CHECKPOINT === '1',
    recoveryTimeoutMs: env.MESOS_RECOVERY_TIMEOUT ? parseMesosDuration(env.MESOS_RECOVERY_TIMEOUT) : 15 * 60_000,
    subscriptionBackoffMaxMs: env.MESOS_SUBSCRIPTION_BACKOFF_MAX ? parseMesosDuration(env.MESOS_SUBSCRIPTION_BACKOFF_MAX) : 2_000,
    authToken: env.MESOS_EXECUTOR_AUTHENTICATION_TOKEN,
  };
}

/** What an executor says in an update; the client adds source, executor id, uuid and timestamp. */
export interface ExecutorStatusUpdate {
  task_id: { value: string };
  state: TaskState;
  message?: string;
  reason?: string;
  data?: string;
  healthy?: boolean;
  labels?: Labels;
}

export type ExecutorClientEvent = ExecutorEvent | { type: 'DISCONNECTED'; reason: string };

/**
 * The agent's executor API: subscribes (re-sending unacknowledged tasks and updates after a reconnect), yields
 * events, and sends status updates with a fresh uuid each, kept until the agent acknowledges them.
 */
export class ExecutorClient {
  readonly env: ExecutorEnvironment;
  private readonly queue = new AsyncQueue<ExecutorClientEvent>();
  private readonly stopping = new AbortController();
  private readonly unackedTasks = new Map<string, TaskInfo>();
  /** Unacknowledged updates by uuid, in the order they were sent. */
  private readonly unackedUpdates = new Map<string, TaskStatus>();
  private running: Promise<void> | undefined;
  private subscribed = false;
  private ackWaiters: (() => void)[] = [];

  constructor(env: ExecutorEnvironment = readExecutorEnvironment()) {
    this.env = env;
  }

  start(): this {
    this.running ??= this.run().then(() => this.queue.end(), (err) => this.queue.fail(err));
    return this;
  }

  events(): AsyncIterableIterator<ExecutorClientEvent> {
    return this.queue;
  }

  get pendingUpdates(): number {
    return this.unackedUpdates.size;
  }

  /**
   * Sends a status update for a task (source, executor id, uuid and timestamp are filled in) and keeps it until
   * the agent acknowledges it. Resolves when the agent accepted the call (202).
   */
  async update(status: ExecutorStatusUpdate): Promise<string> {
    const full: TaskStatus = {
      ...status,
      source: 'SOURCE_EXECUTOR',
      executor_id: { value: this.env.executorId },
      uuid: newStatusUuid(),
      timestamp: Date.now() / 1000,
    };
    this.unackedUpdates.set(full.uuid!, full);
    await this.send(ExecutorCalls.update(full));
    return full.uuid!;
  }

  message(data: Buffer | string): Promise<void> {
    return this.send(ExecutorCalls.message(data));
  }

  /** Resolves once every update sent so far is acknowledged (or after `timeoutMs`). */
  async flush(timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.unackedUpdates.size > 0 && Date.now() < deadline) {
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.max(0, deadline - Date.now()));
        this.ackWaiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
    return this.unackedUpdates.size === 0;
  }

  async close(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }

  private headers(): Record<string, string> {
    return this.env.authToken ? { Authorization: `Bearer ${this.env.authToken}` } : {};
  }

  private body(call: ExecutorCallBody): string {
    return JSON.stringify({ ...call, framework_id: { value: this.env.frameworkId }, executor_id: { value: this.env.executorId } });
  }

  /** Posts a call, retrying network failures and 503 until the agent takes it or we stop. */
  private async send(call: ExecutorCallBody): Promise<void> {
    for (let attempt = 0; !this.stopping.signal.aborted; attempt++) {
      try {
        const res = await post(this.env.agent, EXECUTOR_PATH, this.body(call), this.headers(), 30_000);
        if (res.status === 202 || res.status === 200) return;
        if (res.status !== 503 && res.status !== 403) throw new MesosHttpError(res.status, res.body, `executor ${call.type} call`);
        // 403 "Executor is not subscribed": the subscription is being re-established; the update is resent then.
        if (res.status === 403 && call.type === 'UPDATE') return;
      } catch (err) {
        if (err instanceof MesosHttpError) throw err;
      }
      await sleep(backoffDelay(attempt, { initialMs: 200, maxMs: this.env.subscriptionBackoffMaxMs }), this.stopping.signal);
    }
  }

  private async run(): Promise<void> {
    const started = Date.now();
    let lostAt: number | undefined;
    for (let attempt = 0; !this.stopping.signal.aborted; attempt++) {
      const ac = new AbortController();
      const onStop = () => ac.abort();
      this.stopping.signal.addEventListener('abort', onStop, { once: true });
      let reason: string;
      try {
        const body = this.body(ExecutorCalls.subscribe([...this.unackedTasks.values()], [...this.unackedUpdates.values()]));
        const res = await openStream(this.env.agent, EXECUTOR_PATH, body, this.headers(), ac.signal);
        if (res.statusCode !== 200) {
          const text = await readAll(res);
          if (res.statusCode !== 503) throw new MesosHttpError(res.statusCode ?? 0, text, 'executor SUBSCRIBE');
          reason = text;
        } else {
          lostAt = undefined;
          reason = await this.consume(res, ac);
        }
      } catch (err) {
        if (err instanceof MesosHttpError) throw err;
        reason = `connection failed: ${(err as Error).message}`;
      } finally {
        this.stopping.signal.removeEventListener('abort', onStop);
      }
      const was = this.subscribed;
      this.subscribed = false;
      if (this.stopping.signal.aborted) return;
      if (was) this.queue.push({ type: 'DISCONNECTED', reason });
      // Without checkpointing the agent will not take us back: exit, as Mesos executors do.
      if (!this.env.checkpoint && was) return;
      lostAt ??= Date.now();
      if (Date.now() - lostAt > this.env.recoveryTimeoutMs || (!was && Date.now() - started > this.env.recoveryTimeoutMs)) {
        throw new Error(`could not reach the agent within MESOS_RECOVERY_TIMEOUT: ${reason}`);
      }
      log.warn({ reason }, 'executor subscription lost; re-subscribing');
      await sleep(backoffDelay(attempt, { initialMs: 100, maxMs: this.env.subscriptionBackoffMaxMs }), this.stopping.signal);
    }
  }

  private consume(res: IncomingMessage, ac: AbortController): Promise<string> {
    return consumeEvents(res, ExecutorEvent, 'executor event', ac.signal, (ev) => {
      this.track(ev);
      this.queue.push(ev);
    }).ended;
  }

  private track(ev: ExecutorEvent): void {
    switch (ev.type) {
      case 'SUBSCRIBED':
        this.subscribed = true;
        // Updates sent before a reconnect went out again in SUBSCRIBE; the agent acknowledges them from there.
        break;
      case 'LAUNCH':
        this.unackedTasks.set(ev.launch.task.task_id.value, ev.launch.task);
        break;
      case 'LAUNCH_GROUP':
        for (const t of ev.launch_group.task_group.tasks ?? []) this.unackedTasks.set(t.task_id.value, t);
        break;
      case 'ACKNOWLEDGED': {
        this.unackedUpdates.delete(ev.acknowledged.uuid);
        this.unackedTasks.delete(ev.acknowledged.task_id.value);
        for (const w of this.ackWaiters.splice(0)) w();
        break;
      }
      default:
    }
  }
}
