/**
 * A simulated Mesos agent (Mesos' `Slave`): registers with a master, runs command tasks and custom executors as
 * real processes, keeps status updates until acknowledged, and recovers after a restart. Its parts follow Mesos'
 * `src/slave/` seams, under `agent/`:
 * - `Containerizer`: sandboxes, launching, isolation, executor termination (containerizer + launcher);
 * - `ExecutorApi`: the executor HTTP API; `StatusUpdateManager`: per-task update streams;
 * - `Checkpoint` and `Recovery`: `<work_dir>/meta` and agent restart; `httpEndpoints`: `/state`, `/flags`, `/files`;
 * - `MasterConnection`: the link to a master in another process; `Isolation`: cgroups.
 * This class holds the agent's state and answers the master (run, kill, shutdown, acknowledge, messages).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { getLogger } from '../util/logging.js';
import type { FrameworkInfo } from '../mesos/wire/framework.js';
import { isTerminalTaskState, type ExecutorInfo, type TaskInfo } from '../mesos/wire/task.js';
import { text } from './http.js';
import type { Master, TaskSnapshot } from './Master.js';
import type { Registration } from './agentProtocol.js';
import { RemoteMasterConnection, type LinkedAgent, type MasterLink } from './agent/MasterConnection.js';
import { Isolation } from './agent/Isolation.js';
import { StatusUpdateManager } from './agent/StatusUpdateManager.js';
import { Containerizer } from './agent/Containerizer.js';
import { ExecutorApi } from './agent/ExecutorApi.js';
import { Checkpoint } from './agent/Checkpoint.js';
import { Recovery } from './agent/Recovery.js';
import { agentFlags, agentState, serveAgentHttp } from './agent/httpEndpoints.js';
import { executorTerminated, frameworkTerminating, updateAcknowledged } from './agent/completed.js';
import {
  containerSize, executorPid, killGroup, nanosToMs, newFramework, newTask, resolveAgentOptions,
  type AgentContext, type AgentFramework, type AgentOptions, type AgentTask, type Executor, type ResolvedAgentOptions,
} from './agent/model.js';

export type { AgentOptions } from './agent/model.js';

const log = getLogger('minimesos.Agent');

export class Agent implements LinkedAgent {
  id: string | undefined;
  private readonly opts: ResolvedAgentOptions;
  private server: http.Server | undefined;
  private port = 0;
  private master: MasterLink | undefined;
  private connection: RemoteMasterConnection | undefined;
  private readonly frameworks = new Map<string, AgentFramework>();
  private readonly completedFrameworks = new Map<string, AgentFramework>();
  private stopped = false;
  private recovered = false;
  private cleanedUp = false;
  private registerTimer: NodeJS.Timeout | undefined;
  private readonly registeredListeners: ((id: string) => void)[] = [];
  private isolation: Isolation | undefined;
  private readonly ctx: AgentContext;
  private readonly updates: StatusUpdateManager;
  private readonly checkpoint: Checkpoint;
  private readonly containerizer: Containerizer;
  private readonly executorApi: ExecutorApi;
  private readonly recovery: Recovery;

  constructor(opts: AgentOptions) {
    this.opts = resolveAgentOptions(opts);
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    this.ctx = {
      opts: this.opts,
      frameworks: this.frameworks,
      completedFrameworks: this.completedFrameworks,
      get updates() { return self.updates; },
      get checkpoint() { return self.checkpoint; },
      get isolation() { return self.isolation; },
      get id() { return self.id; },
      get master() { return self.master; },
      get port() { return self.port; },
      get stopped() { return self.stopped; },
      get hostname() { return self.hostname; },
    };
    this.updates = new StatusUpdateManager(this.ctx);
    this.checkpoint = new Checkpoint(this.ctx);
    this.containerizer = new Containerizer(this.ctx);
    this.executorApi = new ExecutorApi(this.ctx);
    this.recovery = new Recovery(this.ctx, this.containerizer);
  }

  get endpoint(): { host: string; port: number } {
    return { host: this.opts.host, port: this.port };
  }

  get url(): string {
    return `http://${this.opts.host}:${this.port}`;
  }

  /** Started with `recover: 'cleanup'`: it killed what the last run left and stopped (Mesos' agent exits then). */
  get cleanupDone(): boolean {
    return this.cleanedUp;
  }

  get workDir(): string {
    return this.opts.workDir;
  }

  get hostname(): string {
    return this.opts.hostname ?? this.opts.host;
  }

  async start(): Promise<void> {
    mkdirSync(this.opts.workDir, { recursive: true });
    this.isolation = new Isolation(this.opts, `${process.pid}-${randomUUID().slice(0, 8)}`);
    this.server = http.createServer((req, res) => {
      serveAgentHttp(this.ctx, this.executorApi, this.recovered, req, res).catch((err) => {
        log.error({ err }, 'agent request failed');
        if (!res.headersSent) text(res, 500, String((err as Error).message));
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.opts.port ?? 0, this.opts.host, () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    this.id = this.recovery.run();
    await this.recovery.settled();
    this.recovered = true;
    if (this.opts.recover === 'cleanup') {
      // Mesos' `--recover=cleanup`: the old containers are killed and the agent exits rather than registering.
      log.info({ workDir: this.opts.workDir }, 'cleanup finished: every container of the previous run is gone; the agent stops');
      this.cleanedUp = true;
      await this.stop();
      return;
    }
    if (typeof this.opts.master === 'string') {
      this.connection = new RemoteMasterConnection(this.opts.master, this);
      this.connection.start();
    } else this.register(this.opts.master);
  }

  /**
   * Stops the agent and every process it started (a crash, SIGKILL of the agent's process, leaves them running,
   * as on a real host: a restarted agent then recovers or destroys them).
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.registerTimer);
    this.recovery.stop();
    await this.connection?.stop();
    this.updates.stop();
    const exits: Promise<void>[] = [];
    for (const f of this.frameworks.values()) {
      for (const e of f.executors.values()) {
        clearTimeout(e.registrationTimer);
        clearTimeout(e.killTimer);
        e.stream?.close();
        if (executorPid(e) !== undefined && !e.exited) {
          const p = e.process;
          if (p) exits.push(new Promise((r) => p.once('exit', () => r())));
          killGroup(e, 'SIGKILL');
        }
      }
    }
    await Promise.race([Promise.all(exits), new Promise((r) => setTimeout(r, 5000))]);
    await this.isolation?.destroyAll();
    await this.recovery.release();
    await new Promise<void>((resolve) => {
      this.server?.close(() => resolve());
      this.server?.closeAllConnections();
    });
  }

  /** The pids of the processes this agent started or recovered (for tests that kill them). */
  processes(): { frameworkId: string; executorId: string; pid: number }[] {
    const out: { frameworkId: string; executorId: string; pid: number }[] = [];
    for (const [fid, f] of this.frameworks) {
      for (const [eid, e] of f.executors) {
        const pid = executorPid(e);
        if (pid && !e.exited) out.push({ frameworkId: fid, executorId: eid, pid });
      }
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------ master link

  /** Registers with a master in this process (once it leads). */
  private register(m: Master): void {
    if (this.stopped) return;
    clearTimeout(this.registerTimer);
    if (!m.isLeader) {
      this.registerTimer = setTimeout(() => this.register(m), 250);
      this.registerTimer.unref();
      return;
    }
    let id: string;
    try {
      id = m.registerAgent(this, this.registration());
    } catch (err) {
      // Refused (its machine is DOWN for maintenance): tried again until let in.
      log.debug({ err: (err as Error).message }, 'registration refused');
      this.registerTimer = setTimeout(() => this.register(m), 250);
      this.registerTimer.unref();
      return;
    }
    this.registered(id, m);
  }

  /**
   * The master shut this agent down (its machine went DOWN): it has killed what runs here; the agent registers
   * again as a new agent (Mesos does not let a removed agent id back), refused until the machine is UP.
   */
  shutdown(): void {
    const m = this.opts.master;
    if (this.stopped || typeof m === 'string') return;
    this.id = undefined;
    clearTimeout(this.registerTimer);
    this.registerTimer = setTimeout(() => this.register(m), 250);
    this.registerTimer.unref();
  }

  /**
   * What the agent tells a master when it (re)registers: who it is and what it runs. Tasks not yet completed go,
   * those of terminated executors too (ended, their updates unacknowledged); executors only while they run, and
   * never the command executor, which the master does not keep (Mesos' `doReliableRegistration`).
   */
  registration(): Registration {
    const tasks: TaskSnapshot[] = [];
    const executors: { frameworkId: string; info: ExecutorInfo }[] = [];
    for (const [fid, f] of this.frameworks) {
      for (const e of f.executors.values()) {
        if (!e.command && !e.exited) executors.push({ frameworkId: fid, info: e.info });
        for (const t of e.tasks.values()) tasks.push({ info: t.info, frameworkId: fid, executorId: e.info.executor_id.value, state: t.state, statuses: t.statuses });
      }
    }
    return {
      ...(this.id ? { id: this.id } : {}),
      hostname: this.hostname,
      ip: this.opts.host,
      port: this.port,
      resources: this.opts.resources,
      attributes: this.opts.attributes ?? [],
      tasks,
      frameworks: [...this.frameworks.values()].map((f) => f.info),
      executors,
    };
  }

  /** The master accepted the (re)registration: pending status updates go to it now. */
  registered(id: string, link: MasterLink): void {
    this.id = id;
    this.master = link;
    this.checkpoint.saveAgentId(id);
    this.updates.resendAll();
    for (const l of this.registeredListeners) l(id);
  }

  /** Called with the agent id after each (re)registration. */
  onRegistered(listener: (id: string) => void): void {
    this.registeredListeners.push(listener);
  }

  // ------------------------------------------------------------------------------------------ calls from the master

  launchTask(frameworkInfo: FrameworkInfo, task: TaskInfo): void {
    const fid = frameworkInfo.id!.value;
    let f = this.frameworks.get(fid);
    if (!f) {
      f = newFramework(frameworkInfo);
      this.frameworks.set(fid, f);
      // Back after it was removed here: it takes its completed executors back (Mesos' `Slave::run`).
      const before = this.completedFrameworks.get(fid);
      this.completedFrameworks.delete(fid);
      if (before) f.completedExecutors = before.completedExecutors;
    }
    if (f.terminating) {
      log.warn({ framework: fid, task: task.task_id.value }, 'ignoring a task of a framework that is being removed');
      return;
    }
    f.info = frameworkInfo;
    this.checkpoint.framework(f);
    const isCommand = task.command !== undefined;
    const eid = isCommand ? task.task_id.value : task.executor!.executor_id.value;
    let e = f.executors.get(eid);
    if (isCommand && e && !e.exited) {
      this.updates.agentUpdate(fid, task, 'TASK_FAILED', 'REASON_COMMAND_EXECUTOR_FAILED', 'Attempted to run multiple tasks using a "command" executor');
      return;
    }
    if (e && (e.exited || e.shuttingDown)) {
      // Mesos' agent keeps a terminated executor until its tasks' updates are acknowledged, and runs nothing on it.
      const how = e.exited ? 'terminated' : 'terminating';
      const pa = (frameworkInfo.capabilities ?? []).some((c) => c.type === 'PARTITION_AWARE');
      log.warn({ framework: fid, task: task.task_id.value, executor: eid }, `asked to run a task with an executor that is ${how}`);
      this.updates.agentUpdate(fid, task, pa ? 'TASK_DROPPED' : 'TASK_LOST', 'REASON_EXECUTOR_TERMINATED', `Executor ${how}`);
      return;
    }
    if (!e) {
      e = this.containerizer.newExecutor(fid, task);
      f.executors.set(eid, e);
      e.tasks.set(task.task_id.value, newTask(task));
      this.checkpoint.executor(e);
      this.checkpoint.task(fid, task.task_id.value);
      void this.containerizer.launch(f, e, task);
      return;
    }
    e.tasks.set(task.task_id.value, newTask(task));
    this.checkpoint.task(fid, task.task_id.value);
    this.isolation?.update(e.containerId, containerSize(e));
    if (e.stream?.isOpen) this.executorApi.deliver(e, task);
  }

  killTask(frameworkId: string, taskId: string, graceMs: number | undefined): void {
    const found = this.findTask(frameworkId, taskId);
    if (!found) return;
    const [e, t] = found;
    if (isTerminalTaskState(t.state)) return;
    t.killRequested = true;
    if (!t.delivered) {
      // It stays among the executor's tasks, ended, until its TASK_KILLED is acknowledged.
      this.updates.agentUpdate(frameworkId, t.info, 'TASK_KILLED', 'REASON_TASK_KILLED_DURING_LAUNCH', 'Killed before delivery to the executor', e);
      if (executorPid(e) === undefined && [...e.tasks.values()].every((x) => isTerminalTaskState(x.state))) {
        e.exited = true;
        executorTerminated(this.ctx, e);
      }
      return;
    }
    if (e.command) {
      if (executorPid(e) !== undefined && !e.exited) {
        const grace = graceMs ?? nanosToMs(t.info.kill_policy?.grace_period?.nanoseconds) ?? 3000;
        killGroup(e, 'SIGTERM');
        e.killTimer = setTimeout(() => killGroup(e, 'SIGKILL'), grace);
        e.killTimer.unref();
      }
      return;
    }
    e.stream?.send({ type: 'KILL', kill: { task_id: { value: taskId } } });
  }

  shutdownExecutor(frameworkId: string, executorId: string): void {
    const e = this.frameworks.get(frameworkId)?.executors.get(executorId);
    if (!e || e.exited) return;
    e.shuttingDown = true;
    if (e.command) {
      for (const t of e.tasks.values()) t.killRequested = true;
      killGroup(e, 'SIGTERM');
    } else e.stream?.send({ type: 'SHUTDOWN' });
    const grace = nanosToMs(e.info.shutdown_grace_period?.nanoseconds) ?? this.opts.executorShutdownGraceMs;
    e.killTimer = setTimeout(() => !e.exited && killGroup(e, 'SIGKILL'), grace);
    e.killTimer.unref();
  }

  /** The framework was removed: every executor and task of it goes. */
  shutdownFramework(frameworkId: string): void {
    const f = this.frameworks.get(frameworkId);
    if (!f || f.terminating) return;
    this.updates.dropFramework(frameworkId);
    this.checkpoint.removeFramework(frameworkId);
    for (const e of [...f.executors.values()]) {
      for (const t of e.tasks.values()) if (!t.delivered && !isTerminalTaskState(t.state)) t.state = 'TASK_KILLED';
      this.shutdownExecutor(frameworkId, e.info.executor_id.value);
    }
    frameworkTerminating(this.ctx, f);
  }

  /**
   * The master has these tasks here and this agent did not report them (Mesos' agent, on re-registering): each it does
   * not know ends TASK_DROPPED (partition-aware frameworks) or TASK_LOST, as a reliable update of its own.
   */
  reconcileTasks(frameworkInfo: FrameworkInfo, taskIds: string[]): void {
    const fid = frameworkInfo.id!.value;
    const state = (frameworkInfo.capabilities ?? []).some((c) => c.type === 'PARTITION_AWARE') ? 'TASK_DROPPED' : 'TASK_LOST';
    for (const taskId of taskIds) {
      if (this.knowsTask(fid, taskId)) continue;
      log.warn({ framework: fid, task: taskId, state }, 'reconciling a task unknown to this agent');
      this.updates.agentUpdate(fid, { name: '', task_id: { value: taskId }, agent_id: { value: this.id ?? '' }, resources: [] }, state, 'REASON_RECONCILIATION', 'Reconciliation: task unknown to the agent');
    }
  }

  acknowledge(frameworkId: string, taskId: string, uuid: string): void {
    if (this.updates.acknowledge(frameworkId, taskId, uuid)) updateAcknowledged(this.ctx, frameworkId, taskId);
  }

  /** Sends pending updates of a framework now (it has just re-subscribed). */
  resendUpdates(frameworkId: string): void {
    this.updates.resend(frameworkId);
  }

  frameworkMessage(frameworkId: string, executorId: string, data: string): void {
    this.frameworks.get(frameworkId)?.executors.get(executorId)?.stream?.send({ type: 'MESSAGE', message: { data } });
  }

  /**
   * Whether the agent has the task at all: an ended one whose executor has exited counts while its updates await
   * acknowledgement (Mesos' agent keeps such terminated tasks, and they are no business for reconciliation).
   */
  private knowsTask(frameworkId: string, taskId: string): boolean {
    for (const e of this.frameworks.get(frameworkId)?.executors.values() ?? []) if (e.tasks.has(taskId)) return true;
    return this.updates.pending(frameworkId, taskId).length > 0;
  }

  private findTask(frameworkId: string, taskId: string): [Executor, AgentTask] | undefined {
    for (const e of this.frameworks.get(frameworkId)?.executors.values() ?? []) {
      const t = e.tasks.get(taskId);
      if (t && !e.exited) return [e, t];
    }
    return undefined;
  }

  // ------------------------------------------------------------------------------------------ introspection

  /** A container's cgroup control values (undefined when it is not isolated). */
  containerControls(containerId: string): Record<string, string> | undefined {
    return this.isolation?.controls(containerId);
  }

  /** The last measured disk usage of a container's sandbox, in bytes (with `disk/du`, enforced or not). */
  containerDiskUsage(containerId: string): number | undefined {
    return this.isolation?.diskUsage(containerId);
  }

  /** The agent's flags as `/flags` shows them (every value a string). */
  flags(): Record<string, string> {
    return agentFlags(this.ctx);
  }

  /** The agent's `/state` JSON (without secret values, as Mesos shows none). */
  state(): Record<string, unknown> {
    return agentState(this.ctx);
  }
}
