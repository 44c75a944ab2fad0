/**
 * A task thread's cached partitions within the storage pool: blocks in memory are kept in least-recently-used order
 * with their estimated sizes, each accounted in the thread's `UnifiedMemoryManager`. When storage (or execution)
 * needs room, the least recently used blocks go: dropped (MEMORY_ONLY, recomputed when needed) or written to disk
 * (MEMORY_AND_DISK). DISK_ONLY blocks go straight to disk. Disk blocks live in the executor's local directory, so
 * every task thread of the executor reads them back.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';
import { openIo, sealIo } from '../util/ioEncryption.js';
import { estimateSize } from '../executor/sizeEstimate.js';
import { PeerBlocks } from './PeerBlocks.js';
import type { UnifiedMemoryManager } from './UnifiedMemoryManager.js';
import { useDisk, useMemory, type StorageLevel } from './storageLevel.js';

interface Entry {
  items: unknown[];
  bytes: number;
  level: StorageLevel;
}

export function blockDir(localDir: string): string {
  return join(localDir, 'blocks');
}

export class BlockStore {
  /** In-memory blocks; Map order is recency (oldest first). */
  private readonly memory = new Map<string, Entry>();
  private peers: PeerBlocks | undefined;
  private dropCount = 0;

  constructor(
    private readonly manager: () => UnifiedMemoryManager | undefined,
    private readonly localDir: () => string | undefined,
  ) {}

  /** Shares this thread's in-memory blocks with the executor's other task threads on the channel `name`. */
  sharePeers(name: string): void {
    // Serving a block to another thread counts as a use (it stays recent).
    this.peers = new PeerBlocks(name, (b) => this.touch(b)?.items, () => this.memory.keys());
  }

  /**
   * `get`, or else a copy from the executor thread that holds the block in memory, waiting for it at most `waitMs`
   * (undefined: compute it). The copy is used, not kept: the holder's block stays the executor's one copy.
   */
  async getShared(block: string, level: StorageLevel, waitMs: number): Promise<unknown[] | undefined> {
    const items = this.get(block, level);
    return items ?? this.peers?.fetch(block, waitMs);
  }

  /** Blocks dropped so far: a task that computed a block while a drop went by does not cache it. */
  get drops(): number {
    return this.dropCount;
  }

  private touch(block: string): Entry | undefined {
    const e = this.memory.get(block);
    if (e) {
      this.memory.delete(block);
      this.memory.set(block, e);
    }
    return e;
  }

  /** The block's records, from memory or (read back, and kept in memory when its level and the pool allow) disk. */
  get(block: string, level: StorageLevel): unknown[] | undefined {
    const e = this.touch(block);
    if (e) return e.items;
    const path = this.diskPath(block);
    if (!path || !existsSync(path)) return undefined;
    let items: unknown[];
    try {
      items = deserialize(inflateRawSync(openIo(readFileSync(path)))) as unknown[];
    } catch {
      return undefined; // removed or replaced under us: recompute
    }
    if (useMemory(level)) this.keepInMemory(block, items, level, estimateSize(items));
    return items;
  }

  /** Caches a computed block as its level says; returns its estimated size (0 when not cached anywhere). */
  put(block: string, items: unknown[], level: StorageLevel): number {
    const bytes = estimateSize(items);
    if (useMemory(level) && this.keepInMemory(block, items, level, bytes)) return bytes;
    if (useDisk(level) && this.writeToDisk(block, items)) return bytes;
    return 0;
  }

  has(block: string): boolean {
    return this.memory.has(block);
  }

  /** Drops every block whose name starts with `prefix`, from memory and disk. */
  drop(prefix: string): void {
    this.dropCount++;
    for (const [b, e] of [...this.memory]) {
      if (!b.startsWith(prefix)) continue;
      this.memory.delete(b);
      this.peers?.gone(b);
      this.manager()?.releaseStorage(e.bytes);
    }
    const dir = this.localDir();
    if (!dir || !existsSync(blockDir(dir))) return;
    for (const f of readdirSync(blockDir(dir))) if (f.startsWith(prefix)) rmSync(join(blockDir(dir), f), { force: true });
  }

  /** Forgets the in-memory blocks (disk blocks stay). */
  clearMemory(): void {
    for (const b of this.memory.keys()) this.peers?.gone(b);
    this.memory.clear();
  }

  private keepInMemory(block: string, items: unknown[], level: StorageLevel, bytes: number): boolean {
    const m = this.manager();
    if (m && !m.acquireStorage(bytes, (need) => this.evict(need, block))) return false;
    this.memory.set(block, { items, bytes, level });
    this.peers?.held(block);
    return true;
  }

  /** Frees at least `need` bytes by evicting least recently used blocks (never `keep`); returns the bytes freed. */
  evict(need: number, keep?: string): number {
    let freed = 0;
    for (const [b, e] of [...this.memory]) {
      if (freed >= need) break;
      if (b === keep) continue;
      if (useDisk(e.level)) this.writeToDisk(b, e.items);
      this.memory.delete(b);
      this.peers?.gone(b);
      freed += e.bytes;
    }
    return freed;
  }

  private diskPath(block: string): string | undefined {
    const dir = this.localDir();
    return dir === undefined ? undefined : join(blockDir(dir), block);
  }

  private writeToDisk(block: string, items: unknown[]): boolean {
    const path = this.diskPath(block);
    if (!path) return false;
    if (existsSync(path)) return true;
    mkdirSync(join(path, '..'), { recursive: true });
    // Written aside and renamed, so another thread never reads half a block.
    const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileSync(tmp, sealIo(deflateRawSync(serialize(items), { level: constants.Z_BEST_SPEED })));
    renameSync(tmp, path);
    return true;
  }
}
