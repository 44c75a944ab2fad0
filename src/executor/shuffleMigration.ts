/**
 * Receiving a draining executor's shuffle output (graceful decommission on Mesos maintenance): each map output is
 * fetched segment by segment from the old executor's block server and written, in the same layout, under this
 * executor's shuffle folder, which its own block server serves. The driver then points the map output there.
 */
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { MapStatus } from '../core/plan.js';
import type { BlockClient } from '../rpc/BlockClient.js';

export interface MigrationRequest {
  from: { host: string; port: number };
  outputs: Pick<MapStatus, 'shuffleId' | 'mapId' | 'executorId' | 'path' | 'offsets'>[];
}

/** Checks a request from the driver before acting on it; returns it typed. */
export function parseMigrationRequest(m: Record<string, unknown>): MigrationRequest {
  const from = m.from as { host?: unknown; port?: unknown } | undefined;
  if (typeof from?.host !== 'string' || !Number.isInteger(from.port)) throw new Error("migrateShuffle: 'from' must be {host, port}");
  if (!Array.isArray(m.outputs)) throw new Error("migrateShuffle: 'outputs' must be a list");
  for (const [i, o] of (m.outputs as Record<string, unknown>[]).entries()) {
    const offsets = o.offsets;
    const ok = Number.isInteger(o.shuffleId) && Number.isInteger(o.mapId) && typeof o.executorId === 'string' && typeof o.path === 'string'
      && Array.isArray(offsets) && offsets.length >= 1 && offsets.every((x, j) => Number.isSafeInteger(x) && x >= 0 && (j === 0 || x >= offsets[j - 1]));
    if (!ok) throw new Error(`migrateShuffle: outputs[${i}] must have whole shuffleId and mapId, executorId, path and non-decreasing offsets`);
  }
  return m as unknown as MigrationRequest;
}

/**
 * Copies each output into `dir`; returns each copy's path and offsets (rebased to start at 0). All or nothing: when
 * one fails, the copies already made are removed too (the driver points no output at them).
 */
export async function receiveShuffleOutputs(req: MigrationRequest, dir: string, client: BlockClient, timeoutMs?: number): Promise<{ path: string; offsets: number[] }[]> {
  const out: { path: string; offsets: number[] }[] = [];
  let path: string | undefined;
  try {
    for (const o of req.outputs) {
      path = join(dir, `migrated-${o.shuffleId}-${o.mapId}-${randomUUID().slice(0, 8)}.data`);
      const fd = openSync(path, 'wx', 0o600);
      try {
        const status: MapStatus = { ...o, address: req.from };
        // One reducer's segment at a time: memory stays bounded by the largest segment.
        for (let r = 0; r + 1 < o.offsets.length; r++) {
          const buf = await client.fetch(status, r, {}, timeoutMs);
          writeSync(fd, buf);
        }
      } finally {
        closeSync(fd);
      }
      const base = o.offsets[0]!;
      out.push({ path, offsets: o.offsets.map((x) => x - base) });
      path = undefined;
    }
  } catch (err) {
    for (const p of [...out.map((c) => c.path), ...(path !== undefined ? [path] : [])]) rmSync(p, { force: true });
    throw err;
  }
  return out;
}
