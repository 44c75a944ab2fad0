import type { PartitionerSpec } from './plan.js';
import { partitionFn } from '../shuffle/partitioning.js';
import { IllegalArgumentException } from '../util/errors.js';

/** How pair RDD keys are spread over partitions (Spark's Partitioner). */
export abstract class Partitioner {
  constructor(readonly numPartitions: number) {
    if (!Number.isInteger(numPartitions) || numPartitions < 1) {
      throw new IllegalArgumentException(`numPartitions should be a whole number of at least 1, but was ${numPartitions}`);
    }
  }

  abstract spec(): PartitionerSpec;

  getPartition(key: unknown): number {
    return partitionFn(this.spec())(key);
  }

  equals(o: Partitioner): boolean {
    return JSON.stringify(this.spec()) === JSON.stringify(o.spec());
  }
}

/** Keys go to `hash(key) mod numPartitions`, the hash taken over the key's value. */
export class HashPartitioner extends Partitioner {
  spec(): PartitionerSpec {
    return { kind: 'hash', numPartitions: this.numPartitions };
  }
}

/** Keys go to sorted ranges; `bounds` are the upper bounds of all but the last partition. */
export class RangePartitioner extends Partitioner {
  constructor(
    numPartitions: number,
    readonly bounds: unknown[],
    readonly ascending = true,
  ) {
    super(numPartitions);
  }

  spec(): PartitionerSpec {
    return { kind: 'range', numPartitions: this.numPartitions, bounds: this.bounds, ascending: this.ascending };
  }
}
