/**
 * The allocator (Mesos' hierarchical DRF allocator, reduced): each round gives every active agent's free
 * resources to the (framework, role) with the smallest share, honouring suppression, refusal filters and GPU
 * filtering; offers can time out (`--offer_timeout`).
 */
import type { Offer } from '../../mesos/wire/framework.js';
import type { Resource } from '../../mesos/wire/resources.js';
import { isTerminalTaskState } from '../../mesos/wire/task.js';
import { contains, forRole, isAllocatable, normalize, subtract } from '../resources.js';
import { hasCapability, isUnreachableTask, type Filter, type MAgent, type MasterContext, type MFramework, type MOffer } from './model.js';

export class Allocator {
  private filters: Filter[] = [];
  private nextOffer = 0;

  constructor(private readonly ctx: MasterContext) {}

  /** Declined (or unused) resources are not offered to the framework's role on that agent for a while. */
  refuseFilter(f: MFramework, role: string, agentId: string, resources: Resource[], refuseSeconds: number | undefined): void {
    let secs = refuseSeconds ?? 5;
    if (secs < 0) secs = 5;
    if (secs === 0 || resources.length === 0) return;
    secs = Math.min(secs, 365 * 24 * 3600);
    const ms = Math.max(secs * 1000, this.ctx.opts.allocationIntervalMs);
    this.filters.push({ frameworkId: f.id, role, agentId, resources: normalize(resources), expires: Date.now() + ms });
  }

  /** REVIVE: the framework's filters for these roles go. */
  clearFilters(frameworkId: string, roles?: string[]): void {
    this.filters = this.filters.filter((x) => x.frameworkId !== frameworkId || (roles !== undefined && !roles.includes(x.role)));
  }

  takeOffer(f: MFramework, id: string): MOffer | undefined {
    const o = f.offers.get(id);
    if (o) {
      clearTimeout(o.timer);
      f.offers.delete(id);
    }
    return o;
  }

  /** Drops a framework's outstanding offers; with `rescind`, tells the framework. */
  discardOffers(f: MFramework, rescind: boolean): void {
    for (const o of [...f.offers.values()]) {
      this.takeOffer(f, o.offer.id.value);
      if (rescind) this.ctx.frameworks.send(f, { type: 'RESCIND', rescind: { offer_id: o.offer.id } });
    }
  }

  /** Rescinds every outstanding offer of one agent. */
  rescindAgentOffers(agentId: string): void {
    for (const f of this.ctx.frameworks.all()) {
      for (const o of [...f.offers.values()]) {
        if (o.offer.agent_id.value === agentId) {
          this.takeOffer(f, o.offer.id.value);
          this.ctx.frameworks.send(f, { type: 'RESCIND', rescind: { offer_id: o.offer.id } });
        }
      }
    }
  }

  private used(agentId: string): Resource[] {
    const parts: Resource[] = [];
    for (const f of this.ctx.frameworks.all()) {
      for (const t of f.tasks.values()) if (t.agentId === agentId && !isTerminalTaskState(t.state) && !isUnreachableTask(t)) parts.push(...t.resources);
      for (const e of f.executors.get(agentId)?.values() ?? []) parts.push(...(e.resources ?? []));
      for (const o of f.offers.values()) if (o.offer.agent_id.value === agentId) parts.push(...(o.offer.resources ?? []));
    }
    return parts;
  }

  private share(f: MFramework): number {
    let cpus = 0;
    for (const t of f.tasks.values()) if (!isTerminalTaskState(t.state) && !isUnreachableTask(t)) cpus += t.resources.filter((r) => r.name === 'cpus').reduce((n, r) => n + (r.scalar?.value ?? 0), 0);
    for (const o of f.offers.values()) cpus += (o.offer.resources ?? []).filter((r) => r.name === 'cpus').reduce((n, r) => n + (r.scalar?.value ?? 0), 0);
    // Executors hold resources too (Mesos' allocator counts them as allocated to the framework).
    for (const m of f.executors.values()) for (const e of m.values()) cpus += (e.resources ?? []).filter((r) => r.name === 'cpus').reduce((n, r) => n + (r.scalar?.value ?? 0), 0);
    return cpus;
  }

