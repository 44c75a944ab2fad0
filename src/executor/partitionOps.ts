/**
 * Operations that see a whole partition rather than one element at a time (mapPartitions, sample, zipWithIndex,
 * join rows), and the seeded random numbers that sampling uses.
 */
import type { Op } from '../core/plan.js';
import type { ShippedFunction } from '../core/closure.js';

type Fn = (...a: any[]) => any;

/** Applies `op` to the materialized `input` of task partition `partition`; `fn` compiles the op's shipped function. */
export async function applyPartitionOp(op: Op, input: unknown[], partition: number, fn: (f: ShippedFunction) => Promise<Fn>): Promise<Iterable<unknown>> {
  switch (op.k) {
    case 'mapPartitions': {
      const f = await fn(op.f);
      const r = await f(input[Symbol.iterator](), ...(op.withIndex ? [partition] : []));
      if (r == null || typeof (r as Iterable<unknown>)[Symbol.iterator] !== 'function') {
        if (r && typeof (r as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
          const out: unknown[] = [];
          for await (const x of r as AsyncIterable<unknown>) out.push(x);
          return out;
        }
        throw new Error('the function passed to mapPartitions must return an iterable (an array or a generator)');
      }
      return r as Iterable<unknown>;
    }
    case 'sample': {
      const rand = mulberry32(op.seed * 7919 + partition);
      const out: unknown[] = [];
      for (const x of input) {
        if (op.withReplacement) {
          for (let n = poisson(op.fraction, rand); n > 0; n--) out.push(x);
        } else if (rand() < op.fraction) out.push(x);
      }
      return out;
    }
    case 'zipWithIndex':
      return input.map((x, i) => [x, op.offset + i]);
    case 'join':
      return joinRows(input as [unknown, [unknown[], unknown[]]][], op.mode);
    default:
      throw new Error(`unexpected op ${op.k}`);
  }
}

/** The joined rows of cogrouped `[key, [left values, right values]]` rows, as the join mode keeps them. */
export function* joinRows(rows: [unknown, [unknown[], unknown[]]][], mode: 'inner' | 'left' | 'right' | 'full'): Generator<unknown> {
  for (const [k, [left, right]] of rows) {
    if (left.length > 0 && right.length > 0) {
      for (const a of left) for (const b of right) yield [k, [a, b]];
    } else if (left.length > 0 && (mode === 'left' || mode === 'full')) {
      for (const a of left) yield [k, [a, undefined]];
    } else if (right.length > 0 && (mode === 'right' || mode === 'full')) {
      for (const b of right) yield [k, [undefined, b]];
    }
  }
}

/** A small seeded generator in [0, 1), so a partition samples the same way on every attempt. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function poisson(mean: number, rand: () => number): number {
  const l = Math.exp(-mean);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= rand();
  } while (p > l);
  return k - 1;
}
