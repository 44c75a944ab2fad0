/** What a job needs before its tasks ship: its lineage prepared, and the broadcasts its plan uses. */
import type { RDDLike } from '../scheduler/DAGScheduler.js';
import type { Plan, Sink } from './plan.js';

/** Runs every RDD's `prepare` (listing input files, say) once, parents first. */
export async function prepareLineage(rdd: RDDLike, seen = new Set<number>()): Promise<void> {
  if (seen.has(rdd.id)) return;
  seen.add(rdd.id);
  for (const d of rdd.dependencies()) await prepareLineage(d.rdd, seen);
  const p = (rdd as { prepare?: () => Promise<void> }).prepare;
  if (p) await p.call(rdd);
}

/** The broadcast ids a task's plan and sink refer to (data partitions are not searched). */
export function broadcastIds(plan: Plan, sink: Sink): number[] {
  const ids = new Set<number>();
  const walk = (v: unknown): void => {
    if (!v || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      // Data partitions can be large and hold no functions.
      return;
    }
    const o = v as Record<string, unknown>;
    if (typeof o.__sparkBroadcast === 'number') ids.add(o.__sparkBroadcast);
    for (const [k, x] of Object.entries(o)) {
      if (k === 'items') continue;
      if (Array.isArray(x)) x.forEach(walk);
      else walk(x);
    }
  };
  walk(plan);
  walk(sink);
  return [...ids];
}
