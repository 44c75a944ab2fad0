/**
 * Agent recovery after a restart (Mesos' `Slave::recover`, `docs/agent-recovery.md`), run before the agent
 * registers again with the id it had:
 * - containers of frameworks that do not checkpoint are orphans: killed, their cgroups removed (the master has
 *   already told their schedulers `TASK_LOST` when the agent's link broke);
 * - checkpointed executors still running are re-attached: their tasks stay as they were, unacknowledged updates
 *   are sent again, a command task's end is still reported (its status file), and a custom executor must
 *   re-subscribe within `--executor_reregistration_timeout` or is destroyed (`TASK_GONE`/`TASK_LOST`,
 *   `REASON_EXECUTOR_REREGISTRATION_TIMEOUT`);
 * - checkpointed executors that died while the agent was down get the usual executor-terminated updates.
 * With `--recover=cleanup` every old container is killed, the agent's state removed, and the agent exits (Mesos).
 * Cgroup roots of earlier agent runs that are gone are removed once no process is left in them; a re-attached
 * container's cgroups are removed when it ends or the agent stops.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { getLogger } from '../../util/logging.js';
import { isTerminalTaskState } from '../../mesos/wire/task.js';
import { removeCgroups } from './CgroupsIsolator.js';
import { removeStaleRoots, rootParents } from './staleCgroups.js';
import { stoutDuration } from '../stoutDuration.js';
import { recordedProcessAlive, type ContainerRecord, type RecoveredFramework } from './Checkpoint.js';
import { COMMAND_STATUS_FILE, parseCommandStatus } from './commandStatus.js';
import type { Containerizer } from './Containerizer.js';
import { removeFrameworkIfIdle } from './completed.js';
import { killGroup, newExecutor, newFramework, type AgentContext, type Executor } from './model.js';

const log = getLogger('minimesos.Agent');

export class Recovery {
  private readonly watchers = new Set<NodeJS.Timeout>();
  /** Cgroups of re-attached containers (made by an earlier run), removed when they end or the agent stops. */
  private readonly adopted = new Map<string, string[]>();
  /** Where earlier runs' cgroup roots are. */
  private parents: string[] = [];
  private removals: Promise<void>[] = [];

  constructor(private readonly ctx: AgentContext, private readonly containerizer: Containerizer) {}

  /** Recovers what the work dir holds; returns the agent id to register with (undefined: a new agent). */
  run(): string | undefined {
    const { checkpoint } = this.ctx;
    const records = checkpoint.containers();
    this.parents = rootParents(records.flatMap((r) => r.cgroups));
    if (this.ctx.opts.recover === 'cleanup') {
      for (const r of records) this.destroyOrphan(r, 'cleanup');
      rmSync(join(this.ctx.opts.workDir, 'meta'), { recursive: true, force: true });
      return undefined;
    }
    const id = checkpoint.agentId();
    const frameworks = id ? checkpoint.frameworks() : [];
    const live = new Set(frameworks.flatMap((f) => f.executors.filter((e) => !e.exited).map((e) => e.containerId)));
    for (const r of records) if (!live.has(r.containerId)) this.destroyOrphan(r, 'orphan');
    const byContainer = new Map(records.map((r) => [r.containerId, r]));
    for (const f of frameworks) this.recoverFramework(f, byContainer);
    return id;
  }

  /** Resolves once the orphans' cgroups and the stale cgroup roots of earlier runs are removed. */
  async settled(): Promise<void> {
    await Promise.all(this.removals.splice(0));
    removeStaleRoots(this.parents);
  }

  /** The agent stops: no more watching recovered processes. */
  stop(): void {
    for (const t of this.watchers) clearInterval(t);
    this.watchers.clear();
  }

  /** After the agent killed its executors on stop: the re-attached containers' cgroups go, and their runs' roots. */
  async release(): Promise<void> {
    const dirs = [...this.adopted.values()].flat();
    this.adopted.clear();
    await removeCgroups(dirs);
    await this.settled();
  }

  private destroyOrphan(r: ContainerRecord, why: string): void {
    if (recordedProcessAlive(r.pid, r.startTime)) {
      log.info({ container: r.containerId, executor: r.executorId, framework: r.frameworkId, pid: r.pid, why }, 'destroying a container left by a previous run');
      try {
        process.kill(-r.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    this.removals.push(removeCgroups(r.cgroups));
    this.ctx.checkpoint.containerGone(r);
  }

  private recoverFramework(rf: RecoveredFramework, records: Map<string, ContainerRecord>): void {
    const fid = rf.info.id!.value;
    const f = newFramework(rf.info);
    this.ctx.frameworks.set(fid, f);
    const running: Executor[] = [];
    for (const c of rf.executors) {
      const e = newExecutor(fid, c.info, c.command, c.containerId, c.directory);
      e.exited = c.exited;
      for (const t of c.tasks) {
        const task = { info: t.info, state: t.state, statuses: t.statuses, delivered: t.delivered, killRequested: false };
        // Ended with every update acknowledged (a checkpoint from before tasks were forgotten on completion).
        if (isTerminalTaskState(t.state) && t.pending.length === 0) {
          e.completedTasks.push(task);
          this.ctx.checkpoint.removeTask(e, t.info.task_id.value);
        } else e.tasks.set(t.info.task_id.value, task);
        this.ctx.updates.restore(fid, t.info.task_id.value, t.pending);
      }
      if (c.exited) {
        // Ended before the restart: kept only while it has updates to deliver.
        if (e.tasks.size === 0) {
          this.ctx.checkpoint.removeExecutor(fid, c.info.executor_id.value, c.containerId);
          f.completedExecutors.push(e);
        } else if (!f.executors.has(c.info.executor_id.value)) f.executors.set(c.info.executor_id.value, e);
        continue;
      }
      f.executors.set(c.info.executor_id.value, e);
      running.push(e);
    }
    // Only once every executor is back: one that ended while the agent was down may be removed at once, and its
    // framework with it if it were the last one known.
    for (const e of running) {
      const r = records.get(e.containerId);
      if (r && recordedProcessAlive(r.pid, r.startTime)) this.reattach(e, r);
      else this.endedWhileDown(e, r);
    }
    log.info({ framework: fid, executors: [...f.executors.keys()] }, 'recovered a checkpointing framework');
    removeFrameworkIfIdle(this.ctx, f);
  }

  /** The executor still runs: watch its process (not our child any more) and wait for it to re-subscribe. */
  private reattach(e: Executor, r: ContainerRecord): void {
    e.recoveredPid = r.pid;
    this.adopted.set(e.containerId, r.cgroups);
    log.info({ executor: e.info.executor_id.value, pid: r.pid }, 'reattached to a running executor');
    const timer = setInterval(() => {
      if (recordedProcessAlive(r.pid, r.startTime)) return;
      clearInterval(timer);
      this.watchers.delete(timer);
      this.endedWhileDown(e, r);
    }, 250);
    timer.unref();
    this.watchers.add(timer);
    if (e.command) return;
    const { executorReregistrationTimeoutMs: ms } = this.ctx.opts;
    e.registrationTimer = setTimeout(() => {
      if (e.stream || e.exited) return;
      const pa = (this.ctx.frameworks.get(e.frameworkId)?.info.capabilities ?? []).some((c) => c.type === 'PARTITION_AWARE');
      for (const t of e.tasks.values()) {
        if (isTerminalTaskState(t.state)) continue;
        this.ctx.updates.agentUpdate(e.frameworkId, t.info, pa ? 'TASK_GONE' : 'TASK_LOST', 'REASON_EXECUTOR_REREGISTRATION_TIMEOUT', `Executor did not reregister within ${stoutDuration(ms)}`, e);
      }
      killGroup(e, 'SIGKILL');
    }, ms);
    e.registrationTimer.unref();
  }

  /** The executor's process is gone (before or after the restart): reported as its end, as far as it is known. */
  private endedWhileDown(e: Executor, r: ContainerRecord | undefined): void {
    const status = e.command ? parseCommandStatus(readText(join(e.directory, COMMAND_STATUS_FILE))) : undefined;
    // Its pid may belong to another process by now: never signalled again.
    e.recoveredPid = undefined;
    this.containerizer.exited(e, status?.code, status?.signal);
    if (!r) return;
    this.adopted.delete(e.containerId);
    this.removals.push(removeCgroups(r.cgroups));
    void this.settled();
  }
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
