/**
 * Graceful executor decommission on Mesos maintenance (coarse mode; beyond Spark, which ignores inverse offers).
 * On an inverse offer for an agent, each of this application's executors there gets no new tasks, finishes its
 * running ones, hands its shuffle output (when no external shuffle service serves it) to another executor, waits
 * for tasks still reading it from the old place, and is killed; then the inverse offer is accepted. Everything is
 * bounded by `spark.mesos.decommission.gracePeriod`. Offers carrying `unavailability` are declined meanwhile.
 * The decisions are in `decommission.ts`.
 */
import type { SparkConf } from '../../conf/SparkConf.js';
import * as config from '../../conf/catalog.js';
import type { MapStatus, TaskDescription } from '../../core/plan.js';
import type { InverseOffer, Offer } from '../../mesos/wire/framework.js';
import type { BackendEvents } from '../../scheduler/SchedulerBackend.js';
import type { DriverEndpoint } from '../../scheduler/cluster/DriverEndpoint.js';
import { getLogger } from '../../util/logging.js';
import {
  ACCEPT_RETRY_MS, chooseMigrationTarget, decommissionDeadline, executorsRead, inverseOfferRefuseSeconds, killRetryDue, maintenanceCancelled,
  maintenanceDeclineReason, nextDrainStep, outputKey, relocateInputs,
} from './decommission.js';

const log = getLogger('ExecutorDecommissioner');

/** What the decommissioner needs of the backend. */
export interface DecommissionHost {
  readonly endpoint: DriverEndpoint;
  /** Live executor tasks (launched, not ended) on an agent. */
  executorsOn(agentId: string): string[];
  /** The agent an executor task runs on. */
  agentOf(executorId: string): string | undefined;
  killExecutor(executorId: string): Promise<unknown>;
  /** Resolves false when the call did not reach the master (it is then sent again). */
  answerInverseOffers(ids: string[], accept: boolean, refuseSeconds?: number): Promise<boolean>;
  declineOffers(ids: string[], refuseSeconds: number): Promise<void>;
  /** An offer declined for maintenance, for the offer tally ("why it waits"). */
  offerDeclined(agentId: string, reason: string): void;
}

type Unavailability = InverseOffer['unavailability'];

/** An agent's inverse offers to accept once its executors are gone. */
interface Answer {
  ids: string[];
  unavailability: Unavailability;
  /** An accept is on its way. */
  sending: boolean;
  /** After a failed accept: not sent again before this. */
  retryAt: number;
}

interface Drain {
  executorId: string;
  agentId: string;
  startedAt: number;
  deadline: number;
  migrated: boolean;
  busy: boolean;
  killedAt: number | undefined;
  /** When the kill was last sent (sent again while the executor lives: a lost call is not retried). */
  lastKillAt: number;
  movedOutputs: number;
}

/** One executor's decommission, for tests and the log. */
export interface DecommissionRecord {
  executorId: string;
  agentId: string;
  startedAt: number;
  killedAt: number | undefined;
  movedOutputs: number;
  reason: string | undefined;
}

export class ExecutorDecommissioner {
  readonly enabled: boolean;
  private readonly gracePeriodMs: number;
  private events: BackendEvents | undefined;
  private readonly drains = new Map<string, Drain>();
  /** agent → inverse offers to accept once its executors are gone. */
  private readonly answers = new Map<string, Answer>();
  /** Agents whose inverse offers were all rescinded, with when and whether an offer without a window came since. */
  private readonly rescindedAgents = new Map<string, { at: number; offerWithoutWindow: boolean }>();
  /** Moved map outputs by their old place (`outputKey`). */
  private readonly moved = new Map<string, MapStatus>();
  /** Running tasks: where, and whose block servers they read. */
  private readonly running = new Map<number, { executorId: string; reads: Set<string> }>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  readonly records: DecommissionRecord[] = [];
  /** The last inverse offers accepted per agent, with when and the filter sent (tests, metrics). */
  readonly accepted = new Map<string, { ids: string[]; at: number; refuseSeconds: number }>();

