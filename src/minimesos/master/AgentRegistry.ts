/**
 * The agents a master knows (Mesos' `Master::Slaves`) and what agents tell the master: (re)registration with the
 * tasks, executors and frameworks they carry, removal, status updates, executor exits and executor messages.
 */
import { unreachableToForget } from './registryGc.js';
import { forgetUnreportedExecutors, killAgain, reconcileWithAgent, restoreReportedTasks } from './reregistration.js';
import { getLogger } from '../../util/logging.js';
import { isTerminalTaskState, type TaskState, type TaskStatus } from '../../mesos/wire/task.js';
import { normalize } from '../resources.js';
import type { AgentLink } from './AgentLink.js';
import type { AdmittedAgent, Registry } from './Registrar.js';
import { MAX_TIMER_MS, completeTask, executorIdOf, hasCapability, holdUnreachable, isUnreachableTask, taskKey, masterStatus, now, recordStatus, updateEvent, type AgentRegistration, type MAgent, type MasterContext, type MFramework, type MTask } from './model.js';

const log = getLogger('minimesos.Master');

/** Removed agents remembered (Mesos' MAX_REMOVED_SLAVES). */
const MAX_REMOVED_AGENTS = 100_000;

export class AgentRegistry {
  private readonly agents = new Map<string, MAgent>();
  private readonly unreachable = new Map<string, { nanoseconds: number }>();
  /** Agents removed (unregistered, or their machine taken down): what they still send is ignored until they register again. */
  private readonly removed = new Set<string>();
  /**
   * Agents the registry says a previous leader admitted and that have not re-registered with this one yet (Mesos'
   * `Slaves::recovered`): explicit reconciliation gets no answer for tasks on them, and after
   * `agentReregisterTimeoutMs` they are unreachable.
   */
  private readonly recovered = new Map<string, { hostname: string; timer: NodeJS.Timeout | undefined }>();
  /** The registry was read after this master's election: until then what it knows must not overwrite it. */
  private registryRecovered = false;
  private nextAgent = 0;
  /** Agents being admitted to the registry (`admit`), by id, with their hostnames. */
  private readonly admitting = new Map<string, string>();
  /** A registry GC is being stored. */
  private forgetting = false;

  constructor(private readonly ctx: MasterContext) {}

  get(id: string): MAgent | undefined {
    return this.agents.get(id);
  }

  has(id: string): boolean {
    return this.agents.has(id);
  }

  all(): IterableIterator<MAgent> {
    return this.agents.values();
  }

  get size(): number {
    return this.agents.size;
  }

  isRecovered(id: string): boolean {
    return this.recovered.has(id);
  }

  get anyRecovered(): boolean {
    return this.recovered.size > 0;
  }

  /** Recovered agents, for the state endpoints. */
  recoveredAgents(): AdmittedAgent[] {
    return [...this.recovered].map(([id, r]) => ({ id, hostname: r.hostname }));
  }

  /**
   * Elected: the agents a previous leader admitted (from the registry) are recovered until they re-register; those
   * it had marked unreachable are unreachable here too, since the same time.
   */
  recover(registry: Registry): void {
    for (const u of registry.unreachable) {
      if (!this.agents.has(u.id) && !this.recovered.has(u.id) && !this.unreachable.has(u.id)) this.unreachable.set(u.id, u.time);
    }
    for (const a of registry.agents) {
      if (this.agents.has(a.id) || this.recovered.has(a.id) || this.unreachable.has(a.id) || this.removed.has(a.id)) continue;
      // Beyond a timer's range it never elapses here.
      const timeout = this.ctx.opts.agentReregisterTimeoutMs;
      const timer = timeout <= MAX_TIMER_MS ? setTimeout(() => this.reregisterTimedOut(a.id), timeout) : undefined;
      timer?.unref();
      this.recovered.set(a.id, { hostname: a.hostname, timer });
    }
    this.registryRecovered = true;
    this.persist();
  }

