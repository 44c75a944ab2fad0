/**
 * Builds the stage graph of a job: a stage for its final RDD and, recursively, one shuffle map stage per shuffle
 * dependency, shared by every job that reads the same shuffle. Also answers which parents of a stage lack outputs.
 */
import type { MapOutputTracker } from './MapOutputTracker.js';
import { stageLineage, type RDDLike, type ShuffleDependency, type Stage } from './Stage.js';

export class StageGraph {
  private nextStage = 0;
  private readonly shuffleStages = new Map<number, Stage>();
  /** Shuffle preparations started (each runs once, even when several jobs ask at the same time). */
  private readonly prepared = new Map<number, Promise<void>>();

  constructor(private readonly outputs: MapOutputTracker) {}

  /** Builds a stage for `rdd` and, recursively, the shuffle map stages it depends on. */
  async newStage(rdd: RDDLike, shuffleDep: ShuffleDependency | undefined, jobId: number): Promise<Stage> {
    const parents: Stage[] = [];
    const seen = new Set<number>();
    const visit = async (r: RDDLike) => {
      if (seen.has(r.id)) return;
      seen.add(r.id);
      for (const d of r.dependencies()) {
        if (d.kind === 'narrow') await visit(d.rdd);
        else parents.push(await this.shuffleStage(d, jobId));
      }
    };
    await visit(rdd);
    return {
      id: this.nextStage++, rdd, shuffleDep, parents, jobIds: new Set([jobId]), attempt: 0, running: false, inFlight: new Set(),
      failures: new Map(),
    };
  }

  /** The map stage that writes `shuffleId`, if one was built. */
  mapStage(shuffleId: number): Stage | undefined {
    return this.shuffleStages.get(shuffleId);
  }

  /** A map stage whose outputs are all registered. */
  isAvailable(s: Stage): boolean {
    return s.shuffleDep !== undefined && this.outputs.isAvailable(s.shuffleDep.shuffleId);
  }

  /** Parents of `stage` that must run (again) before it can. */
  missingParents(stage: Stage): Stage[] {
    return stage.parents.filter((p) => !this.isAvailable(p));
  }

  private async shuffleStage(dep: ShuffleDependency, jobId: number): Promise<Stage> {
    const existing = this.shuffleStages.get(dep.shuffleId);
    if (existing) {
      for (const s of stageLineage(existing)) s.jobIds.add(jobId);
      return existing;
    }
    if (dep.prepare) {
      let p = this.prepared.get(dep.shuffleId);
      if (!p) {
        p = dep.prepare();
        this.prepared.set(dep.shuffleId, p);
      }
      await p;
    }
    const stage = await this.newStage(dep.rdd, dep, jobId);
    this.outputs.register(dep.shuffleId, dep.rdd.numPartitions);
    this.shuffleStages.set(dep.shuffleId, stage);
    return stage;
  }
}