  /** One allocation round: each agent's free resources go to the (framework, role) with the smallest share. */
  allocate(): void {
    if (!this.ctx.isLeader || this.ctx.stopped) return;
    const t0 = Date.now();
    this.filters = this.filters.filter((x) => x.expires > t0);
    const batches = new Map<string, Offer[]>();
    for (const a of this.ctx.agents.all()) {
      // Agents of machines that are DOWN for maintenance get no offers until `/machine/up`.
      if (!a.active || this.ctx.maintenance.modeOf(a) === 'DOWN') continue;
      let free = subtract(a.total, this.used(a.id)) ?? [];
      const candidates = [...this.ctx.frameworks.all()]
        .filter((f) => f.active && f.stream?.isOpen)
        .sort((x, y) => this.share(x) - this.share(y) || x.offersMade - y.offersMade);
      const hasGpus = a.total.some((r) => r.name === 'gpus' && (r.scalar?.value ?? 0) > 0);
      for (const f of candidates) {
        if (hasGpus && !hasCapability(f.info, 'GPU_RESOURCES')) continue;
        for (const role of f.roles) {
          if (f.suppressed.has(role)) continue;
          const offerable = forRole(free, role);
          if (!isAllocatable(offerable)) continue;
          const filtered = this.filters.some((x) => x.frameworkId === f.id && x.role === role && x.agentId === a.id && contains(x.resources, offerable));
          if (filtered) continue;
          const offer = this.makeOffer(f, a, role, offerable);
          free = subtract(free, offerable) ?? [];
          if (!batches.has(f.id)) batches.set(f.id, []);
          batches.get(f.id)!.push(offer);
        }
      }
    }
    for (const [fid, offers] of batches) {
      const f = this.ctx.frameworks.get(fid)!;
      this.ctx.frameworks.send(f, { type: 'OFFERS', offers: { offers } });
    }
    // Inverse offers share the offers' id counter, as in Mesos.
    this.ctx.inverseOffers.allocate(() => `${this.ctx.id}-O${this.nextOffer++}`);
  }

  private makeOffer(f: MFramework, a: MAgent, role: string, resources: Resource[]): Offer {
    const multi = hasCapability(f.info, 'MULTI_ROLE');
    const res = resources.map((r) => {
      const out = structuredClone(r);
      if (multi) out.allocation_info = { role };
      return out;
    });
    const offer: Offer = {
      id: { value: `${this.ctx.id}-O${this.nextOffer++}` },
      framework_id: { value: f.id },
      agent_id: { value: a.id },
      hostname: a.hostname,
      url: { scheme: 'http', address: { hostname: a.hostname, ip: a.ip, port: a.port }, path: '/slave(1)' },
      resources: res,
    };
    if (a.attributes.length > 0) offer.attributes = a.attributes;
    const execs = [...(f.executors.get(a.id)?.keys() ?? [])];
    if (execs.length > 0) offer.executor_ids = execs.map((value) => ({ value }));
    if (multi) offer.allocation_info = { role };
    const unavailability = this.ctx.maintenance.stateOf(a)?.unavailability;
    if (unavailability) offer.unavailability = unavailability;
    const mo: MOffer = { offer, role, timer: undefined };
    if (this.ctx.opts.offerTimeoutMs !== undefined) {
      mo.timer = setTimeout(() => {
        if (this.takeOffer(f, offer.id.value)) {
          this.ctx.frameworks.send(f, { type: 'RESCIND', rescind: { offer_id: offer.id } });
          this.ctx.allocateSoon();
        }
      }, this.ctx.opts.offerTimeoutMs);
      mo.timer.unref();
    }
    f.offers.set(offer.id.value, mo);
    f.offersMade++;
    return offer;
  }
}