  /**
   * A recovered agent did not re-register in time (Mesos' `agent_reregister_timeout`): it is unreachable, and every
   * framework gets `FAILURE{agent_id}`. This master never knew its tasks, so none are updated here; reconciliation
   * answers for them from now on.
   */
  private reregisterTimedOut(id: string): void {
    const r = this.recovered.get(id);
    if (!r || this.ctx.stopped) return;
    this.recovered.delete(id);
    log.warn({ agent: id, hostname: r.hostname }, 'agent did not re-register after the master failed over; marking it unreachable');
    this.unreachable.set(id, { nanoseconds: Date.now() * 1e6 });
    for (const f of this.ctx.frameworks.all()) this.ctx.frameworks.send(f, { type: 'FAILURE', failure: { agent_id: { value: id } } });
    this.persist();
  }

  /**
   * No longer leading: what this master knows is not the registry's any more (the new leader's is), so it stops
   * storing it and forgets its recovered agents until it leads again and reads the registry afresh.
   */
  leadershipLost(): void {
    this.registryRecovered = false;
    for (const r of this.recovered.values()) clearTimeout(r.timer);
    this.recovered.clear();
  }

  /** Stores the admitted agents (registered and recovered) and the unreachable ones for the next leader, while this master leads. */
  private persist(): void {
    void this.store();
  }

  /**
   * Stores the registry as it stands: agents being admitted count as admitted (whatever else is written meanwhile,
   * the last write must not drop them), and `forgetting` as gone. Resolves with whether it was stored.
   */
  private store(forgetting?: ReadonlySet<string>): Promise<boolean> {
    if (!this.registryRecovered || !this.ctx.isLeader) return Promise.resolve(true);
    const admitting = this.admitting;
    const admitted = [...this.agents.values()].filter((a) => !admitting.has(a.id)).map((a) => ({ id: a.id, hostname: a.hostname }));
    const unreachable = [...this.unreachable].filter(([id]) => !admitting.has(id) && !forgetting?.has(id)).map(([id, time]) => ({ id, time }));
    const pending = [...admitting].map(([id, hostname]) => ({ id, hostname }));
    return this.ctx.registrar.save({ agents: [...admitted, ...this.recoveredAgents().filter((a) => !admitting.has(a.id)), ...pending], unreachable });
  }

  /**
   * Before an agent this master does not hold (new, unreachable, forgotten) is added and told it is registered, the
   * registry admits it (Mesos' `AdmitSlave`, `MarkSlaveReachable`); one registered or recovered here does not wait
   * for a write. Resolves with the id it registers under once the registry holds it, or undefined when the registry
   * could not be written (Mesos' master would abort; this one refuses the agent, which tries again). The caller ends
   * the admission with `admitted` (registered, or given up).
   */
  async admit(reg: AgentRegistration): Promise<string | undefined> {
    const id = reg.id ?? `${this.ctx.id}-S${this.nextAgent++}`;
    if (reg.id !== undefined && (this.agents.has(id) || this.recovered.has(id))) return id;
    this.admitting.set(id, reg.hostname);
    if (await this.store()) return id;
    this.admitted(id);
    return undefined;
  }

  /** An admission ended: registered (the agent is held now), or given up (the registry forgets it at the next write). */
  admitted(id: string): void {
    if (!this.admitting.delete(id)) return;
    if (!this.agents.has(id)) this.persist();
  }

