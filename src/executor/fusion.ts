/**
 * Fuses a chain of one-in, n-out operations (map, filter, flatMap, mapValues, flatMapValues, keyBy) into one
 * generated loop body, so a narrow pipeline runs as a single loop with no per-element iterator objects; V8 then
 * inlines the small user functions. A consumer returns true to stop early (take).
 */
import type { Op } from '../core/plan.js';
import { codeOf } from './functions.js';

export type Push = (v: unknown) => boolean;
export type FusedOp = { k: Op['k']; fn: (...a: any[]) => any };

function body(ops: readonly FusedOp[], i: number, v: string, sinkCode: (v: string) => string): string {
  if (i === ops.length) return sinkCode(v);
  const f = `f${i}`;
  const n = `v${i + 1}`;
  const next = (name: string) => body(ops, i + 1, name, sinkCode);
  switch (ops[i]!.k) {
    case 'map':
      return `const ${n} = ${f}(${v}); ${next(n)}`;
    case 'filter':
      return `if (${f}(${v})) { ${next(v)} }`;
    case 'flatMap':
      return `for (const ${n} of ${f}(${v})) { ${next(n)} }`;
    case 'mapValues':
      return `const ${n} = [${v}[0], ${f}(${v}[1])]; ${next(n)}`;
    case 'flatMapValues':
      return `for (const w${i} of ${f}(${v}[1])) { const ${n} = [${v}[0], w${i}]; ${next(n)} }`;
    case 'keyBy':
      return `const ${n} = [${f}(${v}), ${v}]; ${next(n)}`;
    default:
      throw new Error(`cannot fuse ${ops[i]!.k}`);
  }
}

const header = (ops: readonly FusedOp[]) => ops.map((_, i) => `const f${i} = fns[${i}];`).join(' ');

/** A consumer that runs the chain on each element and hands the results to `sink`. */
export function fuse(ops: readonly FusedOp[], sink: Push): Push {
  if (ops.length === 0) return sink;
  const code = `${header(ops)} return function push(v0) { ${body(ops, 0, 'v0', (v) => `if (sink(${v})) return true;`)} return false; };`;
  return new Function('fns', 'sink', code)(ops.map((o) => o.fn), sink) as Push;
}

/** The chain over `start, start + step, ... < end`, handing results to `sink`; true when stopped early. */
export function fuseRange(ops: readonly FusedOp[], sink: Push): (start: number, end: number, step: number) => boolean {
  const inner = body(ops, 0, 'v0', (v) => `if (sink(${v})) return true;`);
  const code = `${header(ops)} return function run(start, end, step) {
    if (step > 0) { for (let v0 = start; v0 < end; v0 += step) { ${inner} } }
    else { for (let v0 = start; v0 > end; v0 += step) { ${inner} } }
    return false; };`;
  return new Function('fns', 'sink', code)(ops.map((o) => o.fn), sink);
}

type BoundAggregate = ((fns: readonly unknown[]) => number) & { codes?: object[] };
const aggregates = new WeakMap<object, Map<string, BoundAggregate>>();

/**
 * Sum or count of the chain over a range, with the accumulator in the loop itself. The loop is generated for its
 * bounds (as literals V8 can fold, as in a hand-written loop) and reused while its functions have the same code
 * (`codeOf`; each task binds its own env, so the closures themselves are new), so a job run again runs code V8 has
 * already optimized; the task's functions are passed in on each run.
 */
export function fuseRangeAggregate(ops: readonly FusedOp[], kind: 'sum' | 'count'): (start: number, end: number, step: number) => number {
  return (start, end, step) => {
    const literal = [start, end, step].every((n) => Number.isSafeInteger(n));
    if (!literal) return buildRangeAggregate(ops, kind)(start, end, step);
    const fns = ops.map((o) => o.fn);
    const codes = fns.map((f) => codeOf(f));
    const anchor = codes[0] ?? fuseRangeAggregate;
    const key = `${kind}|${ops.map((o) => o.k).join(',')}|${start}|${end}|${step}`;
    let byKey = aggregates.get(anchor);
    if (!byKey) aggregates.set(anchor, (byKey = new Map()));
    let run = byKey.get(key);
    if (!run || !run.codes || run.codes.length !== codes.length || !run.codes.every((c, i) => c === codes[i])) {
      if (byKey.size > 256) byKey.clear();
      run = buildBoundRangeAggregate(ops, kind, start, end, step);
      run.codes = codes;
      byKey.set(key, run);
    }
    return run(fns);
  };
}

function buildBoundRangeAggregate(ops: readonly FusedOp[], kind: 'sum' | 'count', start: number, end: number, step: number): BoundAggregate {
  const inner = body(ops, 0, 'v0', (v) => (kind === 'sum' ? `acc += ${v};` : 'acc++;'));
  const loop = step > 0 ? `for (let v0 = ${start}; v0 < ${end}; v0 += ${step}) { ${inner} }` : `for (let v0 = ${start}; v0 > ${end}; v0 += ${step}) { ${inner} }`;
  return new Function(`return function run(fns) { ${header(ops)} let acc = 0; ${loop} return acc; };`)();
}

function buildRangeAggregate(ops: readonly FusedOp[], kind: 'sum' | 'count'): (start: number, end: number, step: number) => number {
  const inner = body(ops, 0, 'v0', (v) => (kind === 'sum' ? `acc += ${v};` : 'acc++;'));
  const code = `${header(ops)} return function run(start, end, step) { let acc = 0;
    if (step > 0) { for (let v0 = start; v0 < end; v0 += step) { ${inner} } }
    else { for (let v0 = start; v0 > end; v0 += step) { ${inner} } }
    return acc; };`;
  return new Function('fns', code)(ops.map((o) => o.fn));
}
