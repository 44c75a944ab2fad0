/**
 * Inverse offers (Mesos' allocator `generateInverseOffers` / `updateInverseOffer`): while a machine is DRAINING,
 * each allocation round gives every active framework holding resources on one of its agents (offered or used) an
 * inverse offer, unless it has one outstanding for that agent or refused one recently. Answers (ACCEPT /
 * DECLINE_INVERSE_OFFERS) are recorded per machine for `/maintenance/status`; they change nothing else.
 */
import type { InverseOffer } from '../../mesos/wire/framework.js';
import type { InverseOfferStatus } from '../../mesos/wire/maintenance.js';
import { isTerminalTaskState } from '../../mesos/wire/task.js';
import { getLogger } from '../../util/logging.js';
import { machineKey } from './maintenance.js';
import { isUnreachableTask, type MasterContext, type MFramework } from './model.js';

const log = getLogger('minimesos.Master');

export interface OutstandingInverseOffer {
  offer: InverseOffer;
  frameworkId: string;
  agentId: string;
}

export interface InverseOfferFilter {
  frameworkId: string;
  agentId: string;
  expires: number;
}

/**
 * The (framework, agent) pairs due an inverse offer this round: the framework is active and holds something on
 * the draining agent, and has neither an outstanding inverse offer nor an unexpired filter for it.
 */
export function inverseOffersDue(
  holders: readonly { frameworkId: string; agentId: string; active: boolean }[],
  outstanding: readonly { frameworkId: string; agentId: string }[],
  filters: readonly InverseOfferFilter[],
  now: number,
): { frameworkId: string; agentId: string }[] {
  const key = (x: { frameworkId: string; agentId: string }) => `${x.frameworkId} ${x.agentId}`;
  const skip = new Set([...outstanding.map(key), ...filters.filter((f) => f.expires > now).map(key)]);
  const due = new Map<string, { frameworkId: string; agentId: string }>();
  for (const h of holders) if (h.active && !skip.has(key(h))) due.set(key(h), { frameworkId: h.frameworkId, agentId: h.agentId });
  return [...due.values()];
}

/** How long an answer keeps the next inverse offer away (Mesos: `refuse_seconds`, default 5 s, at most a year). */
export function inverseOfferRefusalMs(refuseSeconds: number | undefined): number {
  let secs = refuseSeconds ?? 5;
  if (!Number.isFinite(secs) || secs < 0) secs = 5;
  return Math.min(secs, 365 * 24 * 3600) * 1000;
}

export class InverseOffers {
  private readonly outstanding = new Map<string, OutstandingInverseOffer>();
  private filters: InverseOfferFilter[] = [];
  /** machine key → framework id → its last answer. */
  private readonly statuses = new Map<string, Map<string, InverseOfferStatus>>();

  constructor(private readonly ctx: MasterContext) {}

  /** Outstanding inverse offers of a framework (for `/state`-like views and tests). */
  of(frameworkId: string): InverseOffer[] {
    return [...this.outstanding.values()].filter((o) => o.frameworkId === frameworkId).map((o) => o.offer);
  }

  /** Answers recorded for a machine. */
  statusesOf(machine: string): InverseOfferStatus[] {
    return [...(this.statuses.get(machine)?.values() ?? [])];
  }

  private holds(f: MFramework, agentId: string): boolean {
    for (const o of f.offers.values()) if (o.offer.agent_id.value === agentId) return true;
    for (const t of f.tasks.values()) if (t.agentId === agentId && !isTerminalTaskState(t.state) && !isUnreachableTask(t)) return true;
    return (f.executors.get(agentId)?.size ?? 0) > 0;
  }