  /**
   * An agent (re)registers; returns its id. Re-registration brings back its tasks after a master failover; an agent
   * this master does not have registered (marked unreachable, forgotten by the registry, or removed) gets its tasks
   * back as Mesos 1.5+ does, each with an update carrying the task's state and `REASON_AGENT_REREGISTERED`. An agent
   * it has registered, connected or not, gets nothing back (Mesos' `reconcileKnownSlave`): tasks lost when it
   * disconnected stay lost, those it no longer has are reconciled with it, a task the master does not know is not
   * taken in, and executors it no longer reports are forgotten.
   */
  register(link: AgentLink, reg: AgentRegistration, admittedId?: string): string {
    const refused = this.refusal(reg);
    if (refused) throw new Error(refused);
    const id = reg.id ?? admittedId ?? `${this.ctx.id}-S${this.nextAgent++}`;
    this.removed.delete(id);
    const recovered = this.recovered.get(id);
    if (recovered) clearTimeout(recovered.timer);
    this.recovered.delete(id);
    const existing = this.agents.get(id);
    const wasUnreachable = this.unreachable.has(id);
    const returning = existing === undefined && recovered === undefined;
    this.unreachable.delete(id);
    this.agents.set(id, {
      id, link, hostname: reg.hostname, ip: reg.ip ?? reg.hostname, port: reg.port, total: normalize(reg.resources), attributes: reg.attributes,
      registeredTime: existing?.registeredTime ?? now(), reregisteredTime: reg.id ? now() : undefined, active: true,
      killedTasks: existing?.killedTasks ?? new Set(),
    });
    // Closed only once the new link is the agent's: closing runs the old link's close handler at once, and
    // `disconnected` must see that link as stale rather than take the agent for gone.
    if (existing && existing.link !== link) existing.link.close?.();
    for (const fi of reg.frameworks ?? []) this.ctx.frameworks.recover(fi);
    for (const e of reg.executors ?? []) {
      const f = this.ctx.frameworks.get(e.frameworkId);
      if (!f) continue;
      if (!f.executors.has(id)) f.executors.set(id, new Map());
      f.executors.get(id)!.set(e.info.executor_id.value, e.info);
    }
    restoreReportedTasks(this.ctx, id, link, reg.tasks ?? [], returning ? (wasUnreachable ? 'Unreachable agent re-reregistered' : 'Unknown agent reregistered') : undefined, existing !== undefined);
    killAgain(this.ctx, this.agents.get(id)!, reg.tasks ?? []);
    if (existing) {
      reconcileWithAgent(this.ctx, id, link, reg.tasks ?? []);
      forgetUnreportedExecutors(this.ctx, id, reg.executors ?? []);
    }
    // What it held as unreachable and the agent no longer reports is gone with it (Mesos drops the agent's
    // unreachable tasks when it comes back); reconciliation tells the framework.
    if (wasUnreachable) {
      for (const f of this.ctx.frameworks.all()) for (const [tid, t] of f.tasks) if (t.agentId === id && isUnreachableTask(t)) f.tasks.delete(tid);
    }
    log.info({ agent: id, hostname: reg.hostname, reregistered: reg.id !== undefined, returning }, 'agent registered');
    this.persist();
    this.ctx.allocateSoon();
    return id;
  }

  /** Why an agent may not (re)register now: its machine is DOWN for maintenance (until `/machine/up`). */
  refusal(reg: Pick<AgentRegistration, 'hostname' | 'ip'>): string | undefined {
    const machine = { hostname: reg.hostname, ip: reg.ip ?? reg.hostname };
    if (this.ctx.maintenance.modeOf(machine) !== 'DOWN') return undefined;
    return `Agent on machine ${JSON.stringify(machine)} refused: the machine is DOWN for maintenance`;
  }

  /**
   * Mesos' `removeSlave`, for an agent that unregistered or whose machine the operator took down: the agent leaves
   * the registry (not for its unreachable list) and what it still sends is ignored until it registers again. Every
   * framework, partition-aware or not, hears `TASK_LOST` / `REASON_AGENT_REMOVED` with "Agent <hostname> removed:
   * <cause>" for each of its tasks there (master.cpp `_removeSlave`), an ended one not yet acknowledged too (it keeps
   * its state); the agent's offers are rescinded and every framework gets `FAILURE{agent_id}`.
   */
  remove(agentId: string, cause: string): void {
    const a = this.agents.get(agentId);
    if (!a) return;
    log.warn({ agent: agentId, hostname: a.hostname, cause }, 'removing agent');
    this.agents.delete(agentId);
    this.persist();
    this.removed.add(agentId);
    // Bounded as Mesos bounds its removed agents (a cache of 100,000): the oldest are forgotten first.
    if (this.removed.size > MAX_REMOVED_AGENTS) this.removed.delete(this.removed.values().next().value!);
    a.link.close?.();
    const message = `Agent ${a.hostname} removed: ${cause}`;
    this.removeTasks(agentId, (taskId) => ({ status: masterStatus(taskId, 'TASK_LOST', 'REASON_AGENT_REMOVED', message, agentId), complete: true }));
  }

