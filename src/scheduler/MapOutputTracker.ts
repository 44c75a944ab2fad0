import type { MapStatus } from '../core/plan.js';

/** Where each shuffle's map outputs are, on the driver. */
export class MapOutputTracker {
  private readonly shuffles = new Map<number, (MapStatus | undefined)[]>();

  register(shuffleId: number, numMaps: number): void {
    if (!this.shuffles.has(shuffleId)) this.shuffles.set(shuffleId, new Array(numMaps).fill(undefined));
  }

  addOutput(s: MapStatus): void {
    const arr = this.shuffles.get(s.shuffleId);
    if (arr) arr[s.mapId] = s;
  }

  missing(shuffleId: number): number[] {
    const arr = this.shuffles.get(shuffleId) ?? [];
    return arr.flatMap((s, i) => (s ? [] : [i]));
  }

  isAvailable(shuffleId: number): boolean {
    const arr = this.shuffles.get(shuffleId);
    return arr !== undefined && arr.every((s) => s !== undefined);
  }

  statuses(shuffleId: number): MapStatus[] {
    const arr = this.shuffles.get(shuffleId) ?? [];
    if (arr.some((s) => !s)) throw new Error(`map outputs of shuffle ${shuffleId} are incomplete`);
    // A copy: a task waiting to launch keeps the outputs it was made with, not holes left by a later loss.
    return [...arr] as MapStatus[];
  }

  /** Forgets outputs held by an executor that is gone; returns the shuffles affected. */
  removeOutputsOn(executorId: string): number[] {
    const affected: number[] = [];
    for (const [id, arr] of this.shuffles) {
      let hit = false;
      arr.forEach((s, i) => {
        // Outputs served by an external shuffle service outlive their executor.
        if (s?.executorId === executorId && !s.external) {
          arr[i] = undefined;
          hit = true;
        }
      });
      if (hit) affected.push(id);
    }
    return affected;
  }

  /** Executors holding outputs of these shuffles themselves (not through an external shuffle service). */
  holders(shuffleIds: Iterable<number>): Set<string> {
    const out = new Set<string>();
    for (const id of shuffleIds) for (const s of this.shuffles.get(id) ?? []) if (s && !s.external) out.add(s.executorId);
    return out;
  }

  /** The outputs an executor serves itself (not those of an external shuffle service). */
  outputsOn(executorId: string): MapStatus[] {
    return [...this.shuffles.values()].flatMap((a) => a.filter((s): s is MapStatus => s?.executorId === executorId && !s.external));
  }

  /** An output moved to another server (decommission); false when `from` is no longer the current output. */
  moveOutput(from: MapStatus, to: MapStatus): boolean {
    const arr = this.shuffles.get(from.shuffleId);
    const cur = arr?.[from.mapId];
    if (!cur || cur.executorId !== from.executorId || cur.path !== from.path) return false;
    arr![from.mapId] = to;
    return true;
  }

  removeOutput(shuffleId: number, mapId: number): void {
    const arr = this.shuffles.get(shuffleId);
    if (arr) arr[mapId] = undefined;
  }

  allPaths(): string[] {
    return [...this.shuffles.values()].flatMap((a) => a.flatMap((s) => (s ? [s.path] : [])));
  }
}
