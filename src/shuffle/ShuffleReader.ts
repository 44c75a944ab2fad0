import { closeSync, openSync, readSync } from 'node:fs';
import { compareKeys, KeyMap } from '../core/keys.js';
import type { MapStatus } from '../core/plan.js';
import { unframe } from './frames.js';

/**
 * Gets the bytes of one reducer's segment of one map output (from local disk, or from a remote executor, failing
 * with a FetchFailedError when the peer gives no answer within `timeoutMs`).
 */
export type BlockFetcher = (status: MapStatus, reducePartition: number, timeoutMs?: number) => Promise<Buffer>;

export class FetchFailedError extends Error {
  constructor(
    readonly shuffleId: number,
    readonly mapId: number,
    readonly executorId: string,
    message: string,
  ) {
    super(`FetchFailed(shuffle ${shuffleId}, map ${mapId}, executor ${executorId}): ${message}`);
    this.name = 'FetchFailedError';
  }
}

export const localFetcher: BlockFetcher = async (status, p) => {
  const start = status.offsets[p]!;
  const len = status.offsets[p + 1]! - start;
  if (len === 0) return Buffer.alloc(0);
  let fd: number;
  try {
    fd = openSync(status.path, 'r');
  } catch (err) {
    throw new FetchFailedError(status.shuffleId, status.mapId, status.executorId, (err as Error).message);
  }
  try {
    const buf = Buffer.allocUnsafe(len);
    readSync(fd, buf, 0, len, start);
    return buf;
  } finally {
    closeSync(fd);
  }
};

/**
 * Reads every map output's segment for one reducer, in map order, fetching ahead in parallel while the bytes
 * requested but not yet consumed stay under `maxBytesInFlight` (at least one request is always in flight).
 */
export async function* readRecords(statuses: readonly MapStatus[], p: number, fetch: BlockFetcher, maxBytesInFlight = 48 * 1024 * 1024): AsyncGenerator<unknown[]> {
  const size = (s: MapStatus) => (s.offsets[p + 1] ?? 0) - (s.offsets[p] ?? 0);
  const inFlight: { promise: Promise<Buffer>; bytes: number }[] = [];
  let next = 0;
  let bytes = 0;
  const fill = () => {
    while (next < statuses.length && (inFlight.length === 0 || bytes + size(statuses[next]!) <= maxBytesInFlight)) {
      const s = statuses[next++]!;
      const promise = fetch(s, p);
      promise.catch(() => undefined); // handled when awaited in order
      inFlight.push({ promise, bytes: size(s) });
      bytes += size(s);
    }
  };
  fill();
  while (inFlight.length > 0) {
    const head = inFlight.shift()!;
    const buf = await head.promise;
    bytes -= head.bytes;
    fill();
    for (const batch of unframe(buf)) yield batch;
  }
}

export interface ReduceAggregator {
  createCombiner: (v: unknown) => unknown;
  mergeValue: (c: unknown, v: unknown) => unknown;
  mergeCombiners: (a: unknown, b: unknown) => unknown;
  mapSideCombine: boolean;
}

/** Combines values per key on the reduce side. */
export async function aggregate(batches: AsyncIterable<unknown[]>, agg: ReduceAggregator): Promise<unknown[]> {
  const m = new KeyMap<unknown>();
  for await (const batch of batches) {
    for (const r of batch) {
      const [k, v] = r as [unknown, unknown];
      const cur = m.get(k);
      if (agg.mapSideCombine) {
        if (cur) cur[1] = agg.mergeCombiners(cur[1], v);
        else m.set(k, v);
      } else if (cur) cur[1] = agg.mergeValue(cur[1], v);
      else m.set(k, agg.createCombiner(v));
    }
  }
  return m.toArray();
}

export async function collectAll(batches: AsyncIterable<unknown[]>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const b of batches) for (const r of b) out.push(r);
  return out;
}

export function sortRecords(records: unknown[], ascending: boolean, keyFn?: (k: unknown) => unknown): unknown[] {
  const key = keyFn ? (r: unknown) => keyFn((r as [unknown])[0]) : (r: unknown) => (r as [unknown])[0];
  const withKeys = records.map((r) => [key(r), r] as const);
  withKeys.sort((a, b) => (ascending ? compareKeys(a[0], b[0]) : compareKeys(b[0], a[0])));
  return withKeys.map(([, r]) => r);
}

/** Groups the records of several shuffles by key: `[key, [values of shuffle 0, values of shuffle 1, ...]]`. */
export async function cogroup(inputs: AsyncIterable<unknown[]>[]): Promise<unknown[]> {
  const m = new KeyMap<unknown[][]>();
  for (let i = 0; i < inputs.length; i++) {
    for await (const batch of inputs[i]!) {
      for (const r of batch) {
        const [k, v] = r as [unknown, unknown];
        const cur = m.get(k) ?? m.set(k, inputs.map(() => []));
        cur[1][i]!.push(v);
      }
    }
  }
  return m.toArray();
}
