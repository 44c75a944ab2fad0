/**
 * cgroups v2 (the unified hierarchy) as pure functions: where it is and whether it has the `memory` and `cpu`
 * controllers, and the v2 control files a container's limits map to. The limits are those of the v1 isolators
 * (`containerLimits.ts`); only the files differ:
 * - `memory.max` = the v1 `memory.limit_in_bytes` (only ever raised, as in v1);
 * - `cpu.weight` = `cpu.shares` converted as the OCI runtimes (runc, crun) convert it: 1 + (shares − 2) × 9999 / 262142,
 *   so the v1 range 2…262144 maps onto 1…10000;
 * - `cpu.max` = `"<quota> <period>"` with the v1 CFS quota and period, or `"max <period>"` without CFS.
 * v1's soft limit has no v2 counterpart here. OOM kills are counted in `memory.events` (`oom_kill N`).
 */
import { cgroupLimits, CPU_CFS_PERIOD_US } from './containerLimits.js';

export const CGROUP2_CONTROLLERS = ['memory', 'cpu'] as const;

export type CgroupsV2Support = { available: true; root: string } | { available: false; reason: string };

/**
 * The cgroup2 mount in `/proc/self/mounts` and its controllers (`readControllers(root)` = its `cgroup.controllers`).
 * Containers go under the hierarchy's root, as Mesos' `<hierarchy>/mesos`: v2 allows controllers only in cgroups
 * without processes of their own, which the agent's own cgroup is not.
 */
export function parseCgroupV2Support(mounts: string, readControllers: (root: string) => string | undefined): CgroupsV2Support {
  const root = mounts.split('\n').map((l) => l.split(' ')).find((f) => f[2] === 'cgroup2')?.[1];
  if (!root) return { available: false, reason: 'no cgroups v2 hierarchy is mounted' };
  const controllers = readControllers(root);
  if (controllers === undefined) return { available: false, reason: `cannot read ${root}/cgroup.controllers` };
  const have = new Set(controllers.trim().split(/\s+/));
  const missing = CGROUP2_CONTROLLERS.filter((c) => !have.has(c));
  if (missing.length > 0) return { available: false, reason: `the cgroups v2 hierarchy at ${root} lacks the ${missing.join(' and ')} controller${missing.length > 1 ? 's' : ''}` };
  return { available: true, root };
}

/** v1 `cpu.shares` as a v2 `cpu.weight` (1…10000). */
export function cpuWeightFromShares(shares: number): number {
  const w = 1 + Math.floor(((shares - 2) * 9999) / 262142);
  return Math.min(Math.max(w, 1), 10000);
}

/** The v2 control files and values for a container of `cpus` and `memMb`. */
export function cgroupV2Controls(c: { cpus: number; memMb: number }, enableCfs: boolean): { 'memory.max': string; 'cpu.weight': string; 'cpu.max': string } {
  const l = cgroupLimits(c, enableCfs);
  return {
    'memory.max': String(l.memoryBytes),
    'cpu.weight': String(cpuWeightFromShares(l.cpuShares)),
    'cpu.max': `${l.cfsQuotaUs ?? 'max'} ${CPU_CFS_PERIOD_US}`,
  };
}

/** The `oom_kill` count of a v2 `memory.events` file (0 when absent). */
export function oomKillsV2(memoryEvents: string | undefined): number {
  return Number(/^oom_kill ([0-9]+)$/m.exec(memoryEvents ?? '')?.[1] ?? 0);
}

/** A v2 `memory.max` value in bytes (`max` = unlimited = undefined). */
export function parseMemoryMax(text: string | undefined): number | undefined {
  const s = text?.trim();
  return s === undefined || s === 'max' || !/^[0-9]+$/.test(s) ? undefined : Number(s);
}
