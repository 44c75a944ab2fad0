/** Stages: the pieces a job's RDD lineage is cut into at shuffle boundaries, and what the scheduler needs of an RDD. */
import type { Aggregation, PartitionerSpec, Plan } from '../core/plan.js';

export type Dependency =
  | { kind: 'narrow'; rdd: RDDLike }
  | {
      kind: 'shuffle';
      shuffleId: number;
      rdd: RDDLike;
      partitioner: () => PartitionerSpec;
      /** Map-side combining, when the shuffle aggregates. */
      agg?: Aggregation;
      /** Work needed before map tasks can be built (a range partitioner samples its keys). */
      prepare?: () => Promise<void>;
    };

export type ShuffleDependency = Extract<Dependency, { kind: 'shuffle' }>;

/** What the scheduler needs of an RDD. */
export interface RDDLike {
  readonly id: number;
  readonly numPartitions: number;
  readonly name: string;
  dependencies(): Dependency[];
  plan(partition: number): Plan;
  /** Executors caching this partition (or a parent's, through narrow dependencies). */
  preferredExecutors(partition: number): string[];
}

/** A shuffle map stage (it has `shuffleDep`) or a job's result stage. */
export interface Stage {
  id: number;
  rdd: RDDLike;
  shuffleDep: ShuffleDependency | undefined;
  parents: Stage[];
  jobIds: Set<number>;
  attempt: number;
  running: boolean;
  /** Partitions with a task in flight. */
  inFlight: Set<number>;
  failures: Map<number, number>;
}

/** `root` and every stage it depends on, each once, in depth-first pre-order (`root` first). */
export function stageLineage(root: Stage): Stage[] {
  const out: Stage[] = [];
  const seen = new Set<Stage>();
  const visit = (s: Stage) => {
    if (seen.has(s)) return;
    seen.add(s);
    out.push(s);
    s.parents.forEach(visit);
  };
  visit(root);
  return out;
}
