/**
 * Distinct task indices, counted (Spark's `numCompletedIndices`): one bit each in a byte array, so a stage of many
 * tasks adds no object per task and nothing the garbage collector walks. The array covers indices only while it stays
 * within a few bytes per index held (a job that completes a few far partitions, as `take` does, would otherwise pay
 * for every partition below them); indices beyond it, or beyond BITMAP_LIMIT, go to a Set instead.
 */
const BITMAP_LIMIT = 1 << 20;
/** The array may span this many indices per index held (8 bytes each), and at least MIN_SPAN. */
const SPAN_PER_INDEX = 64;
const MIN_SPAN = 512;

export class IndexSet {
  private bits = new Uint8Array(0);
  private large: Set<number> | undefined;
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(index: number): void {
    if (this.large?.has(index)) return;
    const span = Math.max(MIN_SPAN, (this.count + 1) * SPAN_PER_INDEX);
    if (Number.isInteger(index) && index >= 0 && index < BITMAP_LIMIT && (index < this.bits.length * 8 || index < span)) {
      const at = index >>> 3;
      if (at >= this.bits.length) {
        const grown = new Uint8Array(Math.min(BITMAP_LIMIT >>> 3, Math.max(at + 1, this.bits.length * 2, 64)));
        grown.set(this.bits);
        this.bits = grown;
      }
      const bit = 1 << (index & 7);
      if ((this.bits[at]! & bit) === 0) {
        this.bits[at]! |= bit;
        this.count++;
      }
      return;
    }
    const large = (this.large ??= new Set());
    large.add(index);
    this.count++;
  }
}
