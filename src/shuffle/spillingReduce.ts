/**
 * The reduce side within memory bounds: what a shuffle partition's reader does with the fetched records when the
 * task has a memory budget (`TaskMemory`). Aggregation goes through an `ExternalAppendOnlyMap`, sorting through an
 * `ExternalSorter`, cogroup through a map of per-input lists; each spills to the task's spill directory when the
 * memory manager refuses more. Plain reads stream straight through, holding nothing.
 */
import { ExternalAppendOnlyMap } from '../collection/ExternalAppendOnlyMap.js';
import { ExternalSorter } from '../collection/ExternalSorter.js';
import type { TaskMemory } from '../memory/TaskMemory.js';
import type { ReduceAggregator } from './ShuffleReader.js';

/**
 * Pushes the records of one reduce partition into `push` (true from `push` stops): aggregated when `agg` is given,
 * then sorted when `sort` is, else streamed as fetched. Returns true when `push` asked to stop.
 */
export async function pushReduced(
  batches: AsyncIterable<unknown[]>,
  tm: TaskMemory,
  agg: ReduceAggregator | undefined,
  sort: { ascending: boolean; keyFn?: ((k: unknown) => unknown) | undefined } | undefined,
  push: (x: unknown) => boolean,
): Promise<boolean> {
  let records: Iterable<unknown> | undefined;
  let sorter: ExternalSorter | undefined;
  if (sort) {
    const keyFn = sort.keyFn;
    sorter = new ExternalSorter(tm, sort.ascending, keyFn ? (r) => keyFn((r as [unknown])[0]) : undefined);
  }
  if (agg) {
    const m = new ExternalAppendOnlyMap(agg, tm);
    for await (const batch of batches) for (const r of batch) m.insert((r as [unknown])[0], (r as [unknown, unknown])[1], agg.mapSideCombine);
    records = m.entries();
    if (sorter) for (const r of records) sorter.insert(r);
  } else if (sorter) {
    for await (const batch of batches) for (const r of batch) sorter.insert(r);
  } else {
    for await (const batch of batches) for (const r of batch) if (push(r)) return true;
    return false;
  }
  if (sorter) records = sorter.sorted();
  return pushAll(records!, push);
}

/** Pushes every element; a stop closes the iterator (so spill files are closed and removed). */
export function pushAll(records: Iterable<unknown>, push: (x: unknown) => boolean): boolean {
  for (const x of records) if (push(x)) return true;
  return false;
}

/** `[key, [values of input 0, values of input 1, ...]]` for every key of several shuffles, spilling as needed. */
export async function cogroupPartition(inputs: AsyncIterable<unknown[]>[], tm: TaskMemory): Promise<Iterable<unknown>> {
  const n = inputs.length;
  const empty = () => Array.from({ length: n }, () => [] as unknown[]);
  const m = new ExternalAppendOnlyMap(
    {
      createCombiner: (tagged) => {
        const c = empty();
        c[(tagged as [number, unknown])[0]]!.push((tagged as [number, unknown])[1]);
        return c;
      },
      mergeValue: (c, tagged) => {
        (c as unknown[][])[(tagged as [number, unknown])[0]]!.push((tagged as [number, unknown])[1]);
        return c;
      },
      mergeCombiners: (a, b) => (a as unknown[][]).map((xs, i) => xs.concat((b as unknown[][])[i]!)),
    },
    tm,
  );
  for (let i = 0; i < n; i++) {
    for await (const batch of inputs[i]!) for (const r of batch) m.insert((r as [unknown])[0], [i, (r as [unknown, unknown])[1]]);
  }
  return m.entries();
}
