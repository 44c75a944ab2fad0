import { WIRE, type WireConvertible } from './closure.js';

/**
 * A value tasks add to and the driver reads. Updates from a task count once, when the task succeeds (retried or
 * killed attempts add nothing).
 */
export abstract class Accumulator<IN, OUT> implements WireConvertible {
  constructor(
    readonly id: number,
    readonly name: string | undefined,
  ) {}

  abstract add(v: IN): void;
  abstract get value(): OUT;
  abstract reset(): void;

  /** Merges the updates of one successful task. */
  abstract merge(updates: unknown[]): void;

  [WIRE](): unknown {
    return { __sparkAccumulator: this.id };
  }
}

export class LongAccumulator extends Accumulator<number, number> {
  private sum = 0;
  private n = 0;

  add(v: number): void {
    this.sum += v;
    this.n++;
  }

  get value(): number {
    return this.sum;
  }

  get count(): number {
    return this.n;
  }

  get avg(): number {
    return this.n === 0 ? NaN : this.sum / this.n;
  }

  reset(): void {
    this.sum = 0;
    this.n = 0;
  }

  merge(updates: unknown[]): void {
    for (const u of updates) this.add(Number(u));
  }
}

export class CollectionAccumulator<T> extends Accumulator<T, T[]> {
  private items: T[] = [];

  add(v: T): void {
    this.items.push(v);
  }

  get value(): T[] {
    return [...this.items];
  }

  reset(): void {
    this.items = [];
  }

  merge(updates: unknown[]): void {
    this.items.push(...(updates as T[]));
  }
}
