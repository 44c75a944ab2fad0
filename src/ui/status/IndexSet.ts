/**
 * Distinct task indices, counted (Spark's `numCompletedIndices`): one bit each in a byte array that grows with the
 * largest index, so a stage of many tasks adds no object per task and nothing the garbage collector walks; indices
 * past BITMAP_LIMIT (a log may hold any number) go to a Set instead.
 */
const BITMAP_LIMIT = 1 << 20;

export class IndexSet {
  private bits = new Uint8Array(0);
  private large: Set<number> | undefined;
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(index: number): void {
    if (Number.isInteger(index) && index >= 0 && index < BITMAP_LIMIT) {
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
    const before = large.size;
    large.add(index);
    this.count += large.size - before;
  }
}
