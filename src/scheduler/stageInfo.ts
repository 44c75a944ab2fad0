/** How stages are described to listeners (the UI, event log, progress bar): names and StageInfo. */
import type { Job } from './ActiveJob.js';
import type { RddInfoLite, StageInfoLite } from './events.js';
import { stageLineage, type RDDLike, type Stage } from './Stage.js';

export function stageName(stage: Stage, job: Job): string {
  return stage.shuffleDep ? `shuffle map at ${stage.rdd.name}` : `${job.sink.k} at ${stage.rdd.name}`;
}

/** The stage as the UI shows it: its RDDs up to the shuffle boundaries, and its parents. */
export function stageInfo(stage: Stage, job: Job): StageInfoLite {
  const rdds: RddInfoLite[] = [];
  const seen = new Set<number>();
  const visit = (r: RDDLike) => {
    if (seen.has(r.id)) return;
    seen.add(r.id);
    const deps = r.dependencies();
    rdds.push({ id: r.id, name: r.name, numPartitions: r.numPartitions, parentIds: deps.map((d) => d.rdd.id), cached: (r as { isCached?: boolean }).isCached === true });
    for (const d of deps) if (d.kind === 'narrow') visit(d.rdd);
  };
  visit(stage.rdd);
  const numTasks = stage.shuffleDep ? stage.rdd.numPartitions : job.partitions.length;
  return { stageId: stage.id, attempt: stage.attempt, name: stageName(stage, job), numTasks, parentIds: stage.parents.map((p) => p.id), rdds };
}

/** What a job start announces: every stage of the job, the final one first. */
export function jobStages(job: Job): { stageIds: number[]; stages: StageInfoLite[] } {
  const lineage = stageLineage(job.finalStage);
  return { stageIds: lineage.map((s) => s.id), stages: lineage.map((s) => stageInfo(s, job)) };
}
