/**
 * What an agent writes under `<work_dir>/meta` to survive its own restart (Mesos' `src/slave/paths.cpp` and
 * `state.cpp`, `docs/agent-recovery.md`):
 * - always: the agent's id with the host's boot id (`meta/slaves/latest`), and one runtime record per running
 *   container (`meta/containers/<containerId>.json`: its pid), as Mesos' containerizer keeps under its runtime
 *   dir, so containers of frameworks that do not checkpoint are found and destroyed as orphans after a restart;
 * - only for frameworks with `checkpoint: true`: the FrameworkInfo, each executor, and each task with its
 *   statuses and the updates not yet acknowledged (`meta/frameworks/<fid>/...`).
 * Files are replaced atomically (write then rename), so a crash mid-write leaves the previous version.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getLogger } from '../../util/logging.js';
import { isRunningState, readProcStat } from './procStat.js';
import type { FrameworkInfo } from '../../mesos/wire/framework.js';
import type { ExecutorInfo, TaskInfo, TaskState, TaskStatus } from '../../mesos/wire/task.js';
import type { AgentContext, AgentFramework, Executor } from './model.js';

const log = getLogger('minimesos.Agent');

export interface ContainerRecord {
  frameworkId: string;
  executorId: string;
  containerId: string;
  directory: string;
  pid: number;
  /** The process' start time (`/proc/<pid>/stat` field 22), so a reused pid is not taken for the container. */
  startTime: string | undefined;
  /** The container's cgroup directories, removed when an orphan is destroyed. */
  cgroups: string[];
}

export interface ExecutorCheckpoint {
  info: ExecutorInfo;
  command: boolean;
  containerId: string;
  directory: string;
  exited: boolean;
}

export interface TaskCheckpoint {
  info: TaskInfo;
  state: TaskState;
  statuses: TaskStatus[];
  delivered: boolean;
  /** Updates not yet acknowledged, oldest first. */
  pending: TaskStatus[];
}

export interface RecoveredFramework {
  info: FrameworkInfo;
  executors: (ExecutorCheckpoint & { tasks: TaskCheckpoint[] })[];
}

const enc = (s: string) => encodeURIComponent(s);

export class Checkpoint {
  private readonly meta: string;

  constructor(private readonly ctx: AgentContext) {
    this.meta = join(ctx.opts.workDir, 'meta');
  }

  /** The id a previous run of this agent registered with, unless the host rebooted since (Mesos then starts anew). */
  agentId(): string | undefined {
    const saved = readJson<{ id: string; boot_id: string | undefined }>(join(this.meta, 'slaves', 'latest'));
    if (!saved?.id) return undefined;
    if (saved.boot_id !== bootId()) {
      log.info({ agent: saved.id }, 'the host rebooted since the agent last ran: registering as a new agent');
      return undefined;
    }
    return saved.id;
  }

  saveAgentId(id: string): void {
    writeJson(join(this.meta, 'slaves', 'latest'), { id, boot_id: bootId() });
  }

  framework(f: AgentFramework): void {
    if (!f.info.checkpoint) return;
    writeJson(join(this.frameworkDir(f.info.id!.value), 'framework.json'), f.info);
  }

  executor(e: Executor): void {
    if (!this.checkpoints(e.frameworkId)) return;
    const c: ExecutorCheckpoint = { info: e.info, command: e.command, containerId: e.containerId, directory: e.directory, exited: e.exited };
    writeJson(join(this.executorDir(e), 'executor.json'), c);
  }

  /** Writes a task of a checkpointing framework (its state, statuses and unacknowledged updates). */
  task(frameworkId: string, taskId: string): void {
    if (!this.checkpoints(frameworkId)) return;
    for (const e of this.ctx.frameworks.get(frameworkId)?.executors.values() ?? []) {
      const t = e.tasks.get(taskId);
      if (!t) continue;
      const c: TaskCheckpoint = { info: t.info, state: t.state, statuses: t.statuses, delivered: t.delivered, pending: this.ctx.updates.pending(frameworkId, taskId) };
      writeJson(join(this.executorDir(e), 'tasks', `${enc(taskId)}.json`), c);
      return;
    }
  }

