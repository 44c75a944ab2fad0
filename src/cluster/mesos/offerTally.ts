/**
 * Why something waits for resources, told from the offers it saw: each agent's most recent offer with the reason it
 * was declined, counted by reason ("3 offers declined: 2 below 4 cpus, 1 failing constraint zone:a"). Used by the
 * driver (executors that do not come: log and UI) and by the dispatcher (queued drivers: REST status and UI).
 */
import type { Attribute } from '../../mesos/wire/resources.js';
import { MesosSchedulerUtils as U } from './MesosSchedulerUtils.js';

/** One agent's most recent offer: declined for `reason`, or used (`reason` undefined). */
export interface OfferVerdict {
  reason: string | undefined;
  /** When it was seen, ms. */
  at: number;
}

export interface OfferTally {
  /** Offers counted (one per agent: its most recent). */
  offers: number;
  /** Declined offers by reason, most frequent first (ties by reason). */
  declined: [reason: string, count: number][];
}

/** Counts verdicts by reason. */
export function tallyOffers(verdicts: Iterable<Pick<OfferVerdict, 'reason'>>): OfferTally {
  let offers = 0;
  const by = new Map<string, number>();
  for (const v of verdicts) {
    offers++;
    if (v.reason !== undefined) by.set(v.reason, (by.get(v.reason) ?? 0) + 1);
  }
  const declined = [...by].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { offers, declined };
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** "3 offers declined: 2 below 4 cpus, 1 failing constraint zone:a"; undefined when none was declined. */
export function formatTally(t: OfferTally): string | undefined {
  const n = t.declined.reduce((s, [, c]) => s + c, 0);
  if (n === 0) return undefined;
  return `${plural(n, 'offer')} declined: ${t.declined.map(([r, c]) => `${c} ${r}`).join(', ')}`;
}

/** A number as people write it (at most two decimals). */
export const amount = (n: number): string => String(Number(n.toFixed(2)));

/** Reasons, worded the same on both sides. */
export const reasons = {
  belowCpus: (cpus: number) => `below ${amount(cpus)} cpus`,
  belowMem: (mib: number) => `below ${amount(mib)} MiB memory`,
  failingConstraint: (c: string) => `failing constraint ${c}`,
  /** The agent is in (or before) a maintenance window, or its executors are being decommissioned. */
  maintenance: 'agent draining for maintenance',
};

/** The first of `constraints` the attributes fail, as written (`zone:a`, `zone:a,b`, or `rack` for presence). */
export function firstUnmetConstraint(constraints: ReadonlyMap<string, Set<string>>, attributes: readonly Attribute[]): string | undefined {
  for (const [name, values] of constraints) {
    if (!U.matchesAttributeRequirements(new Map([[name, values]]), attributes)) return values.size > 0 ? `${name}:${[...values].join(',')}` : name;
  }
  return undefined;
}

/**
 * Each agent's most recent verdict, forgotten after `windowMs` (an agent gone silently) or when the agent is removed.
 * Declined offers come back only after their filter expires (up to minutes), so the last verdict stands until then.
 */
export class RecentOffers {
  private readonly byAgent = new Map<string, OfferVerdict>();

  constructor(private readonly windowMs = 10 * 60_000) {}

  record(agentId: string, reason: string | undefined, now = Date.now()): void {
    this.byAgent.set(agentId, { reason, at: now });
  }

  forget(agentId: string): void {
    this.byAgent.delete(agentId);
  }

  tally(now = Date.now()): OfferTally {
    for (const [id, v] of this.byAgent) if (now - v.at > this.windowMs) this.byAgent.delete(id);
    return tallyOffers(this.byAgent.values());
  }
}
