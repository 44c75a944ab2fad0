/**
 * The coarse-grained backend's decision for one round of offers, as a pure function (Spark's
 * `MesosCoarseGrainedSchedulerBackend.resourceOffers` / `buildMesosTasks`): which offers get which executors,
 * which are declined, and for how long.
 */
import type { Offer } from '../../mesos/wire/framework.js';
import type { Resource } from '../../mesos/wire/resources.js';
import { MesosSchedulerUtils as U } from './MesosSchedulerUtils.js';
import { firstUnmetConstraint, reasons } from './offerTally.js';

/** An agent is excluded once this many executors failed on it (Spark's MAX_AGENT_FAILURES). */
export const MAX_AGENT_FAILURES = 2;

export interface CoarsePlannerConfig {
  /** `spark.cores.max` rounded down to a multiple of the executor cores (unbounded: 2147483647). */
  maxCores: number;
  /** `spark.executor.cores` when set explicitly. */
  executorCores: number | undefined;
  /** Executor memory plus overhead, MiB. */
  executorMemory: number;
  maxGpus: number;
  constraints: Map<string, Set<string>>;
  /** Ports the executor must get from the offer (`spark.blockManager.port` when non-zero). */
  ports: number[];
  rejectUnmetConstraintsSeconds: number;
  rejectMaxCoresSeconds: number;
}

export interface CoarsePlannerState {
  stopping: boolean;
  totalCoresAcquired: number;
  totalGpusAcquired: number;
  /** Launched executors not yet terminated. */
  numExecutors: number;
  /** `Infinity` without dynamic allocation. */
  executorLimit: number;
  /** Failed executors per agent id. */
  agentFailures: ReadonlyMap<string, number>;
  /**
   * Dynamic allocation's host preference (`locality.ts`): whether an offer from `hostname` may get an executor now,
   * given the hosts that got one earlier in this round.
   */
  satisfiesLocality: (hostname: string, launchedThisRound: ReadonlySet<string>) => boolean;
}

export interface PlannedExecutor {
  offerId: string;
  agentId: string;
  hostname: string;
  cpus: number;
  gpus: number;
  memory: number;
  /** The offer's resources this executor takes (cpus, mem, ports, gpus pieces, each with its role). */
  resources: Resource[];
}

export interface OfferDecision {
  /** Executors per offer id, in creation order. */
  launch: Map<string, PlannedExecutor[]>;
  /** Offers to decline, each with why (worded for the waiting explanation); `refuseSeconds` undefined means Mesos' default filter. */
  decline: { offerId: string; refuseSeconds: number | undefined; reason: string }[];
}

function floorCpus(res: readonly Resource[]): number {
  return Math.floor(U.getResource(res, 'cpus') + 1e-9);
}

