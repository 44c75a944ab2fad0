import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, openSync, closeSync, symlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants as osConstants } from 'node:os';
import { getLogger } from '../util/logging.js';
import { newStatusUuid } from '../mesos/client/ExecutorClient.js';
import type { FrameworkInfo } from '../mesos/wire/framework.js';
import type { Attribute, Resource } from '../mesos/wire/resources.js';
import type { CommandInfo, Secret } from '../mesos/wire/container.js';
import { isTerminalTaskState, type ExecutorInfo, type TaskInfo, type TaskState, type TaskStatus } from '../mesos/wire/task.js';
import type { ExecutorCall } from '../mesos/wire/executor.js';
import { checkMediaTypes, parseExecutorCall, readCall } from './callParsing.js';
import { EventStream } from './EventStream.js';
import { json, text } from './http.js';
import type { Master, TaskSnapshot } from './Master.js';
import type { Registration } from './agentProtocol.js';
import { RemoteMasterConnection, type LinkedAgent, type MasterLink } from './agent/MasterConnection.js';
import { Isolation, type IsolationOptions } from './agent/Isolation.js';
import type { MemoryLimitation } from './agent/CgroupsIsolator.js';
import { containerResources } from './agent/containerLimits.js';
import { fetchUris } from './fetcher.js';
import { browse, readFileChunk } from './files.js';
import { scrubSecrets } from './scrubSecrets.js';

const log = getLogger('minimesos.Agent');

export interface AgentOptions extends IsolationOptions {
  /** The master: a Master object (in this process), or `host:port` / `zk://host:port/path` (over HTTP). */
  master: Master | string;
  resources: Resource[];
  attributes?: Attribute[];
  workDir: string;
  /** The address the agent listens on and advertises (Mesos `--ip`). */
  host?: string;
  /** The agent's host name in offers and `/state` (Mesos `--hostname`); defaults to `host`. */
  hostname?: string;
  /** The port it listens on (Mesos `--port`); 0 picks a free one. */
  port?: number;
  /** First resend delay of an unacknowledged status update (Mesos: 10 s, doubling to 10 min). */
  statusUpdateRetryMs?: number;
  /** How long an executor has to subscribe (Mesos `--executor_registration_timeout`, 1 min). */
  executorRegistrationTimeoutMs?: number;
  /** Grace between SHUTDOWN and a forced kill (Mesos `--executor_shutdown_grace_period`, 5 s). */
  executorShutdownGraceMs?: number;
  /** Containerizers this agent runs (Mesos `--containerizers`); `docker` is not available here. */
  containerizers?: ('mesos' | 'docker')[];
  /** Values for REFERENCE secrets, by name (a stand-in for a secret store module). */
  secrets?: Record<string, string>;
}

interface UpdateStream {
  frameworkId: string;
  taskId: string;
  queue: TaskStatus[];
  timer: NodeJS.Timeout | undefined;
  attempt: number;
}

interface AgentTask {
  info: TaskInfo;
  state: TaskState;
  statuses: TaskStatus[];
  /** Delivered to the executor (LAUNCH sent / process started). */
  delivered: boolean;
  killRequested: boolean;
}

interface Executor {
  frameworkId: string;
  info: ExecutorInfo;
  command: boolean;
  containerId: string;
  directory: string;
  process: ChildProcess | undefined;
  stream: EventStream | undefined;
  tasks: Map<string, AgentTask>;
  registrationTimer: NodeJS.Timeout | undefined;
  killTimer: NodeJS.Timeout | undefined;
  exited: boolean;
  shuttingDown: boolean;
  /** Set when the isolator killed the container for exceeding its memory. */
  limitation: MemoryLimitation | undefined;
}

interface AgentFramework {
  info: FrameworkInfo;
  executors: Map<string, Executor>;
}

/**
 * A simulated Mesos agent: runs command tasks and custom executors as real child processes in per-task sandboxes
 * (with the `MESOS_*` environment and fetched URIs), serves the executor HTTP API, keeps status updates until the
 * scheduler acknowledges them, and serves `/files/browse` and `/files/read`.
 */
