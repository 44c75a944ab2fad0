import { WIRE, type WireConvertible } from './closure.js';
import { SparkException } from '../util/errors.js';

/**
 * A read-only value shipped once to each executor instead of with every task. Put it in a function's env and read
 * `.value` inside the function.
 */
export class Broadcast<T> implements WireConvertible {
  private destroyed = false;

  constructor(
    readonly id: number,
    private readonly v: T,
    private readonly onDestroy: (id: number) => void,
  ) {}

  get value(): T {
    if (this.destroyed) throw new SparkException(`Attempted to use Broadcast(${this.id}) after it was destroyed`);
    return this.v;
  }

  /** Executors drop their copy; the next task that uses it gets it again. */
  unpersist(): void {
    this.onDestroy(this.id);
  }

  destroy(): void {
    this.destroyed = true;
    this.onDestroy(this.id);
  }

  [WIRE](): unknown {
    if (this.destroyed) throw new SparkException(`Attempted to use Broadcast(${this.id}) after it was destroyed`);
    return { __sparkBroadcast: this.id };
  }

  toString(): string {
    return `Broadcast(${this.id})`;
  }
}
