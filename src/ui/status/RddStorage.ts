/**
 * Cached RDDs and where their blocks are (the Storage tab): RDDs are known from stage infos, their partitions from
 * block updates (`rdd_<rddId>_<partition>` on an executor, with its size; a size of 0 means the block was dropped).
 */
import { storageLevelDescription, type BlockManagerIdJson, type RddInfoJson, type StorageLevelJson } from '../events/sparkEvents.js';

export interface RddBlocks {
  id: number;
  name: string;
  numPartitions: number;
  storageLevel: string;
  /** Block name → executor id → memory and disk bytes there. */
  blocks: Map<string, Map<string, { mem: number; disk: number }>>;
}

const cachedLevel = (l: StorageLevelJson) => l['Use Memory'] || l['Use Disk'] || l['Use Off Heap'] === true;

export class RddStorage {
  readonly rdds = new Map<number, RddBlocks>();
  /** Executor id → host:port, for the data distribution. */
  private readonly where = new Map<string, string>();

  /** RDDs as a stage names them: persisted ones are remembered (others are not shown on the Storage tab). */
  rddInfos(infos: readonly RddInfoJson[]): void {
    for (const r of infos) {
      if (!cachedLevel(r['Storage Level'])) continue;
      const known = this.rdds.get(r['RDD ID']);
      if (known) {
        known.name = r.Name;
        known.numPartitions = r['Number of Partitions'];
        known.storageLevel = storageLevelDescription(r['Storage Level']);
      } else {
        this.rdds.set(r['RDD ID'], { id: r['RDD ID'], name: r.Name, numPartitions: r['Number of Partitions'], storageLevel: storageLevelDescription(r['Storage Level']), blocks: new Map() });
      }
    }
  }

  blockUpdated(u: { 'Block Manager ID': BlockManagerIdJson; 'Block ID': string; 'Storage Level': StorageLevelJson; 'Memory Size': number; 'Disk Size': number }): void {
    const m = /^rdd_(\d+)_(\d+)$/.exec(u['Block ID']);
    if (!m) return;
    const exec = u['Block Manager ID']['Executor ID'];
    this.where.set(exec, `${u['Block Manager ID'].Host}:${u['Block Manager ID'].Port}`);
    const rddId = Number(m[1]);
    let rdd = this.rdds.get(rddId);
    const stored = cachedLevel(u['Storage Level']) && u['Memory Size'] + u['Disk Size'] > 0;
    if (!rdd) {
      if (!stored) return;
      rdd = { id: rddId, name: `rdd_${rddId}`, numPartitions: 0, storageLevel: storageLevelDescription(u['Storage Level']), blocks: new Map() };
      this.rdds.set(rddId, rdd);
    }
    let holders = rdd.blocks.get(u['Block ID']);
    if (stored) {
      if (!holders) rdd.blocks.set(u['Block ID'], (holders = new Map()));
      holders.set(exec, { mem: u['Memory Size'], disk: u['Disk Size'] });
    } else if (holders) {
      holders.delete(exec);
      if (holders.size === 0) rdd.blocks.delete(u['Block ID']);
    }
  }

  unpersist(rddId: number): void {
    this.rdds.delete(rddId);
  }

  /** An executor is gone, and its blocks with it. */
  executorGone(exec: string): void {
    for (const rdd of this.rdds.values()) {
      for (const [name, holders] of rdd.blocks) {
        holders.delete(exec);
        if (holders.size === 0) rdd.blocks.delete(name);
      }
    }
  }

  addressOf(exec: string): string {
    return this.where.get(exec) ?? exec;
  }

  /** Blocks and bytes an executor holds across all RDDs. */
  usageOf(exec: string): { blocks: number; mem: number; disk: number } {
    const u = { blocks: 0, mem: 0, disk: 0 };
    for (const rdd of this.rdds.values()) {
      for (const holders of rdd.blocks.values()) {
        const h = holders.get(exec);
        if (!h) continue;
        u.blocks++;
        u.mem += h.mem;
        u.disk += h.disk;
      }
    }
    return u;
  }
}