  constructor(conf: SparkConf, private readonly host: DecommissionHost) {
    this.enabled = conf.get(config.MESOS_DECOMMISSION_ENABLED);
    this.gracePeriodMs = conf.get(config.MESOS_DECOMMISSION_GRACE_PERIOD);
  }

  /** The engine's events, seen on their way (task ends and executor losses), for the endpoint to send. */
  wrap(events: BackendEvents): BackendEvents {
    this.events = events;
    const wrapped: BackendEvents = Object.create(events) as BackendEvents;
    wrapped.statusUpdate = (u) => {
      this.running.delete(u.taskId);
      events.statusUpdate(u);
    };
    wrapped.executorRemoved = (id, reason) => {
      for (const [taskId, r] of this.running) if (r.executorId === id) this.running.delete(taskId);
      // Outputs moved to the executor are gone with it: tasks read the old place, fail, and the map reruns.
      for (const [k, v] of this.moved) if (v.executorId === id) this.moved.delete(k);
      events.executorRemoved(id, reason);
    };
    return wrapped;
  }

  /** A task goes to an executor: inputs that moved are read from their new place. */
  launching(executorId: string, task: TaskDescription): TaskDescription {
    const desc = relocateInputs(task, this.moved);
    this.running.set(desc.taskId, { executorId, reads: executorsRead(desc) });
    return desc;
  }

  /** Agents whose offers are declined: in a maintenance window (per the offer), or being drained. */
  async filterOffers(offers: Offer[]): Promise<Offer[]> {
    if (!this.enabled) return offers;
    const now = Date.now();
    for (const o of offers) {
      const r = this.rescindedAgents.get(o.agent_id.value);
      if (r && !o.unavailability) r.offerWithoutWindow = true;
    }
    this.undrainCancelled(now);
    const draining = new Set([...this.drains.values()].map((d) => d.agentId));
    const unusable: Offer[] = [];
    for (const o of offers) {
      const reason = maintenanceDeclineReason(o, now, draining);
      if (reason === undefined) continue;
      unusable.push(o);
      this.host.offerDeclined(o.agent_id.value, reason);
    }
    if (unusable.length === 0) return offers;
    log.debug({ offers: unusable.map((o) => o.id.value), agents: [...new Set(unusable.map((o) => o.agent_id.value))] }, 'declining offers of agents in maintenance');
    await this.host.declineOffers(unusable.map((o) => o.id.value), 5);
    const gone = new Set(unusable);
    return offers.filter((o) => !gone.has(o));
  }

  /** INVERSE_OFFERS: drain the executors of each agent, then accept; accept at once where there are none. */
  async inverseOffers(offers: InverseOffer[]): Promise<void> {
    const now = Date.now();
    for (const io of offers) {
      const agentId = io.agent_id?.value;
      if (!this.enabled || agentId === undefined) {
        await this.host.answerInverseOffers([io.id.value], false);
        continue;
      }
      this.rescindedAgents.delete(agentId);
      const a = this.answers.get(agentId);
      // A new inverse offer (the master sends one again when an accept's filter expires or was lost) is answered
      // with the others; one already answered is not answered twice.
      if (a) {
        if (!a.ids.includes(io.id.value)) a.ids.push(io.id.value);
        a.unavailability = io.unavailability;
      } else this.answers.set(agentId, { ids: [io.id.value], unavailability: io.unavailability, sending: false, retryAt: 0 });
      this.startDrains(agentId, io.unavailability, now);
    }
    this.tick();
    this.ensureTimer();
  }

  /**
   * RESCIND_INVERSE_OFFER: nothing to answer any more. When none is left for the agent the maintenance may have
   * been called off: its executors not yet killed get tasks again unless a new inverse offer follows (`tick`).
   */
  rescinded(id: string): void {
    const now = Date.now();
    for (const [agentId, a] of [...this.answers]) {
      if (!a.ids.includes(id)) continue;
      a.ids = a.ids.filter((x) => x !== id);
      if (a.ids.length > 0) continue;
      this.answers.delete(agentId);
      if ([...this.drains.values()].some((d) => d.agentId === agentId && d.killedAt === undefined)) this.rescindedAgents.set(agentId, { at: now, offerWithoutWindow: false });
    }
    this.ensureTimer();
  }