export function planOffers(offers: readonly Offer[], cfg: CoarsePlannerConfig, st: CoarsePlannerState): OfferDecision {
  const decision: OfferDecision = { launch: new Map(), decline: [] };
  if (st.stopping) {
    for (const o of offers) decision.decline.push({ offerId: o.id.value, refuseSeconds: undefined, reason: 'stopping' });
    return decision;
  }
  if (st.numExecutors >= st.executorLimit) {
    for (const o of offers) decision.decline.push({ offerId: o.id.value, refuseSeconds: undefined, reason: 'executor limit reached' });
    return decision;
  }
  const matched: Offer[] = [];
  for (const o of offers) {
    if (U.matchesAttributeRequirements(cfg.constraints, o.attributes ?? [])) matched.push(o);
    else {
      const reason = reasons.failingConstraint(firstUnmetConstraint(cfg.constraints, o.attributes ?? []) ?? 'spark.mesos.constraints');
      decision.decline.push({ offerId: o.id.value, refuseSeconds: cfg.rejectUnmetConstraintsSeconds, reason });
    }
  }
  let coresAcquired = st.totalCoresAcquired;
  let gpusAcquired = st.totalGpusAcquired;
  let executors = st.numExecutors;
  const coresFor = (offerCpus: number) => cfg.executorCores ?? Math.min(offerCpus, cfg.maxCores - coresAcquired);
  const remaining = new Map(matched.map((o) => [o.id.value, [...(o.resources ?? [])]]));
  const launchedHosts = new Set<string>();
  for (;;) {
    let launched = false;
    for (const o of matched) {
      const res = remaining.get(o.id.value)!;
      const offerCpus = floorCpus(res);
      const cpus = coresFor(offerCpus);
      const canLaunch =
        cpus > 0 &&
        cpus <= offerCpus &&
        cpus + coresAcquired <= cfg.maxCores &&
        cfg.executorMemory <= U.getResource(res, 'mem') &&
        executors < st.executorLimit &&
        (st.agentFailures.get(o.agent_id.value) ?? 0) < MAX_AGENT_FAILURES &&
        checkPorts(cfg.ports, U.getRangeResource(res, 'ports')) &&
        st.satisfiesLocality(o.hostname, launchedHosts);
      if (!canLaunch) continue;
      launched = true;
      const gpus = Math.min(Math.max(0, cfg.maxGpus - gpusAcquired), Math.floor(U.getResource(res, 'gpus')));
      const [afterCpus, cpuPieces] = U.partitionResources(res, 'cpus', cpus);
      const [afterMem, memPieces] = U.partitionResources(afterCpus, 'mem', cfg.executorMemory);
      const [afterGpus, gpuPieces] = gpus > 0 ? U.partitionResources(afterMem, 'gpus', gpus) : [afterMem, []];
      const [left, portPieces] = U.partitionPortResources(cfg.ports, afterGpus);
      remaining.set(o.id.value, left);
      const list = decision.launch.get(o.id.value) ?? [];
      list.push({
        offerId: o.id.value, agentId: o.agent_id.value, hostname: o.hostname, cpus, gpus, memory: cfg.executorMemory,
        resources: [...cpuPieces, ...memPieces, ...portPieces, ...gpuPieces],
      });
      decision.launch.set(o.id.value, list);
      launchedHosts.add(o.hostname);
      coresAcquired += cpus;
      gpusAcquired += gpus;
      executors++;
    }
    if (!launched) break;
  }
  for (const o of matched) {
    if (decision.launch.has(o.id.value)) continue;
    if (coresAcquired >= cfg.maxCores) decision.decline.push({ offerId: o.id.value, refuseSeconds: cfg.rejectMaxCoresSeconds, reason: 'spark.cores.max reached' });
    else {
      const reason = whyNoExecutor(o, remaining.get(o.id.value)!, cfg, st, { coresAcquired, executors, launchedHosts });
      decision.decline.push({ offerId: o.id.value, refuseSeconds: undefined, reason });
    }
  }
  return decision;
}

/** Why an offer that meets the constraints got no executor: the first launch condition it fails, in `planOffers`' order. */
function whyNoExecutor(
  o: Offer, res: readonly Resource[], cfg: CoarsePlannerConfig, st: CoarsePlannerState,
  round: { coresAcquired: number; executors: number; launchedHosts: ReadonlySet<string> },
): string {
  const offerCpus = floorCpus(res);
  const cpus = cfg.executorCores ?? Math.min(offerCpus, cfg.maxCores - round.coresAcquired);
  if (cfg.executorCores !== undefined ? cfg.executorCores > offerCpus : offerCpus < 1) return reasons.belowCpus(cfg.executorCores ?? 1);
  if (cpus + round.coresAcquired > cfg.maxCores) return 'spark.cores.max reached';
  if (cfg.executorMemory > U.getResource(res, 'mem')) return reasons.belowMem(cfg.executorMemory);
  if (round.executors >= st.executorLimit) return 'executor limit reached';
  if ((st.agentFailures.get(o.agent_id.value) ?? 0) >= MAX_AGENT_FAILURES) return 'on an excluded agent';
  if (!checkPorts(cfg.ports, U.getRangeResource(res, 'ports'))) return `without port ${cfg.ports.join(', ')}`;
  if (!st.satisfiesLocality(o.hostname, round.launchedHosts)) return 'waiting for preferred hosts (spark.locality.wait)';
  return 'unmet task launch constraints';
}

function checkPorts(wanted: readonly number[], ranges: readonly [number, number][]): boolean {
  if (wanted.length === 0) return true;
  const total = ranges.reduce((n, [b, e]) => n + (e - b + 1), 0);
  return total >= wanted.length && wanted.every((p) => ranges.some(([b, e]) => b <= p && p <= e));
}

/** `spark.cores.max` rounded down to a multiple of the executor cores (1 when unset). */
export function effectiveMaxCores(coresMax: number | undefined, executorCores: number | undefined): number {
  const max = coresMax ?? 2147483647;
  return max - (max % (executorCores ?? 1));
}
