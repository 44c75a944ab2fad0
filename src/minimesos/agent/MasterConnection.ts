/**
 * An agent's connection to a master in another process (the agent half of `agentProtocol.ts`): finds the leader
 * (fixed address or ZooKeeper), registers (following 307s), reads the master's messages from the link stream,
 * answers pings, and sends its own messages one at a time, in order, as libprocess does over one socket.
 *
 * As a real agent, it registers again when the link ends, when the leader changes, and when no ping arrived
 * within the master's total ping timeout (a partition the socket does not notice).
 */
import http from 'node:http';
import { getLogger } from '../../util/logging.js';
import { createDetector, type MasterDetector } from '../../mesos/client/detector.js';
import { RecordIODecoder } from '../../mesos/recordio.js';
import type { TaskState, TaskStatus } from '../../mesos/wire/task.js';
import { AGENT_MESSAGE_PATH, AGENT_REGISTER_PATH, type AgentMessage, type MasterMessage, type Registration } from '../agentProtocol.js';
import type { AgentLink } from '../master/AgentLink.js';

const log = getLogger('minimesos.Agent');

/** What an agent tells its master (the in-process `Master` has the same methods). */
export interface MasterLink {
  /** `latestState`: the task's state on the agent now, ahead of the update's while earlier ones await acknowledgement. */
  statusUpdate(agentId: string, frameworkId: string, status: TaskStatus, latestState?: TaskState): void;
  executorExited(agentId: string, frameworkId: string, executorId: string, waitStatus: number): void;
  executorMessage(agentId: string, frameworkId: string, executorId: string, data: string): void;
}

/** The agent as its connection sees it: what the master may ask, its registration, and the registered callback. */
export interface LinkedAgent extends AgentLink {
  registration(): Registration;
  registered(id: string, link: MasterLink): void;
}

type Endpoint = { host: string; port: number };

export class RemoteMasterConnection implements MasterLink {
  private detector: MasterDetector | undefined;
  private offDetector: (() => void) | undefined;
  private req: http.ClientRequest | undefined;
  private target: Endpoint | undefined;
  private agentId: string | undefined;
  private linkId: string | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private totalPingTimeoutMs = 75_000;
  private stopped = false;
  private queue: AgentMessage[] = [];
  private sending = false;

  constructor(
    private readonly master: string,
    private readonly agent: LinkedAgent,
    private readonly opts: { connectTimeoutMs?: number; messageTimeoutMs?: number } = {},
  ) {}

  /** The master this agent registered with (undefined while it has none). */
  get leader(): Endpoint | undefined {
    return this.linkId ? this.target : undefined;
  }

