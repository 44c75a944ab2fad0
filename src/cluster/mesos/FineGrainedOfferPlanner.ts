/**
 * The fine-grained backend's decisions, as pure functions (Spark's `MesosFineGrainedSchedulerBackend.resourceOffers`):
 * which offers can run tasks and how many task slots each has, and which resources each launched task (and, on an
 * agent's first task, its executor) takes from the offer.
 */
import type { Offer } from '../../mesos/wire/framework.js';
import type { Resource } from '../../mesos/wire/resources.js';
import { MesosSchedulerUtils as U } from './MesosSchedulerUtils.js';
import { firstUnmetConstraint, reasons } from './offerTally.js';

export interface FinePlannerConfig {
  /** `spark.mesos.mesosExecutor.cores`: cpus the per-agent executor itself holds. */
  executorCores: number;
  /** Executor memory plus overhead, MiB (held by the executor, shared by its tasks). */
  executorMemory: number;
  /** `spark.task.cpus`. */
  taskCpus: number;
  constraints: Map<string, Set<string>>;
  rejectUnmetConstraintsSeconds: number;
}

export interface FinePlannerState {
  stopping: boolean;
  /** Agents where this framework's executor runs (its cpus and memory are already held). */
  agentsWithExecutors: ReadonlySet<string>;
}

export interface UsableOffer {
  offer: Offer;
  /** Task slots: whole `spark.task.cpus` units left after the executor's own share. */
  slots: number;
  /** Whether the executor must be started with the first task (its resources come from this offer). */
  needsExecutor: boolean;
}

export interface FineOfferDecision {
  usable: UsableOffer[];
  decline: { offerId: string; refuseSeconds: number | undefined; reason: string }[];
}

const EPS = 1e-9;

export function planFineGrainedOffers(offers: readonly Offer[], cfg: FinePlannerConfig, st: FinePlannerState): FineOfferDecision {
  const out: FineOfferDecision = { usable: [], decline: [] };
  for (const o of offers) {
    const id = o.id.value;
    if (st.stopping) {
      out.decline.push({ offerId: id, refuseSeconds: undefined, reason: 'stopping' });
      continue;
    }
    if (!U.matchesAttributeRequirements(cfg.constraints, o.attributes ?? [])) {
      const reason = reasons.failingConstraint(firstUnmetConstraint(cfg.constraints, o.attributes ?? []) ?? 'spark.mesos.constraints');
      out.decline.push({ offerId: id, refuseSeconds: cfg.rejectUnmetConstraintsSeconds, reason });
      continue;
    }
    const res = o.resources ?? [];
    const cpus = U.getResource(res, 'cpus');
    const needsExecutor = !st.agentsWithExecutors.has(o.agent_id.value);
    const forTasks = needsExecutor ? cpus - cfg.executorCores : cpus;
    const memOk = !needsExecutor || U.getResource(res, 'mem') + EPS >= cfg.executorMemory;
    const slots = Math.floor((forTasks + EPS) / cfg.taskCpus);
    if (!memOk || slots < 1) {
      // Worded as the coarse planner's reasons, so the starvation warning's tally reads the same in both modes.
      const reason = slots < 1 ? reasons.belowCpus((needsExecutor ? cfg.executorCores : 0) + cfg.taskCpus) : reasons.belowMem(cfg.executorMemory);
      out.decline.push({ offerId: id, refuseSeconds: undefined, reason });
      continue;
    }
    out.usable.push({ offer: o, slots, needsExecutor });
  }
  return out;
}

/** The offer's resources taken by the executor (when it starts here) and by each of `tasks` tasks, in order. */
export function partitionFineGrainedResources(
  offer: Offer,
  cfg: Pick<FinePlannerConfig, 'executorCores' | 'executorMemory' | 'taskCpus'>,
  needsExecutor: boolean,
  tasks: number,
): { executor: Resource[]; tasks: Resource[][] } {
  let rest: Resource[] = [...(offer.resources ?? [])];
  const executor: Resource[] = [];
  if (needsExecutor) {
    const [afterCpus, cpuPieces] = cfg.executorCores > 0 ? U.partitionResources(rest, 'cpus', cfg.executorCores) : [rest, []];
    const [afterMem, memPieces] = U.partitionResources(afterCpus, 'mem', cfg.executorMemory);
    executor.push(...cpuPieces, ...memPieces);
    rest = afterMem;
  }
  const perTask: Resource[][] = [];
  for (let i = 0; i < tasks; i++) {
    const [left, pieces] = U.partitionResources(rest, 'cpus', cfg.taskCpus);
    perTask.push(pieces);
    rest = left;
  }
  return { executor, tasks: perTask };
}