  private ensureTimer(): void {
    if (this.stopped || this.timer || (this.answers.size === 0 && this.drains.size === 0 && this.rescindedAgents.size === 0)) return;
    this.timer = setInterval(() => this.tick(), 100);
    this.timer.unref();
  }

  /** Each executor on the agent not yet draining starts to (also those launched after the inverse offer came). */
  private startDrains(agentId: string, unavailability: Unavailability, now: number): void {
    for (const executorId of this.host.executorsOn(agentId)) {
      if (this.drains.has(executorId)) continue;
      const d: Drain = {
        executorId, agentId, startedAt: now, deadline: decommissionDeadline(now, unavailability, this.gracePeriodMs),
        migrated: false, busy: false, killedAt: undefined, lastKillAt: 0, movedOutputs: 0,
      };
      this.drains.set(executorId, d);
      this.records.push({ executorId, agentId, startedAt: now, killedAt: undefined, movedOutputs: 0, reason: undefined });
      log.warn({ executor: executorId, agent: agentId, deadlineMs: d.deadline - now }, 'agent scheduled for maintenance: decommissioning the executor');
      this.events?.executorDecommissioning?.(executorId);
    }
  }

  /** Maintenance called off: draining executors not yet killed of agents with no inverse offer get tasks again. */
  private undrainCancelled(now: number): void {
    for (const [agentId, r] of [...this.rescindedAgents]) {
      const cancelled = maintenanceCancelled({ nowMs: now, rescindedAtMs: r.at, inverseOffersPending: this.answers.has(agentId), offerWithoutWindowSince: r.offerWithoutWindow });
      if (!cancelled) continue;
      this.rescindedAgents.delete(agentId);
      for (const [id, d] of [...this.drains]) {
        if (d.agentId !== agentId || d.killedAt !== undefined) continue;
        this.drains.delete(id);
        const rec = this.records.find((x) => x.executorId === id && x.killedAt === undefined && x.reason === undefined);
        if (rec) rec.reason = 'maintenance cancelled';
        log.info({ executor: id, agent: agentId }, 'maintenance of the agent was cancelled: the executor gets tasks again');
        this.events?.executorRecommissioned?.(id);
      }
    }
  }

  /** Whether an executor is being drained. */
  isDraining(executorId: string): boolean {
    return this.drains.has(executorId);
  }