  /** Forgets a completed task (Mesos garbage-collects its directory). */
  removeTask(e: Executor, taskId: string): void {
    if (!this.checkpoints(e.frameworkId)) return;
    rmSync(join(this.executorDir(e), 'tasks', `${enc(taskId)}.json`), { force: true });
  }

  /** A container's first process started: recorded whatever the framework (orphans are found by these). */
  container(e: Executor, pid: number): void {
    const r: ContainerRecord = {
      frameworkId: e.frameworkId, executorId: e.info.executor_id.value, containerId: e.containerId, directory: e.directory,
      pid, startTime: processStartTime(pid), cgroups: this.ctx.isolation?.cgroupDirs(e.containerId) ?? [],
    };
    writeJson(join(this.meta, 'containers', `${enc(e.containerId)}.json`), r);
  }

  containerGone(e: Executor | ContainerRecord): void {
    rmSync(join(this.meta, 'containers', `${enc(e.containerId)}.json`), { force: true });
  }

  /** Every container a previous run left a record of. */
  containers(): ContainerRecord[] {
    return listJson<ContainerRecord>(join(this.meta, 'containers'));
  }

  /** The checkpointed frameworks, executors and tasks of a previous run. */
  frameworks(): RecoveredFramework[] {
    const root = join(this.meta, 'frameworks');
    const out: RecoveredFramework[] = [];
    for (const fdir of subdirs(root)) {
      const info = readJson<FrameworkInfo>(join(fdir, 'framework.json'));
      if (!info) continue;
      const executors: RecoveredFramework['executors'] = [];
      for (const edir of subdirs(join(fdir, 'executors')).flatMap(subdirs)) {
        const e = readJson<ExecutorCheckpoint>(join(edir, 'executor.json'));
        if (e) executors.push({ ...e, tasks: listJson<TaskCheckpoint>(join(edir, 'tasks')) });
      }
      out.push({ info, executors });
    }
    return out;
  }

  /** Forgets an executor that ended and has nothing left to send. */
  removeExecutor(frameworkId: string, executorId: string, containerId: string): void {
    rmSync(join(this.frameworkDir(frameworkId), 'executors', enc(executorId), enc(containerId)), { recursive: true, force: true });
  }

  /** Forgets a framework (it was shut down here). */
  removeFramework(frameworkId: string): void {
    rmSync(this.frameworkDir(frameworkId), { recursive: true, force: true });
  }

  private checkpoints(frameworkId: string): boolean {
    return this.ctx.frameworks.get(frameworkId)?.info.checkpoint === true;
  }

  private frameworkDir(frameworkId: string): string {
    return join(this.meta, 'frameworks', enc(frameworkId));
  }

  private executorDir(e: Executor): string {
    return join(this.frameworkDir(e.frameworkId), 'executors', enc(e.info.executor_id.value), enc(e.containerId));
  }
}

/** The kernel's boot id (changes on reboot); undefined where there is none. */
function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Field 22 of `/proc/<pid>/stat` (the process' start time in clock ticks since boot). */
export function processStartTime(pid: number): string | undefined {
  return readProcStat(pid)?.startTime;
}

/**
 * Whether the recorded process still runs (and is the same process, not a reused pid). A zombie (exited, not yet
 * reaped by its parent) does not: its container has ended.
 */
export function recordedProcessAlive(pid: number, startTime: string | undefined): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = readProcStat(pid);
  if (stat && !isRunningState(stat.state)) return false;
  return startTime === undefined || stat === undefined || stat.startTime === startTime;
}

function writeJson(file: string, value: unknown): void {
  mkdirSync(join(file, '..'), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(value));
  renameSync(tmp, file);
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

function listJson<T>(dir: string): T[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((n) => n.endsWith('.json')).map((n) => readJson<T>(join(dir, n))).filter((v): v is T => v !== undefined);
}

function subdirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => join(dir, d.name));
  } catch {
    return [];
  }
}
