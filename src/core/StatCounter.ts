/** Count, mean, variance (Welford) and extremes of numbers; mergeable across partitions, as Spark's StatCounter. */
export class StatCounter {
  count = 0;
  mean = 0;
  private m2 = 0;
  max = -Infinity;
  min = Infinity;

  static of(values: Iterable<number>): StatCounter {
    const s = new StatCounter();
    for (const v of values) s.merge(v);
    return s;
  }

  static fromJSON(o: { count: number; mean: number; m2: number; max: number; min: number }): StatCounter {
    return Object.assign(new StatCounter(), o);
  }

  toJSON(): { count: number; mean: number; m2: number; max: number; min: number } {
    return { count: this.count, mean: this.mean, m2: this.m2, max: this.max, min: this.min };
  }

  merge(v: number): this {
    const delta = v - this.mean;
    this.count++;
    this.mean += delta / this.count;
    this.m2 += delta * (v - this.mean);
    this.max = Math.max(this.max, v);
    this.min = Math.min(this.min, v);
    return this;
  }

  mergeStats(o: StatCounter): this {
    if (o.count === 0) return this;
    if (this.count === 0) return Object.assign(this, o.toJSON());
    const delta = o.mean - this.mean;
    const n = this.count + o.count;
    this.mean = (this.mean * this.count + o.mean * o.count) / n;
    this.m2 += o.m2 + (delta * delta * this.count * o.count) / n;
    this.count = n;
    this.max = Math.max(this.max, o.max);
    this.min = Math.min(this.min, o.min);
    return this;
  }

  get sum(): number {
    return this.mean * this.count;
  }

  /** Population variance. */
  get variance(): number {
    return this.count === 0 ? NaN : this.m2 / this.count;
  }

  get sampleVariance(): number {
    return this.count <= 1 ? NaN : this.m2 / (this.count - 1);
  }

  get stdev(): number {
    return Math.sqrt(this.variance);
  }

  get sampleStdev(): number {
    return Math.sqrt(this.sampleVariance);
  }

  toString(): string {
    return `(count: ${this.count}, mean: ${this.mean}, stdev: ${this.stdev}, max: ${this.max}, min: ${this.min})`;
  }
}
