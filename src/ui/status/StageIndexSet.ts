import { IndexSet } from './IndexSet.js';

/**
 * The (stage, partition index) pairs a job has completed, as Spark counts `numCompletedIndices`: one per pair, however
 * many attempts ran it. Kept per stage as an IndexSet rather than as "stage.index" strings: a job of many tasks keeps
 * one entry per task for as long as it is retained.
 */
export class StageIndexSet {
  private readonly byStage = new Map<number, IndexSet>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(stageId: number, index: number): void {
    let s = this.byStage.get(stageId);
    if (s === undefined) this.byStage.set(stageId, (s = new IndexSet()));
    const before = s.size;
    s.add(index);
    this.count += s.size - before;
  }
}
