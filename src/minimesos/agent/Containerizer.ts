/**
 * The agent's containerizer and launcher (Mesos' `MesosContainerizer` with the posix/linux launcher): makes a
 * sandbox, fetches URIs, starts the executor's first process detached in a process group of its own (so it
 * survives an agent crash, as Mesos containers do), puts it in the isolator's cgroups, and turns its end (exit,
 * signal, memory limitation) into the executor-terminated status updates Mesos sends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { constants as osConstants } from 'node:os';
import { getLogger } from '../../util/logging.js';
import type { CommandInfo } from '../../mesos/wire/container.js';
import { isTerminalTaskState, type ExecutorInfo, type TaskInfo } from '../../mesos/wire/task.js';
import { fetchUris } from '../fetcher.js';
import { stoutDuration } from '../stoutDuration.js';
import { executorEnvironment, writeSecretVolumes } from './executorEnvironment.js';
import { COMMAND_STATUS_FILE, commandStatusWrapper } from './commandStatus.js';
import { executorTerminated } from './completed.js';
import { containerDisk, containerSize, killGroup, newExecutor, signalName, type AgentContext, type AgentFramework, type Executor } from './model.js';

const log = getLogger('minimesos.Agent');

export class Containerizer {
  constructor(private readonly ctx: AgentContext) {}

  /** A new executor (and its container id and sandbox) for a task, as Mesos' `Framework::addExecutor` makes it. */
  newExecutor(fid: string, task: TaskInfo): Executor {
    const isCommand = task.command !== undefined;
    const eid = isCommand ? task.task_id.value : task.executor!.executor_id.value;
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
    const dir = join(this.ctx.opts.workDir, 'slaves', this.ctx.id ?? 'unregistered', 'frameworks', fid, 'executors', eid, 'runs', containerId);
    mkdirSync(dir, { recursive: true });
    const latest = join(dir, '..', 'latest');
    rmSync(latest, { force: true });
    try {
      symlinkSync(containerId, latest);
    } catch {
      /* best effort */
    }
    return newExecutor(fid, info, isCommand, containerId, dir);
  }

  async launch(f: AgentFramework, e: Executor, task: TaskInfo): Promise<void> {
    const { ctx } = this;
    const fid = e.frameworkId;
    const container = e.command ? task.container : (e.info.container ?? task.container);
    const containerizers = ctx.opts.containerizers ?? ['mesos'];
    const failLaunch = (message: string) => {
      for (const t of e.tasks.values()) ctx.updates.agentUpdate(fid, t.info, 'TASK_FAILED', 'REASON_CONTAINER_LAUNCH_FAILED', message, e);
      e.exited = true;
      ctx.checkpoint.executor(e);
      if (!e.command) ctx.master?.executorExited(ctx.id!, fid, e.info.executor_id.value, 1 << 8);
      executorTerminated(ctx, e);
    };
    if (container?.type === 'DOCKER' && !containerizers.includes('docker')) {
      return failLaunch('Failed to launch container: No containerizer can launch a container of type DOCKER (the agent runs --containerizers=mesos)');
    }
    const command: CommandInfo = e.info.command ?? {};
    try {
      await fetchUris(command.uris ?? [], e.directory, join(ctx.opts.workDir, 'fetcher-cache'));
    } catch (err) {
      return failLaunch(`Failed to launch container: Failed to fetch all URIs for container '${e.containerId}': ${(err as Error).message}`);
    }
    let env: Record<string, string>;
    try {
      env = executorEnvironment(ctx, f, e, command);
      writeSecretVolumes(ctx, e, container?.volumes ?? []);
    } catch (err) {
      return failLaunch(`Failed to launch container: ${(err as Error).message}`);
    }
    // The fetch took time: the task may have been killed (ended, its TASK_KILLED sent) or the executor shut
    // down meanwhile. Nothing is spawned then; a process started now would run with no task and never be killed.
    if (e.shuttingDown || ctx.stopped || e.exited || isTerminalTaskState(e.tasks.get(task.task_id.value)?.state ?? 'TASK_KILLED')) return this.abandonLaunch(e);
    const stdout = openSync(join(e.directory, 'stdout'), 'a');
    const stderr = openSync(join(e.directory, 'stderr'), 'a');
    const shell = command.shell ?? true;
    let argv = shell ? ['/bin/sh', '-c', command.value ?? ''] : [command.value ?? '', ...(command.arguments ?? []).slice(1)];
    // A checkpointed command task keeps its exit status in the sandbox: an agent restarted after it ended still
    // learns how (Mesos' command executor outlives the task and reports it itself).
    if (e.command && f.info.checkpoint) argv = commandStatusWrapper(join(e.directory, COMMAND_STATUS_FILE), argv);
    let child: ChildProcess;
    try {
      argv = [...(ctx.isolation?.prepare(e.containerId, containerSize(e)) ?? []), ...argv];
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
    child.on('exit', (code, signal) => this.exited(e, code, signal));
    if (child.pid !== undefined) ctx.checkpoint.container(e, child.pid);
    this.watchLimits(e);
    const t = e.command ? e.tasks.get(task.task_id.value) : undefined;
    if (t) {
      t.delivered = true;
      ctx.updates.executorUpdate(e, t, 'TASK_STARTING');
      if (child.pid !== undefined) {
        ctx.updates.executorUpdate(e, t, 'TASK_RUNNING', undefined, {
          container_id: { value: e.containerId },
          network_infos: [{ ip_addresses: [{ protocol: 'IPv4', ip_address: ctx.opts.host }] }],
          executor_pid: child.pid,
        });
      }
    } else if (!e.command) {
      e.registrationTimer = setTimeout(() => {
        if (e.stream || e.exited) return;
        for (const t of e.tasks.values()) ctx.updates.agentUpdate(fid, t.info, 'TASK_FAILED', 'REASON_EXECUTOR_REGISTRATION_TIMEOUT', `Executor did not register within ${stoutDuration(ctx.opts.executorRegistrationTimeoutMs)}`, e);
        killGroup(e, 'SIGKILL');
      }, ctx.opts.executorRegistrationTimeoutMs);
      e.registrationTimer.unref();
    }
  }

  /**
   * A launch given up before its process started (a kill or shutdown came during the fetch): each task still
   * pending ends `TASK_KILLED` once (a task killed on its own already has); the executor is gone.
   */
  private abandonLaunch(e: Executor): void {
    const { ctx } = this;
    clearTimeout(e.killTimer);
    if (!ctx.stopped) {
      for (const t of e.tasks.values()) {
        if (!isTerminalTaskState(t.state)) ctx.updates.agentUpdate(e.frameworkId, t.info, 'TASK_KILLED', 'REASON_TASK_KILLED_DURING_LAUNCH', 'Killed before the executor was launched', e);
      }
    }
    e.exited = true;
    ctx.checkpoint.executor(e);
    executorTerminated(ctx, e);
  }

  /** Kills the container when an isolator finds it over its memory or disk (the exit then reports the limitation). */
  private watchLimits(e: Executor): void {
    this.ctx.isolation?.watch(e.containerId, e.directory, () => containerDisk(e), (l) => {
      log.warn({ container: e.containerId, executor: e.info.executor_id.value, reason: l.reason }, 'container exceeded its limit and was killed');
      e.limitation = l;
      killGroup(e, 'SIGKILL');
    });
  }

  /**
   * The container's first process ended (`code`/`signal` as Node reports them; both undefined when the agent
   * recovered the container and cannot know): executor-terminated updates as Mesos' `executorTerminated` sends.
   */
  exited(e: Executor, code: number | null | undefined, signal: NodeJS.Signals | null | undefined): void {
    const { ctx } = this;
    if (e.exited) return;
    e.exited = true;
    // The container goes with its first process, as a Mesos container does: stray children are killed too.
    killGroup(e, 'SIGKILL');
    clearTimeout(e.registrationTimer);
    clearTimeout(e.killTimer);
    e.stream?.close();
    ctx.checkpoint.containerGone(e);
    const fid = e.frameworkId;
    // An OOM kill the watcher has not seen yet is found here, before the exit is taken for a plain crash.
    const limitation = e.limitation ?? ctx.isolation?.limitation(e.containerId);
    void ctx.isolation?.destroy(e.containerId);
    const known = code !== undefined || signal !== undefined;
    // Mesos reports -1 when it does not know the wait status.
    const waitStatus = !known ? -1 : signal ? (osConstants.signals[signal] ?? 9) : ((code ?? 0) << 8);
    if (limitation) {
      // Mesos' executor-terminated updates after a limitation: TASK_FAILED from the agent, with the limitation.
      for (const t of e.tasks.values()) {
        if (!isTerminalTaskState(t.state)) ctx.updates.agentUpdate(fid, t.info, 'TASK_FAILED', limitation.reason, limitation.message, e, { resources: limitation.resources });
      }
      if (!e.command && !ctx.stopped) ctx.master?.executorExited(ctx.id!, fid, e.info.executor_id.value, waitStatus);
      ctx.checkpoint.executor(e);
      executorTerminated(ctx, e);
      return;
    }
    if (e.command && known) {
      const t = [...e.tasks.values()][0];
      if (t && !isTerminalTaskState(t.state)) {
        const how = signal ? `Command terminated with signal ${signalName(signal)}` : `Command exited with status ${code}`;
        if (t.killRequested || e.shuttingDown) ctx.updates.executorUpdate(e, t, 'TASK_KILLED', undefined, undefined, how);
        else if (code === 0) ctx.updates.executorUpdate(e, t, 'TASK_FINISHED', undefined, undefined, how);
        else ctx.updates.executorUpdate(e, t, 'TASK_FAILED', undefined, undefined, how);
      }
      ctx.checkpoint.executor(e);
      executorTerminated(ctx, e);
      return;
    }
    for (const t of e.tasks.values()) {
      if (!isTerminalTaskState(t.state)) {
        // A recovered command task killed on request: its end is unknown, the kill is not.
        const killed = e.shuttingDown || (e.command && t.killRequested);
        ctx.updates.agentUpdate(fid, t.info, killed ? 'TASK_KILLED' : 'TASK_FAILED', 'REASON_EXECUTOR_TERMINATED', 'Executor terminated', e);
      }
    }
    if (!e.command && !ctx.stopped) ctx.master?.executorExited(ctx.id!, fid, e.info.executor_id.value, waitStatus);
    ctx.checkpoint.executor(e);
    executorTerminated(ctx, e);
  }
}