  /** One round: rescinds what no longer applies and sends what is due. */
  allocate(nextId: () => string): void {
    const now = Date.now();
    this.filters = this.filters.filter((x) => x.expires > now);
    for (const [id, o] of [...this.outstanding]) {
      const a = this.ctx.agents.get(o.agentId);
      const f = this.ctx.frameworks.get(o.frameworkId);
      if (a && a.active && f?.active && this.ctx.maintenance.modeOf(a) === 'DRAINING') continue;
      this.rescind(id);
    }
    const holders: { frameworkId: string; agentId: string; active: boolean }[] = [];
    for (const a of this.ctx.agents.all()) {
      if (!a.active || this.ctx.maintenance.modeOf(a) !== 'DRAINING') continue;
      for (const f of this.ctx.frameworks.all()) {
        if (this.holds(f, a.id)) holders.push({ frameworkId: f.id, agentId: a.id, active: f.active && (f.stream?.isOpen ?? false) });
      }
    }
    const byFramework = new Map<string, InverseOffer[]>();
    for (const d of inverseOffersDue(holders, [...this.outstanding.values()], this.filters, now)) {
      const a = this.ctx.agents.get(d.agentId)!;
      const offer: InverseOffer = {
        id: { value: nextId() },
        url: { scheme: 'http', address: { hostname: a.hostname, ip: a.ip, port: a.port }, path: '/slave(1)' },
        framework_id: { value: d.frameworkId },
        agent_id: { value: a.id },
        unavailability: this.ctx.maintenance.stateOf(a)!.unavailability,
      };
      this.outstanding.set(offer.id.value, { offer, frameworkId: d.frameworkId, agentId: a.id });
      byFramework.set(d.frameworkId, [...(byFramework.get(d.frameworkId) ?? []), offer]);
    }
    for (const [fid, inverse_offers] of byFramework) {
      log.info({ framework: fid, inverseOffers: inverse_offers.map((o) => o.id.value) }, 'sending inverse offers');
      this.ctx.frameworks.send(this.ctx.frameworks.get(fid)!, { type: 'INVERSE_OFFERS', inverse_offers: { inverse_offers } });
    }
  }

  /** Withdraws an outstanding inverse offer, telling its framework (`RESCIND_INVERSE_OFFER`). */
  rescind(id: string): void {
    const o = this.outstanding.get(id);
    if (!o) return;
    this.outstanding.delete(id);
    const f = this.ctx.frameworks.get(o.frameworkId);
    if (f) this.ctx.frameworks.send(f, { type: 'RESCIND_INVERSE_OFFER', rescind_inverse_offer: { inverse_offer_id: o.offer.id } });
  }

  /** Rescinds every outstanding inverse offer for these agents (the schedule changed, or the machine went down). */
  rescindForAgents(agentIds: ReadonlySet<string>): void {
    for (const [id, o] of [...this.outstanding]) if (agentIds.has(o.agentId)) this.rescind(id);
  }

  /** ACCEPT_INVERSE_OFFERS / DECLINE_INVERSE_OFFERS: records the answer and holds the next one back for a while. */
  answer(f: MFramework, ids: readonly { value: string }[], status: 'ACCEPT' | 'DECLINE', refuseSeconds: number | undefined): void {
    for (const { value } of ids) {
      const o = this.outstanding.get(value);
      if (!o || o.frameworkId !== f.id) {
        log.warn({ framework: f.id, inverseOffer: value }, `ignoring ${status} of an unknown or stale inverse offer`);
        continue;
      }
      this.outstanding.delete(value);
      const a = this.ctx.agents.get(o.agentId);
      if (a) {
        const machine = machineKey({ hostname: a.hostname, ip: a.ip });
        if (!this.statuses.has(machine)) this.statuses.set(machine, new Map());
        this.statuses.get(machine)!.set(f.id, { status, framework_id: { value: f.id }, timestamp: { nanoseconds: Date.now() * 1e6 } });
      }
      const ms = inverseOfferRefusalMs(refuseSeconds);
      if (ms > 0) this.filters.push({ frameworkId: f.id, agentId: o.agentId, expires: Date.now() + ms });
      log.info({ framework: f.id, inverseOffer: value, agent: o.agentId, status }, 'inverse offer answered');
    }
  }

  /** A machine left maintenance (UP again, or out of the schedule): its answers go. */
  forgetMachine(machine: string): void {
    this.statuses.delete(machine);
  }
}