  private tick(): void {
    const now = Date.now();
    this.undrainCancelled(now);
    for (const [agentId, a] of this.answers) this.startDrains(agentId, a.unavailability, now);
    for (const d of this.drains.values()) {
      if (d.killedAt !== undefined) {
        if (killRetryDue(now, d.lastKillAt, this.host.agentOf(d.executorId) !== undefined)) {
          d.lastKillAt = now;
          log.warn({ executor: d.executorId, sinceMs: now - d.killedAt }, 'decommissioned executor still runs: killing it again');
          void this.host.killExecutor(d.executorId);
        }
        continue;
      }
      if (d.busy) continue;
      const outputs = this.events?.shuffleOutputsOn?.(d.executorId) ?? [];
      const targets = [...this.host.endpoint.executors.values()].map((e) => ({ ...e, agentId: this.host.agentOf(e.id), draining: this.drains.has(e.id) }));
      const target = chooseMigrationTarget(targets, { id: d.executorId, agentId: d.agentId });
      let runningOn = 0;
      let readers = 0;
      for (const r of this.running.values()) {
        if (r.executorId === d.executorId) runningOn++;
        else if (r.reads.has(d.executorId)) readers++;
      }
      const registered = this.host.endpoint.executors.get(d.executorId);
      const s = nextDrainStep({
        now, deadline: d.deadline, runningOnExecutor: runningOn, outputsToMove: registered ? outputs.length : 0,
        migrated: d.migrated, hasTarget: target !== undefined, readersRunning: readers,
      });
      if (s.step === 'migrate') {
        d.busy = true;
        void this.migrate(d, outputs, target!.id).finally(() => {
          d.busy = false;
          d.migrated = true;
        });
      } else if (s.step === 'kill') {
        d.killedAt = now;
        d.lastKillAt = now;
        const rec = this.records.find((r) => r.executorId === d.executorId && r.killedAt === undefined);
        if (rec) Object.assign(rec, { killedAt: now, movedOutputs: d.movedOutputs, reason: s.why });
        log.info({ executor: d.executorId, why: s.why, tookMs: now - d.startedAt, movedOutputs: d.movedOutputs }, 'decommissioned executor: killing it');
        void this.host.killExecutor(d.executorId);
      }
    }
    for (const [agentId, a] of this.answers) {
      if (a.sending || now < a.retryAt || this.host.executorsOn(agentId).length > 0) continue;
      this.accept(agentId, a, now);
    }
    for (const [id, d] of [...this.drains]) if (d.killedAt !== undefined && this.host.agentOf(id) === undefined) this.drains.delete(id);
    if (this.answers.size === 0 && this.drains.size === 0 && this.rescindedAgents.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /**
   * Accepts the agent's inverse offers with a filter (without one the master offers again every few seconds); a
   * failed call is sent again after `ACCEPT_RETRY_MS` while they stand.
   */
  private accept(agentId: string, a: Answer, now: number): void {
    const ids = [...a.ids];
    const refuseSeconds = inverseOfferRefuseSeconds(now, a.unavailability);
    a.sending = true;
    log.info({ agent: agentId, inverseOffers: ids, refuseSeconds }, 'executors of the agent are gone: accepting the inverse offers');
    void this.host.answerInverseOffers(ids, true, refuseSeconds).then((ok) => {
      a.sending = false;
      if (!ok) {
        a.retryAt = Date.now() + ACCEPT_RETRY_MS;
        log.warn({ agent: agentId, inverseOffers: ids }, 'accepting the inverse offers failed: trying again');
        this.ensureTimer();
        return;
      }
      this.accepted.set(agentId, { ids, at: now, refuseSeconds });
      // Inverse offers that came while the accept was on its way stay to be answered.
      a.ids = a.ids.filter((x) => !ids.includes(x));
      if (a.ids.length === 0 && this.answers.get(agentId) === a) this.answers.delete(agentId);
    });
  }

  /** Hands the executor's map outputs to `targetId` and points the map output tracker there. */
  private async migrate(d: Drain, outputs: MapStatus[], targetId: string): Promise<void> {
    const from = this.host.endpoint.executors.get(d.executorId);
    const to = this.host.endpoint.executors.get(targetId);
    if (!from || !to) return;
    const t0 = Date.now();
    try {
      const reply = await this.host.endpoint.request(targetId, {
        t: 'migrateShuffle', from: { host: from.host, port: from.blockPort },
        outputs: outputs.map((o) => ({ shuffleId: o.shuffleId, mapId: o.mapId, executorId: o.executorId, path: o.path, offsets: o.offsets })),
      }, Math.max(1000, d.deadline - Date.now()));
      const copies = reply.outputs as { path: string; offsets: number[] }[];
      outputs.forEach((o, i) => {
        const moved: MapStatus = { shuffleId: o.shuffleId, mapId: o.mapId, executorId: targetId, path: copies[i]!.path, offsets: copies[i]!.offsets, address: { host: to.host, port: to.blockPort } };
        if (this.events?.shuffleOutputMoved?.(o, moved)) {
          // Earlier moves to this executor now lead on to the new place.
          for (const [k, v] of this.moved) if (outputKey(v) === outputKey(o)) this.moved.set(k, moved);
          this.moved.set(outputKey(o), moved);
          d.movedOutputs++;
        }
      });
      log.info({ from: d.executorId, to: targetId, outputs: d.movedOutputs, tookMs: Date.now() - t0 }, 'handed shuffle output over');
    } catch (err) {
      log.warn({ from: d.executorId, to: targetId, err: (err as Error).message }, 'could not hand shuffle output over; it will be recomputed');
    }
  }

  /** The backend stops: no timer again (a call answered later does not restart it). */
  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