export class Agent implements LinkedAgent {
  id: string | undefined;
  private readonly opts: Required<Pick<AgentOptions, 'host' | 'statusUpdateRetryMs' | 'executorRegistrationTimeoutMs' | 'executorShutdownGraceMs'>> & AgentOptions;
  private server: http.Server | undefined;
  private port = 0;
  private master: MasterLink | undefined;
  private connection: RemoteMasterConnection | undefined;
  private readonly frameworks = new Map<string, AgentFramework>();
  private readonly updates = new Map<string, UpdateStream>();
  private stopped = false;
  private registerTimer: NodeJS.Timeout | undefined;
  private readonly registeredListeners: ((id: string) => void)[] = [];
  private isolation: Isolation | undefined;

  constructor(opts: AgentOptions) {
    this.opts = {
      host: '127.0.0.1', statusUpdateRetryMs: 10_000, executorRegistrationTimeoutMs: 60_000, executorShutdownGraceMs: 5_000,
      ...opts,
    };
  }

  get endpoint(): { host: string; port: number } {
    return { host: this.opts.host, port: this.port };
  }

  get url(): string {
    return `http://${this.opts.host}:${this.port}`;
  }

  get workDir(): string {
    return this.opts.workDir;
  }

  async start(): Promise<void> {
    mkdirSync(this.opts.workDir, { recursive: true });
    this.isolation = new Isolation(this.opts, `${process.pid}-${randomUUID().slice(0, 8)}`);
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        log.error({ err }, 'agent request failed');
        if (!res.headersSent) text(res, 500, String((err as Error).message));
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.opts.port ?? 0, this.opts.host, () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    if (typeof this.opts.master === 'string') {
      this.connection = new RemoteMasterConnection(this.opts.master, this);
      this.connection.start();
    } else this.register(this.opts.master);
  }

  get hostname(): string {
    return this.opts.hostname ?? this.opts.host;
  }

  /** Stops the agent as a crash would: every process it started is killed. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.registerTimer);
    await this.connection?.stop();
    for (const u of this.updates.values()) clearTimeout(u.timer);
    const exits: Promise<void>[] = [];
    for (const f of this.frameworks.values()) {
      for (const e of f.executors.values()) {
        clearTimeout(e.registrationTimer);
        clearTimeout(e.killTimer);
        e.stream?.close();
        if (e.process && !e.exited) {
          const p = e.process;
          exits.push(new Promise((r) => p.once('exit', () => r())));
          killGroup(p, 'SIGKILL');
        }
      }
    }
    await Promise.race([Promise.all(exits), new Promise((r) => setTimeout(r, 5000))]);
    await this.isolation?.destroyAll();
    await new Promise<void>((resolve) => {
      this.server?.close(() => resolve());
      this.server?.closeAllConnections();
    });
  }

  /** The pids of the processes this agent started (for tests that kill them). */
  processes(): { frameworkId: string; executorId: string; pid: number }[] {
    const out: { frameworkId: string; executorId: string; pid: number }[] = [];
    for (const [fid, f] of this.frameworks) for (const [eid, e] of f.executors) if (e.process?.pid && !e.exited) out.push({ frameworkId: fid, executorId: eid, pid: e.process.pid });
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
    this.registered(m.registerAgent(this, this.registration()), m);
  }

