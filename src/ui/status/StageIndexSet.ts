/**
 * The (stage, partition index) pairs a job has completed, as Spark counts `numCompletedIndices`: one per pair, however
 * many attempts ran it. Kept as numbers per stage rather than as "stage.index" strings: a job of many tasks keeps one
 * entry per task for as long as it is retained, and a string each was the larger part of that.
 */
export class StageIndexSet {
  private readonly byStage = new Map<number, Set<number>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(stageId: number, index: number): void {
    let s = this.byStage.get(stageId);
    if (s === undefined) this.byStage.set(stageId, (s = new Set()));
    const before = s.size;
    s.add(index);
    this.count += s.size - before;
  }
}
