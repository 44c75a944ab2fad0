/** A job the DAG scheduler runs (Spark's ActiveJob), and questions about jobs and the stages they run. */
import type { Sink } from '../core/plan.js';
import { stageLineage, type Stage } from './Stage.js';

export interface Job {
  id: number;
  finalStage: Stage;
  partitions: number[];
  sink: Sink;
  /** Result partitions delivered. */
  done: Set<number>;
  onResult: (partition: number, value: unknown) => void;
  onAccumulators: (updates: Record<number, unknown[]>) => void;
  resolve: () => void;
  reject: (e: Error) => void;
  group: string | undefined;
  description: string | undefined;
  finished: boolean;
  /** Stages waiting for their parents' outputs. */
  waiting: Set<Stage>;
}

/** Whether `job` runs the stage `stageId` (its final stage or an ancestor). */
export function jobRunsStage(job: Job, stageId: number): boolean {
  return stageLineage(job.finalStage).some((s) => s.id === stageId);
}

/** Ids of every stage the jobs run. */
export function stageIdsOf(jobs: Iterable<Job>): Set<number> {
  const out = new Set<number>();
  for (const j of jobs) for (const s of stageLineage(j.finalStage)) out.add(s.id);
  return out;
}

/** The unfinished jobs, among `jobs`, that use `stage`. */
export function activeJobsUsing(stage: Stage, jobs: ReadonlyMap<number, Job>): Job[] {
  return [...stage.jobIds].map((id) => jobs.get(id)).filter((j): j is Job => j !== undefined && !j.finished);
}

/** The shuffles the stages of the unfinished jobs write or read. */
export function shufflesOfActiveJobs(jobs: Iterable<Job>): Set<number> {
  const out = new Set<number>();
  for (const j of jobs) {
    if (j.finished) continue;
    for (const s of stageLineage(j.finalStage)) if (s.shuffleDep) out.add(s.shuffleDep.shuffleId);
  }
  return out;
}