  /**
   * The agent's link broke (its process exited): no more offers from it; tasks of frameworks that do not
   * checkpoint are lost at once (`REASON_AGENT_DISCONNECTED`), whatever their partition awareness, ended ones not yet
   * acknowledged too (they keep their state, as Mesos' `removeFramework(Slave*, Framework*)` does). The health check
   * keeps running, so an agent that does not come back is marked unreachable later.
   */
  disconnected(agentId: string, link: AgentLink): void {
    const a = this.agents.get(agentId);
    if (!a || a.link !== link || this.ctx.stopped) return;
    a.active = false;
    log.warn({ agent: agentId, hostname: a.hostname }, 'agent disconnected');
    this.ctx.allocator.rescindAgentOffers(agentId);
    for (const f of this.ctx.frameworks.all()) {
      if (f.info.checkpoint) continue;
      for (const t of [...f.tasks.values()]) {
        if (t.agentId !== agentId || isUnreachableTask(t)) continue;
        const s = masterStatus(t.info.task_id.value, 'TASK_LOST', 'REASON_AGENT_DISCONNECTED', `Agent ${a.hostname} disconnected`, agentId);
        this.lose(f, t, s, true);
      }
      f.executors.delete(agentId);
    }
  }

  /**
   * The health check gave up on the agent (Mesos' `markUnreachable`): each of its tasks, an ended one not yet
   * acknowledged too, is held among its framework's unreachable tasks, and the framework hears `TASK_UNREACHABLE`
   * (partition-aware) or `TASK_LOST`, with `REASON_AGENT_REMOVED`, the cause as message and one shared
   * `unreachable_time`; its offers are rescinded and every framework gets `FAILURE{agent_id}`.
   */
  markUnreachable(agentId: string, message: string): void {
    const a = this.agents.get(agentId);
    if (!a || this.ctx.stopped) return;
    log.warn({ agent: agentId, hostname: a.hostname, message }, 'marking agent unreachable');
    this.agents.delete(agentId);
    const time = { nanoseconds: Date.now() * 1e6 };
    this.unreachable.set(agentId, time);
    this.persist();
    a.link.close?.();
    this.removeTasks(agentId, (taskId, pa) => {
      const status = masterStatus(taskId, pa ? 'TASK_UNREACHABLE' : 'TASK_LOST', 'REASON_AGENT_REMOVED', message, agentId);
      status.unreachable_time = time;
      return { status, complete: false, unreachable: true };
    });
  }

  /**
   * An agent leaves the cluster: its offers are rescinded, each framework hears the status `statusOf` gives (by
   * partition awareness) for each of its tasks there, ended ones not yet acknowledged too (whose state stays), and
   * every framework gets `FAILURE{agent_id}`. A task then completes, or is held as unreachable.
   */
  private removeTasks(agentId: string, statusOf: (taskId: string, partitionAware: boolean) => { status: TaskStatus; complete: boolean; unreachable?: boolean }): void {
    this.ctx.allocator.rescindAgentOffers(agentId);
    for (const f of this.ctx.frameworks.all()) {
      const pa = hasCapability(f.info, 'PARTITION_AWARE');
      for (const t of [...f.tasks.values()]) {
        if (t.agentId !== agentId || isUnreachableTask(t)) continue;
        const { status, complete, unreachable } = statusOf(t.info.task_id.value, pa);
        this.lose(f, t, status, complete);
        if (unreachable) holdUnreachable(f, t, this.ctx.opts.maxUnreachableTasksPerFramework);
      }
      f.executors.delete(agentId);
      this.ctx.frameworks.send(f, { type: 'FAILURE', failure: { agent_id: { value: agentId } } });
    }
  }

  /** The master stops: links close, health checks and re-registration timeouts end. */
  closeAll(): void {
    for (const a of this.agents.values()) a.link.close?.();
    for (const r of this.recovered.values()) clearTimeout(r.timer);
  }

