/**
 * Which offers run which drivers (Spark's `MesosClusterScheduler.scheduleTasks`), as a pure function: candidates in
 * order (retries whose wait has passed, then the queue) each take the first offer with enough remaining cpus and
 * memory whose attributes match the driver's `spark.mesos.driver.constraints`; several drivers may share an offer.
 */
import type { Offer } from '../../mesos/wire/framework.js';
import type { Resource } from '../../mesos/wire/resources.js';
import { MesosSchedulerUtils as U } from '../../cluster/mesos/MesosSchedulerUtils.js';
import * as config from '../../conf/catalog.js';
import { driverConf, type MesosDriverDescription } from './MesosDriverDescription.js';
import type { DriverNeeds } from './waitingReason.js';

export interface DriverLaunch {
  driver: MesosDriverDescription;
  offer: Offer;
  /** The offer's cpus and mem pieces this driver takes (roles kept). */
  resources: Resource[];
}

export interface DriverLaunchPlan {
  launches: DriverLaunch[];
  /** Drivers whose configuration could not be read (bad constraint string ...): they end without launching. */
  invalid: { driver: MesosDriverDescription; error: string }[];
  /** Offers no driver took. */
  unused: Offer[];
}

/** The driver task's memory, MiB: driver memory plus `spark.mesos.driver.memoryOverhead` (or max(10%, 384)), once. */
export function driverTaskMemory(d: MesosDriverDescription): number {
  return U.driverContainerMemory(driverConf(d));
}

interface Requirements {
  mem: number;
  constraints: Map<string, Set<string>>;
  constraintString: string;
}

/** Each driver's needs, read from its configuration once (offer rounds look at every queued driver). */
const requirementsCache = new WeakMap<MesosDriverDescription, Requirements | { error: string }>();

function requirements(d: MesosDriverDescription): Requirements | { error: string } {
  let r = requirementsCache.get(d);
  if (!r) {
    try {
      const constraintString = driverConf(d).get(config.MESOS_DRIVER_CONSTRAINTS);
      r = { mem: driverTaskMemory(d), constraints: U.parseConstraintString(constraintString), constraintString };
    } catch (err) {
      r = { error: (err as Error).message };
    }
    requirementsCache.set(d, r);
  }
  return r;
}

/** What a driver needs from an offer: cpus, task memory and constraints (or why its configuration is unusable). */
export function driverNeeds(d: MesosDriverDescription): DriverNeeds | { error: string } {
  const r = requirements(d);
  return 'error' in r ? r : { cpus: d.cores, ...r };
}

export function planDriverLaunches(candidates: readonly MesosDriverDescription[], offers: readonly Offer[]): DriverLaunchPlan {
  const remaining = new Map(offers.map((o) => [o.id.value, [...(o.resources ?? [])]]));
  const plan: DriverLaunchPlan = { launches: [], invalid: [], unused: [] };
  const used = new Set<string>();
  for (const d of candidates) {
    const req = requirements(d);
    if ('error' in req) {
      plan.invalid.push({ driver: d, error: req.error });
      continue;
    }
    const offer = offers.find((o) => {
      const res = remaining.get(o.id.value)!;
      return U.getResource(res, 'cpus') + 1e-9 >= d.cores && U.getResource(res, 'mem') + 1e-9 >= req.mem && U.matchesAttributeRequirements(req.constraints, o.attributes ?? []);
    });
    if (!offer) continue;
    const [afterCpus, cpus] = U.partitionResources(remaining.get(offer.id.value)!, 'cpus', d.cores);
    const [afterMem, memPieces] = U.partitionResources(afterCpus, 'mem', req.mem);
    remaining.set(offer.id.value, afterMem);
    used.add(offer.id.value);
    plan.launches.push({ driver: d, offer, resources: [...cpus, ...memPieces] });
  }
  plan.unused = offers.filter((o) => !used.has(o.id.value));
  return plan;
}

/** Queue order: higher queue priority first, then earlier submission, then acceptance order (never equal). */
export function compareQueued(priority: (d: MesosDriverDescription) => number) {
  return (a: MesosDriverDescription, b: MesosDriverDescription): number =>
    priority(b) - priority(a) || a.submissionDate - b.submissionDate || a.seq - b.seq;
}
