/**
 * Why a queued driver is still waiting, for its status message and the dispatcher UI. As in Spark, a driver larger
 * than any agent offers stays queued (agents may join); unlike Spark, it says so, against what agents last offered.
 */
import type { Attribute } from '../../mesos/wire/resources.js';
import { MesosSchedulerUtils as U } from '../../cluster/mesos/MesosSchedulerUtils.js';

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

const num = (n: number) => String(Number(n.toFixed(2)));

/** The reason, or undefined when some agent's last offer would fit (the driver only waits for its turn or for offers). */
export function waitingReason(need: DriverNeeds, seen: readonly OfferSeen[]): string | undefined {
  const needs = `waiting: needs ${num(need.cpus)} cpus / ${num(need.mem)} MiB`;
  if (seen.length === 0) return `${needs}; no offer seen yet`;
  const big = seen.filter((o) => o.cpus + 1e-9 >= need.cpus && o.mem + 1e-9 >= need.mem);
  if (big.length === 0) {
    const cpus = Math.max(...seen.map((o) => o.cpus));
    const mem = Math.max(...seen.map((o) => o.mem));
    return `${needs}; largest offer seen: ${num(cpus)} cpus / ${num(mem)} MiB`;
  }
  if (big.some((o) => U.matchesAttributeRequirements(need.constraints, o.attributes))) return undefined;
  return `${needs} on an agent matching spark.mesos.driver.constraints '${need.constraintString}'; no offer seen that is large enough matches`;
}