  /**
   * The registry forgets unreachable agents past its limits (Mesos' registry GC): their tasks are unknown from then
   * on, to reconciliation too. Nothing is sent to frameworks.
   */
  async forgetOldUnreachable(nowMs = Date.now()): Promise<void> {
    if (this.forgetting) return;
    // Not one being admitted again (Mesos skips those too).
    const candidates = [...this.unreachable].filter(([id]) => !this.admitting.has(id));
    const forget = new Set(unreachableToForget(candidates, nowMs, { maxAgeMs: this.ctx.opts.registryMaxAgentAgeMs, maxCount: this.ctx.opts.registryMaxAgentCount }));
    if (forget.size === 0) return;
    this.forgetting = true;
    try {
      // The registry first, as Mesos' Prune: memory changes only once it is stored.
      if (!(await this.store(forget))) return;
    } finally {
      this.forgetting = false;
    }
    // Those that came back meanwhile stay.
    const gone = [...forget].filter((id) => this.unreachable.has(id) && !this.admitting.has(id));
    for (const id of gone) this.unreachable.delete(id);
    // Their unreachable tasks go too (Mesos erases them from each framework's unreachable tasks, telling no one).
    for (const f of this.ctx.frameworks.all()) {
      for (const [tid, t] of f.tasks) if (isUnreachableTask(t) && gone.includes(t.agentId)) f.tasks.delete(tid);
    }
    if (gone.length > 0) log.info({ agents: gone }, 'the registry forgot unreachable agents past its age or count limit');
  }

  /** Agents marked unreachable, with when. */
  unreachableAgents(): Map<string, { nanoseconds: number }> {
    return this.unreachable;
  }

  private lose(f: MFramework, t: MTask, s: TaskStatus, complete: boolean): void {
    const executor = executorIdOf(t);
    if (executor) s.executor_id = executor;
    // An ended task keeps its state (Mesos never changes a terminal one); the framework hears the update all the same.
    recordStatus(t, s);
    if (complete) completeTask(this.ctx, f, t);
    this.ctx.frameworks.send(f, updateEvent(s));
  }

  /**
   * A status update from an agent's status-update manager (carries a uuid; resent until acknowledged), with the task's
   * latest state on the agent when it sends it.
   */
  statusUpdate(agentId: string, frameworkId: string, status: TaskStatus, latestState?: TaskState): void {
    if (this.removed.has(agentId)) return log.debug({ agent: agentId, task: status.task_id.value }, 'ignoring a status update from a removed agent');
    const ended = isTerminalTaskState(latestState ?? status.state);
    if (ended) this.agents.get(agentId)?.killedTasks.delete(taskKey(frameworkId, status.task_id.value));
    const f = this.ctx.frameworks.get(frameworkId);
    if (!f) return;
    const t = f.tasks.get(status.task_id.value);
    if (t) {
      recordStatus(t, status, latestState);
      if (isTerminalTaskState(status.state)) t.terminalUuid = status.uuid;
    }
    this.ctx.frameworks.send(f, updateEvent({ ...status, agent_id: { value: agentId } }));
    // Its resources are free once the agent says it ended, whatever the framework has acknowledged.
    if (ended) this.ctx.allocateSoon();
  }

  /** A custom executor ended: the scheduler gets FAILURE with the wait status. */
  executorExited(agentId: string, frameworkId: string, executorId: string, waitStatus: number): void {
    const f = this.ctx.frameworks.get(frameworkId);
    if (!f) return;
    f.executors.get(agentId)?.delete(executorId);
    this.ctx.frameworks.send(f, { type: 'FAILURE', failure: { agent_id: { value: agentId }, executor_id: { value: executorId }, status: waitStatus } });
    this.ctx.allocateSoon();
  }

  executorMessage(agentId: string, frameworkId: string, executorId: string, data: string): void {
    const f = this.ctx.frameworks.get(frameworkId);
    if (f) this.ctx.frameworks.send(f, { type: 'MESSAGE', message: { agent_id: { value: agentId }, executor_id: { value: executorId }, data } });
  }
}