  /** What the agent tells a master when it (re)registers: who it is and what it runs. */
  registration(): Registration {
    const tasks: TaskSnapshot[] = [];
    const executors: { frameworkId: string; info: ExecutorInfo }[] = [];
    for (const [fid, f] of this.frameworks) {
      for (const e of f.executors.values()) {
        if (e.exited) continue;
        if (!e.command) executors.push({ frameworkId: fid, info: e.info });
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
    for (const u of this.updates.values()) this.forward(u);
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
      f = { info: frameworkInfo, executors: new Map() };
      this.frameworks.set(fid, f);
    }
    f.info = frameworkInfo;
    const isCommand = task.command !== undefined;
    const eid = isCommand ? task.task_id.value : task.executor!.executor_id.value;
    let e = f.executors.get(eid);
    if (isCommand && e && !e.exited) {
      this.agentUpdate(fid, task, 'TASK_FAILED', 'REASON_COMMAND_EXECUTOR_FAILED', 'Attempted to run multiple tasks using a "command" executor');
      return;
    }
    if (!e || e.exited) {
      const info: ExecutorInfo = isCommand
        ? {
            executor_id: { value: eid },
            framework_id: { value: fid },
            name: `Command Executor (Task: ${eid}) (Command: sh -c '${(task.command?.value ?? '').slice(0, 12)}...')`,
            source: eid,
            command: task.command!,
          }
        : { ...task.executor!, framework_id: { value: fid } };
      const containerId = randomUUID();
      const dir = join(this.opts.workDir, 'slaves', this.id ?? 'unregistered', 'frameworks', fid, 'executors', eid, 'runs', containerId);
      mkdirSync(dir, { recursive: true });
      const latest = join(dir, '..', 'latest');
      rmSync(latest, { force: true });
      try {
        symlinkSync(containerId, latest);
      } catch {
        /* best effort */
      }
      e = {
        frameworkId: fid, info, command: isCommand, containerId, directory: dir, process: undefined, stream: undefined,
        tasks: new Map(), registrationTimer: undefined, killTimer: undefined, exited: false, shuttingDown: false, limitation: undefined,
      };
      f.executors.set(eid, e);
      e.tasks.set(task.task_id.value, { info: task, state: 'TASK_STAGING', statuses: [], delivered: false, killRequested: false });
      void this.startContainer(f, e, task);
      return;
    }
    e.tasks.set(task.task_id.value, { info: task, state: 'TASK_STAGING', statuses: [], delivered: false, killRequested: false });
    this.isolation?.update(e.containerId, this.containerSize(e));
    if (e.stream?.isOpen) this.deliver(e, task);
  }

  /** The container's resources: executor + tasks (+ the command executor's share), as Mesos sizes it. */
  private containerSize(e: Executor): { cpus: number; memMb: number } {
    const tasks = [...e.tasks.values()].filter((t) => !isTerminalTaskState(t.state)).map((t) => t.info.resources ?? []);
    return containerResources([e.command ? [] : (e.info.resources ?? []), ...tasks], e.command);
  }

  killTask(frameworkId: string, taskId: string, graceMs: number | undefined): void {
    const found = this.findTask(frameworkId, taskId);
    if (!found) return;
    const [e, t] = found;
    if (isTerminalTaskState(t.state)) return;
    t.killRequested = true;
    if (!t.delivered) {
      e.tasks.delete(taskId);
      this.agentUpdate(frameworkId, t.info, 'TASK_KILLED', 'REASON_TASK_KILLED_DURING_LAUNCH', 'Killed before delivery to the executor', e);
      if (e.tasks.size === 0 && !e.process) e.exited = true;
      return;
    }
    if (e.command) {
      if (e.process && !e.exited) {
        const grace = graceMs ?? nanosToMs(t.info.kill_policy?.grace_period?.nanoseconds) ?? 3000;
        killGroup(e.process, 'SIGTERM');
        e.killTimer = setTimeout(() => e.process && killGroup(e.process, 'SIGKILL'), grace);
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
      if (e.process) killGroup(e.process, 'SIGTERM');
    } else e.stream?.send({ type: 'SHUTDOWN' });
    const grace = nanosToMs(e.info.shutdown_grace_period?.nanoseconds) ?? this.opts.executorShutdownGraceMs;
    e.killTimer = setTimeout(() => e.process && !e.exited && killGroup(e.process, 'SIGKILL'), grace);
    e.killTimer.unref();
  }

  /** The framework was removed: every executor and task of it goes. */
  shutdownFramework(frameworkId: string): void {
    const f = this.frameworks.get(frameworkId);
    if (!f) return;
    for (const [key, u] of this.updates) {
      if (u.frameworkId === frameworkId) {
        clearTimeout(u.timer);
        this.updates.delete(key);
      }
    }
    for (const e of f.executors.values()) {
      for (const t of e.tasks.values()) if (!t.delivered && !isTerminalTaskState(t.state)) t.state = 'TASK_KILLED';
      this.shutdownExecutor(frameworkId, e.info.executor_id.value);
    }
  }

  acknowledge(frameworkId: string, taskId: string, uuid: string): void {
    const u = this.updates.get(`${frameworkId}/${taskId}`);
    if (!u || u.queue[0]?.uuid !== uuid) return;
    u.queue.shift();
    clearTimeout(u.timer);
    u.attempt = 0;
    if (u.queue.length === 0) this.updates.delete(`${frameworkId}/${taskId}`);
    else this.forward(u);
  }

  /** Sends pending updates of a framework now (it has just re-subscribed). */
  resendUpdates(frameworkId: string): void {
    for (const u of this.updates.values()) if (u.frameworkId === frameworkId) this.forward(u);
  }

  frameworkMessage(frameworkId: string, executorId: string, data: string): void {
    this.frameworks.get(frameworkId)?.executors.get(executorId)?.stream?.send({ type: 'MESSAGE', message: { data } });
  }

  // ------------------------------------------------------------------------------------------ containers

  private async startContainer(f: AgentFramework, e: Executor, task: TaskInfo): Promise<void> {
    const fid = e.frameworkId;
    const container = e.command ? task.container : (e.info.container ?? task.container);
    const containerizers = this.opts.containerizers ?? ['mesos'];
    const failLaunch = (message: string) => {
      for (const t of e.tasks.values()) this.agentUpdate(fid, t.info, 'TASK_FAILED', 'REASON_CONTAINER_LAUNCH_FAILED', message, e);
      e.exited = true;
      if (!e.command) this.master?.executorExited(this.id!, fid, e.info.executor_id.value, 1 << 8);
    };
    if (container?.type === 'DOCKER' && !containerizers.includes('docker')) {
      return failLaunch('Failed to launch container: No containerizer can launch a container of type DOCKER (the agent runs --containerizers=mesos)');
    }
    const command: CommandInfo = e.info.command ?? {};
    try {
      await fetchUris(command.uris ?? [], e.directory, join(this.opts.workDir, 'fetcher-cache'));
    } catch (err) {
      return failLaunch(`Failed to launch container: Failed to fetch all URIs for container '${e.containerId}': ${(err as Error).message}`);
    }
    let env: Record<string, string>;
    try {
      env = this.environment(f, e, command);
      this.writeSecretVolumes(e, container?.volumes ?? []);
    } catch (err) {
      return failLaunch(`Failed to launch container: ${(err as Error).message}`);
    }
    if (e.shuttingDown || this.stopped) return;
    const stdout = openSync(join(e.directory, 'stdout'), 'a');
    const stderr = openSync(join(e.directory, 'stderr'), 'a');
    const shell = command.shell ?? true;
    let argv = shell ? ['/bin/sh', '-c', command.value ?? ''] : [command.value ?? '', ...(command.arguments ?? []).slice(1)];
    let child: ChildProcess;
    try {
      argv = [...(this.isolation?.prepare(e.containerId, this.containerSize(e)) ?? []), ...argv];
    } catch (err) {
      closeSync(stdout);
      closeSync(stderr);
      return failLaunch(`Failed to launch container: ${(err as Error).message}`);
    }
    try {
      child = spawn(argv[0]!, argv.slice(1), { cwd: e.directory, env, stdio: ['ignore', stdout, stderr], detached: true });
    } finally {
      closeSync(stdout);
      closeSync(stderr);
    }
    e.process = child;
    child.on('error', (err) => log.warn({ err }, 'executor process failed to start'));
    child.on('exit', (code, signal) => this.containerExited(e, code, signal));
    this.isolation?.watch(e.containerId, (l) => {
      log.warn({ container: e.containerId, executor: e.info.executor_id.value }, 'container exceeded its memory and was killed');
      e.limitation = l;
      if (e.process) killGroup(e.process, 'SIGKILL');
    });
    if (e.command) {
      const t = e.tasks.get(task.task_id.value)!;
      t.delivered = true;
      this.executorUpdate(e, t, 'TASK_STARTING');
      if (child.pid !== undefined) {
        this.executorUpdate(e, t, 'TASK_RUNNING', undefined, {
          container_id: { value: e.containerId },
          network_infos: [{ ip_addresses: [{ protocol: 'IPv4', ip_address: this.opts.host }] }],
          executor_pid: child.pid,
        });
      }
    } else {
      e.registrationTimer = setTimeout(() => {
        if (e.stream || e.exited) return;
        for (const t of e.tasks.values()) this.agentUpdate(fid, t.info, 'TASK_FAILED', 'REASON_EXECUTOR_REGISTRATION_TIMEOUT', 'Executor did not register within the registration timeout', e);
        if (e.process) killGroup(e.process, 'SIGKILL');
      }, this.opts.executorRegistrationTimeoutMs);
      e.registrationTimer.unref();
    }
  }

  private environment(f: AgentFramework, e: Executor, command: CommandInfo): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    Object.assign(env, {
      MESOS_FRAMEWORK_ID: e.frameworkId,
      MESOS_EXECUTOR_ID: e.info.executor_id.value,
      MESOS_AGENT_ENDPOINT: `${this.opts.host}:${this.port}`,
      MESOS_SLAVE_ID: this.id ?? '',
      MESOS_SLAVE_PID: `slave(1)@${this.opts.host}:${this.port}`,
      MESOS_DIRECTORY: e.directory,
      MESOS_SANDBOX: e.directory,
      MESOS_CHECKPOINT: f.info.checkpoint ? '1' : '0',
      MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD: `${Math.round((nanosToMs(e.info.shutdown_grace_period?.nanoseconds) ?? this.opts.executorShutdownGraceMs) / 1000)}secs`,
      MESOS_HTTP_COMMAND_EXECUTOR: '0',
      LIBPROCESS_PORT: '0',
      // As an agent started with --ip: executors bind and advertise the agent's address.
      LIBPROCESS_IP: this.opts.host,
    });
    if (f.info.checkpoint) {
      env.MESOS_RECOVERY_TIMEOUT = '15mins';
      env.MESOS_SUBSCRIPTION_BACKOFF_MAX = '2secs';
    }
    // NODE_TEST_CONTEXT would make child Node processes act as test subprocesses.
    delete env.NODE_TEST_CONTEXT;
    for (const v of command.environment?.variables ?? []) {
      env[v.name] = v.type === 'SECRET' ? this.resolveSecret(v.secret, `environment variable ${v.name}`) : (v.value ?? '');
    }
    return env;
  }

  private resolveSecret(secret: Secret | undefined, where: string): string {
    if (secret?.type === 'VALUE' && secret.value) return Buffer.from(secret.value.data, 'base64').toString('utf8');
    if (secret?.type === 'REFERENCE' && secret.reference) {
      const v = this.opts.secrets?.[secret.reference.name];
      if (v === undefined) throw new Error(`Failed to resolve secret for ${where}: no secret named '${secret.reference.name}'`);
      return v;
    }
    throw new Error(`Failed to resolve secret for ${where}: unsupported secret`);
  }

  /** File-based secrets land in the sandbox (relative paths) as Mesos' secret volume isolator does. */
  private writeSecretVolumes(e: Executor, volumes: NonNullable<NonNullable<TaskInfo['container']>['volumes']>): void {
    for (const v of volumes) {
      if (v.source?.type !== 'SECRET') continue;
      const target = join(e.directory, v.container_path.replace(/^\/+/, ''));
      mkdirSync(join(target, '..'), { recursive: true });
      writeFileSync(target, this.resolveSecret(v.source.secret, `volume ${v.container_path}`), { mode: 0o400 });
    }
  }

  private containerExited(e: Executor, code: number | null, signal: NodeJS.Signals | null): void {
    e.exited = true;
    // The container goes with its first process, as a Mesos container does: stray children are killed too.
    if (e.process) killGroup(e.process, 'SIGKILL');
    clearTimeout(e.registrationTimer);
    clearTimeout(e.killTimer);
    e.stream?.close();
    const fid = e.frameworkId;
    // An OOM kill the watcher has not seen yet is found here, before the exit is taken for a plain crash.
    const limitation = e.limitation ?? this.isolation?.limitation(e.containerId);
    void this.isolation?.destroy(e.containerId);
    const waitStatus = signal ? (osConstants.signals[signal] ?? 9) : ((code ?? 0) << 8);
    if (limitation) {
      // Mesos' executor-terminated updates after a limitation: TASK_FAILED from the agent, with the limitation.
      const mem = { resources: [{ name: 'mem', type: 'SCALAR' as const, scalar: { value: limitation.memMb } }] };
      for (const t of e.tasks.values()) {
        if (!isTerminalTaskState(t.state)) this.agentUpdate(fid, t.info, 'TASK_FAILED', 'REASON_CONTAINER_LIMITATION_MEMORY', limitation.message, e, mem);
      }
      if (!e.command && !this.stopped) this.master?.executorExited(this.id!, fid, e.info.executor_id.value, waitStatus);
      return;
    }
    if (e.command) {
      const t = [...e.tasks.values()][0];
      if (t && !isTerminalTaskState(t.state)) {
        if (t.killRequested || e.shuttingDown) this.executorUpdate(e, t, 'TASK_KILLED', undefined, undefined, signal ? `Command terminated with signal ${signalName(signal)}` : `Command exited with status ${code}`);
        else if (code === 0) this.executorUpdate(e, t, 'TASK_FINISHED', undefined, undefined, 'Command exited with status 0');
        else if (signal) this.executorUpdate(e, t, 'TASK_FAILED', undefined, undefined, `Command terminated with signal ${signalName(signal)}`);
        else this.executorUpdate(e, t, 'TASK_FAILED', undefined, undefined, `Command exited with status ${code}`);
      }
      return;
    }
    for (const t of e.tasks.values()) {
      if (!isTerminalTaskState(t.state)) {
        this.agentUpdate(fid, t.info, e.shuttingDown ? 'TASK_KILLED' : 'TASK_FAILED', 'REASON_EXECUTOR_TERMINATED', 'Executor terminated', e);
      }
    }
    if (!this.stopped) this.master?.executorExited(this.id!, fid, e.info.executor_id.value, waitStatus);
  }

  // ------------------------------------------------------------------------------------------ status updates

  /** An update the (command) executor produces. */
  private executorUpdate(e: Executor, t: AgentTask, state: TaskState, reason?: string, containerStatus?: TaskStatus['container_status'], message?: string): void {
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
  private agentUpdate(frameworkId: string, task: TaskInfo, state: TaskState, reason: string, message: string, e?: Executor, limitation?: TaskStatus['limitation']): void {
    const t = e?.tasks.get(task.task_id.value) ?? { info: task, state: 'TASK_STAGING' as TaskState, statuses: [], delivered: false, killRequested: false };
    const s: TaskStatus = {
      task_id: task.task_id, state, source: 'SOURCE_AGENT', reason, message, uuid: newStatusUuid(), timestamp: Date.now() / 1000,
    };
    if (e) s.executor_id = e.info.executor_id;
    if (limitation) s.limitation = limitation;
    this.record(frameworkId, t, s);
  }

  private record(frameworkId: string, t: AgentTask, s: TaskStatus): void {
    if (this.id) s.agent_id = { value: this.id };
    t.state = s.state;
    t.statuses.push(s);
    const key = `${frameworkId}/${t.info.task_id.value}`;
    let u = this.updates.get(key);
    if (!u) {
      u = { frameworkId, taskId: t.info.task_id.value, queue: [], timer: undefined, attempt: 0 };
      this.updates.set(key, u);
    }
    u.queue.push(s);
    if (u.queue.length === 1) this.forward(u);
  }

  /** Sends the head of a task's update stream to the master and schedules a resend until it is acknowledged. */
  private forward(u: UpdateStream): void {
    clearTimeout(u.timer);
    const head = u.queue[0];
    if (!head || this.stopped) return;
    if (this.master && this.id) this.master.statusUpdate(this.id, u.frameworkId, head);
    const delay = Math.min(this.opts.statusUpdateRetryMs * 2 ** u.attempt, 10 * 60_000);
    u.attempt++;
    u.timer = setTimeout(() => this.forward(u), delay);
    u.timer.unref();
  }

  // ------------------------------------------------------------------------------------------ executor API

  private findTask(frameworkId: string, taskId: string): [Executor, AgentTask] | undefined {
    for (const e of this.frameworks.get(frameworkId)?.executors.values() ?? []) {
      const t = e.tasks.get(taskId);
      if (t && !e.exited) return [e, t];
    }
    return undefined;
  }

  private deliver(e: Executor, task: TaskInfo): void {
    const t = e.tasks.get(task.task_id.value);
    if (!t) return;
    t.delivered = true;
    e.stream!.send({ type: 'LAUNCH', launch: { task } });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const p = url.pathname;
    if (p === '/api/v1/executor' || p === '/slave(1)/api/v1/executor') return this.handleExecutor(req, res);
    if (p === '/files/browse' || p === '/files/browse.json') return browse(res, url, this.opts.workDir, this.virtualPaths());
    if (p === '/files/read' || p === '/files/read.json') return readFileChunk(res, url, this.opts.workDir, this.virtualPaths());
    if (p === '/state' || p === '/slave(1)/state') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(this.state()));
      return;
    }
    if (p === '/flags' || p === '/slave(1)/flags') return json(res, 200, { flags: this.flags() });
    if (p === '/health') return text(res, 200);
    text(res, 404);
  }

