/**
 * Why a queued driver is still waiting, for its status message and the dispatcher UI. As in Spark, a driver larger
 * than any agent offers stays queued (agents may join); unlike Spark, it says so, from each agent's last offer
 * counted by why it cannot take the driver ("2 offers declined: 1 below 4 cpus, 1 failing constraint zone:a").
 */
import type { Attribute } from '../../mesos/wire/resources.js';
import { amount, firstUnmetConstraint, formatTally, reasons, tallyOffers } from '../../cluster/mesos/offerTally.js';

/** What one agent offered most recently. */
export interface OfferSeen {
  cpus: number;
  mem: number;
  attributes: readonly Attribute[];
}

export interface DriverNeeds {
  cpus: number;
  /** The driver task's memory, MiB (overhead included). */
  mem: number;
  /** `spark.mesos.driver.constraints` as given, and parsed. */
  constraintString: string;
  constraints: Map<string, Set<string>>;
}

/** Why this offer cannot run the driver (constraints first, then cpus, then memory); undefined when it can. */
export function driverOfferVerdict(need: DriverNeeds, o: OfferSeen): string | undefined {
  const unmet = firstUnmetConstraint(need.constraints, o.attributes);
  if (unmet !== undefined) return reasons.failingConstraint(unmet);
  if (o.cpus + 1e-9 < need.cpus) return reasons.belowCpus(need.cpus);
  if (o.mem + 1e-9 < need.mem) return reasons.belowMem(need.mem);
  return undefined;
}

/** The reason, or undefined when some agent's last offer would fit (the driver only waits for its turn or for offers). */
export function waitingReason(need: DriverNeeds, seen: readonly OfferSeen[]): string | undefined {
  const needs = `waiting: needs ${amount(need.cpus)} cpus / ${amount(need.mem)} MiB`;
  if (seen.length === 0) return `${needs}; no offer seen yet`;
  const verdicts = seen.map((o) => ({ reason: driverOfferVerdict(need, o) }));
  if (verdicts.some((v) => v.reason === undefined)) return undefined;
  const declined = formatTally(tallyOffers(verdicts))!;
  // Too small somewhere: the largest offer tells how far off the request is.
  const small = seen.filter((_, i) => !verdicts[i]!.reason!.startsWith('failing constraint'));
  if (small.length === 0) return `${needs}; ${declined}`;
  return `${needs}; ${declined}; largest offer seen: ${amount(Math.max(...small.map((o) => o.cpus)))} cpus / ${amount(Math.max(...small.map((o) => o.mem)))} MiB`;
}