  start(): void {
    this.detector = createDetector(this.master);
    this.offDetector = this.detector.onChange(() => this.connect());
    this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.pingTimer);
    clearTimeout(this.retryTimer);
    this.offDetector?.();
    this.req?.destroy();
    this.req = undefined;
    await this.detector?.close();
  }

  /** Drops the link now and registers again (the agent noticed the master went quiet). */
  reconnect(): void {
    this.connect();
  }

  statusUpdate(_agentId: string, frameworkId: string, status: TaskStatus, latestState?: TaskState): void {
    this.post({ type: 'STATUS_UPDATE', framework_id: frameworkId, status, ...(latestState ? { latest_state: latestState } : {}) });
  }

  executorExited(_agentId: string, frameworkId: string, executorId: string, waitStatus: number): void {
    this.post({ type: 'EXECUTOR_EXITED', framework_id: frameworkId, executor_id: executorId, status: waitStatus });
  }

  executorMessage(_agentId: string, frameworkId: string, executorId: string, data: string): void {
    this.post({ type: 'EXECUTOR_MESSAGE', framework_id: frameworkId, executor_id: executorId, data });
  }

  private connect(to?: Endpoint): void {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    clearTimeout(this.pingTimer);
    this.dropLink();
    const ep = to ?? this.detector?.leader;
    if (!ep) return this.retry('no leading master known');
    this.target = ep;
    const body = JSON.stringify(this.agent.registration());
    const req = http.request({ host: ep.host, port: ep.port, path: AGENT_REGISTER_PATH, method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } });
    this.req = req;
    // An unreachable master (a cut link drops packets) must not hold the attempt forever.
    const connectTimer = setTimeout(() => req.destroy(new Error(`no answer from ${ep.host}:${ep.port}`)), this.opts.connectTimeoutMs ?? 5000);
    connectTimer.unref();
    req.on('response', (res) => {
      clearTimeout(connectTimer);
      if (res.statusCode === 307) {
        res.resume();
        const m = /^(?:https?:)?\/\/([^/:]+):([0-9]+)/.exec(res.headers.location ?? '');
        return m ? this.connect({ host: m[1]!, port: Number(m[2]) }) : this.retry('redirect without a usable Location');
      }
      if (res.statusCode !== 200) {
        let msg = '';
        res.on('data', (c: Buffer) => (msg += c.toString()));
        res.on('end', () => this.retry(`registration refused (${res.statusCode}): ${msg}`));
        return;
      }
      const decoder = new RecordIODecoder();
      res.on('data', (chunk: Buffer) => {
        if (this.req !== req) return;
        try {
          for (const rec of decoder.push(chunk)) this.handle(JSON.parse(rec.toString('utf8')) as MasterMessage);
        } catch (err) {
          log.warn({ err }, 'bad record from the master; registering again');
          this.retry('bad record');
        }
      });
      res.on('close', () => {
        if (this.req === req) this.retry('link to the master closed');
      });
    });
    req.on('error', (err) => {
      clearTimeout(connectTimer);
      if (this.req === req) this.retry(err.message);
    });
    req.end(body);
  }

  private handle(m: MasterMessage): void {
    switch (m.type) {
      case 'REGISTERED':
        this.agentId = m.agent_id;
        this.linkId = m.link_id;
        this.attempt = 0;
        this.totalPingTimeoutMs = m.total_ping_timeout_ms;
        this.armPingTimer();
        log.info({ agent: m.agent_id, master: this.target }, 'registered with the master');
        this.agent.registered(m.agent_id, this);
        return;
      case 'PING':
        this.armPingTimer();
        this.post({ type: 'PONG' });
        return;
      case 'RUN_TASK':
        return this.agent.launchTask(m.framework_info, m.task);
      case 'KILL_TASK':
        return this.agent.killTask(m.framework_id, m.task_id, m.grace_ms);
      case 'SHUTDOWN_EXECUTOR':
        return this.agent.shutdownExecutor(m.framework_id, m.executor_id);
      case 'SHUTDOWN_FRAMEWORK':
        return this.agent.shutdownFramework(m.framework_id);
      case 'ACKNOWLEDGE':
        return this.agent.acknowledge(m.framework_id, m.task_id, m.uuid);
      case 'RESEND_UPDATES':
        return this.agent.resendUpdates(m.framework_id);
      case 'RECONCILE_TASKS':
        return this.agent.reconcileTasks(m.framework_info, m.task_ids);
      case 'FRAMEWORK_MESSAGE':
        return this.agent.frameworkMessage(m.framework_id, m.executor_id, m.data);
    }
  }

  /** Mesos' agent: no ping within the total ping timeout means the master lost us; register again. */
  private armPingTimer(): void {
    clearTimeout(this.pingTimer);
    this.pingTimer = setTimeout(() => {
      log.warn({ master: this.target, afterMs: this.totalPingTimeoutMs }, 'no ping from the master; registering again');
      this.connect();
    }, this.totalPingTimeoutMs);
    this.pingTimer.unref();
  }

  private dropLink(): void {
    const req = this.req;
    this.req = undefined;
    this.linkId = undefined;
    this.queue = [];
    req?.destroy();
  }

  private retry(why: string): void {
    if (this.stopped) return;
    this.dropLink();
    clearTimeout(this.retryTimer);
    // Mesos backs off registration attempts (1 s factor, doubling, capped at 1 min); tests need shorter.
    const delay = Math.min(250 * 2 ** this.attempt++, 2000);
    log.debug({ why, delayMs: delay }, 'registering with the master again');
    this.retryTimer = setTimeout(() => this.connect(), delay);
    this.retryTimer.unref();
  }

  private post(message: AgentMessage): void {
    if (!this.linkId || this.stopped) return;
    this.queue.push(message);
    if (!this.sending) void this.drain();
  }

  /** Sends queued messages one by one (order matters: an update before the executor's exit). */
  private async drain(): Promise<void> {
    this.sending = true;
    try {
      while (this.queue.length > 0 && this.linkId && this.target && this.agentId) {
        const message = this.queue.shift()!;
        const body = JSON.stringify({ agent_id: this.agentId, link_id: this.linkId, message });
        try {
          const res = await fetch(`http://${this.target.host}:${this.target.port}${AGENT_MESSAGE_PATH}`, {
            method: 'POST', headers: { 'Content-Type': 'application/json' }, body, signal: AbortSignal.timeout(this.opts.messageTimeoutMs ?? 5000),
          });
          await res.arrayBuffer();
          if (res.status >= 400) log.debug({ status: res.status, type: message.type }, 'the master refused a message');
        } catch (err) {
          // Lost like a message on a broken socket: status updates are retried by their own timers.
          log.debug({ err, type: message.type }, 'could not send a message to the master');
        }
      }
    } finally {
      this.sending = false;
    }
  }
}