  /** `/frameworks/<fid>/executors/<eid>/runs/latest` → the real sandbox. */
  private virtualPaths(): Map<string, string> {
    const m = new Map<string, string>();
    for (const [fid, f] of this.frameworks) for (const [eid, e] of f.executors) m.set(`/frameworks/${fid}/executors/${eid}/runs/latest`, e.directory);
    return m;
  }

  private async handleExecutor(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const call = await readCall(req, res, parseExecutorCall);
    if (!call) return;
    const f = this.frameworks.get(call.framework_id.value);
    if (!f) return text(res, 400, 'Framework cannot be found');
    const e = f.executors.get(call.executor_id.value);
    if (!e || e.exited) return text(res, 400, 'Executor cannot be found');
    if (call.type === 'SUBSCRIBE') return this.executorSubscribe(f, e, call, res);
    if (!e.stream?.isOpen) return text(res, 403, 'Executor is not subscribed');
    text(res, 202);
    this.executorCall(e, call);
  }

  private executorSubscribe(f: AgentFramework, e: Executor, call: Extract<ExecutorCall, { type: 'SUBSCRIBE' }>, res: ServerResponse): void {
    const accept = checkMediaTypes({ 'content-type': 'application/json', accept: res.req.headers.accept }, true);
    if (accept) return text(res, accept.status, accept.message);
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
        agent_info: { hostname: this.hostname, port: this.port, id: { value: this.id ?? '' }, resources: this.opts.resources, attributes: this.opts.attributes ?? [] },
        container_id: { value: e.containerId },
      },
    });
    // Re-subscription: updates the executor still holds are taken as new; delivered tasks it does not report are dropped.
    const unackedTasks = new Set((call.subscribe.unacknowledged_tasks ?? []).map((t) => t.task_id.value));
    for (const u of call.subscribe.unacknowledged_updates ?? []) this.takeExecutorUpdate(e, u.status, false);
    const pa = (f.info.capabilities ?? []).some((c) => c.type === 'PARTITION_AWARE');
    for (const t of e.tasks.values()) {
      if (t.delivered && t.state === 'TASK_STAGING' && !unackedTasks.has(t.info.task_id.value) && (call.subscribe.unacknowledged_tasks !== undefined)) {
        this.agentUpdate(e.frameworkId, t.info, pa ? 'TASK_DROPPED' : 'TASK_LOST', 'REASON_AGENT_RESTARTED', 'Task was not received by the executor', e);
      }
    }
    for (const t of e.tasks.values()) if (!t.delivered && !isTerminalTaskState(t.state)) this.deliver(e, t.info);
  }

  private executorCall(e: Executor, call: ExecutorCall): void {
    switch (call.type) {
      case 'UPDATE':
        this.takeExecutorUpdate(e, call.update.status, true);
        return;
      case 'MESSAGE':
        this.master?.executorMessage(this.id!, e.frameworkId, e.info.executor_id.value, call.message.data);
        return;
      default:
    }
  }

  private takeExecutorUpdate(e: Executor, status: TaskStatus, ack: boolean): void {
    let t = e.tasks.get(status.task_id.value);
    if (!t) {
      // An update for a task we do not know (for instance after an agent restart): track it anyway.
      t = { info: { name: status.task_id.value, task_id: status.task_id, agent_id: { value: this.id ?? '' } }, state: 'TASK_STAGING', statuses: [], delivered: true, killRequested: false };
      e.tasks.set(status.task_id.value, t);
    }
    const dup = t.statuses.some((s) => s.uuid === status.uuid);
    if (!dup) this.record(e.frameworkId, t, { ...status, executor_id: e.info.executor_id });
    if (ack || dup) e.stream?.send({ type: 'ACKNOWLEDGED', acknowledged: { task_id: status.task_id, uuid: status.uuid } });
  }

  /** A container's cgroup control values (undefined when it is not isolated). */
  containerControls(containerId: string): Record<string, string> | undefined {
    return this.isolation?.controls(containerId);
  }

  /** The agent's flags as `/flags` shows them (every value a string). */
  flags(): Record<string, string> {
    return {
      work_dir: this.opts.workDir,
      containerizers: (this.opts.containerizers ?? ['mesos']).join(','),
      hostname: this.hostname,
      ip: this.opts.host,
      port: String(this.port),
      // Without credentials a ZooKeeper URL may carry.
      ...(typeof this.opts.master === 'string' ? { master: this.opts.master.replace(/\/\/[^@/]*@/, '//') } : {}),
      ...(this.isolation?.flags ?? {}),
    };
  }

  /** The agent's `/state` JSON (without secret values, as Mesos shows none). */
  state(): Record<string, unknown> {
    return scrubSecrets({
      id: this.id,
      pid: `slave(1)@${this.opts.host}:${this.port}`,
      hostname: this.hostname,
      flags: this.flags(),
      frameworks: [...this.frameworks.entries()].map(([fid, f]) => ({
        id: fid,
        name: f.info.name,
        executors: [...f.executors.values()].filter((e) => !e.exited).map((e) => ({
          id: e.info.executor_id.value,
          name: e.info.name ?? '',
          source: e.info.source ?? '',
          container: e.containerId,
          directory: e.directory,
          tasks: [...e.tasks.values()].filter((t) => !isTerminalTaskState(t.state)).map((t) => ({ id: t.info.task_id.value, name: t.info.name, state: t.state })),
          completed_tasks: [...e.tasks.values()].filter((t) => isTerminalTaskState(t.state)).map((t) => ({ id: t.info.task_id.value, name: t.info.name, state: t.state })),
        })),
      })),
    });
  }
}

function killGroup(p: ChildProcess, signal: NodeJS.Signals): void {
  if (p.pid === undefined) return;
  try {
    process.kill(-p.pid, signal);
  } catch {
    try {
      p.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

function nanosToMs(n: number | undefined): number | undefined {
  return n === undefined ? undefined : n / 1e6;
}

function signalName(s: NodeJS.Signals): string {
  const names: Record<string, string> = { SIGKILL: 'Killed', SIGTERM: 'Terminated', SIGINT: 'Interrupt', SIGSEGV: 'Segmentation fault' };
  return names[s] ?? s;
}
