/**
 * What Mesos' cgroups isolators decide, as pure functions: a container's resources (executor + tasks, plus the
 * command executor's overhead), the control-file values of `cgroups/mem` and `cgroups/cpu`, the `--isolation`
 * flag, and the status message of a memory limitation.
 */
import type { Resource } from '../../mesos/wire/resources.js';

/** The command executor's own share (Mesos' DEFAULT_EXECUTOR_CPUS / DEFAULT_EXECUTOR_MEM). */
export const COMMAND_EXECUTOR_CPUS = 0.1;
export const COMMAND_EXECUTOR_MEM_MB = 32;
const MIN_MEMORY_BYTES = 32 * 1024 * 1024;
const CPU_SHARES_PER_CPU = 1024;
const MIN_CPU_SHARES = 2;
export const CPU_CFS_PERIOD_US = 100_000;
const MIN_CPU_CFS_QUOTA_US = 1000;

const scalar = (rs: readonly Resource[], name: string) => rs.filter((r) => r.name === name).reduce((n, r) => n + (r.scalar?.value ?? 0), 0);

/** cpus and mem (MB) of a container: its executor's and tasks' resources, plus the command executor's overhead. */
export function containerResources(parts: readonly (readonly Resource[])[], commandExecutor: boolean): { cpus: number; memMb: number } {
  const all = parts.flat();
  const cpus = scalar(all, 'cpus') + (commandExecutor ? COMMAND_EXECUTOR_CPUS : 0);
  const memMb = scalar(all, 'mem') + (commandExecutor ? COMMAND_EXECUTOR_MEM_MB : 0);
  // Float sums (0.5 + 0.1) are rounded to Mesos' fixed-point precision.
  return { cpus: Math.round(cpus * 1000) / 1000, memMb: Math.round(memMb * 1000) / 1000 };
}

export interface CgroupLimits {
  /** `memory.limit_in_bytes` = `memory.soft_limit_in_bytes`: the container's mem, at least 32 MB. */
  memoryBytes: number;
  /** `cpu.shares`: 1024 per cpu, at least 2. */
  cpuShares: number;
  /** `cpu.cfs_quota_us` per `cpu.cfs_period_us` (100 ms), only with `--cgroups_enable_cfs`. */
  cfsQuotaUs: number | undefined;
}

export function cgroupLimits(c: { cpus: number; memMb: number }, enableCfs: boolean): CgroupLimits {
  return {
    memoryBytes: Math.max(Math.floor(c.memMb * 1024 * 1024), MIN_MEMORY_BYTES),
    cpuShares: Math.max(Math.floor(CPU_SHARES_PER_CPU * c.cpus), MIN_CPU_SHARES),
    cfsQuotaUs: enableCfs ? Math.max(Math.floor(CPU_CFS_PERIOD_US * c.cpus), MIN_CPU_CFS_QUOTA_US) : undefined,
  };
}

/** Bytes as stout prints them: the largest unit (B, KB, MB, GB, TB) that divides the value exactly. */
export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (i < units.length - 1 && v !== 0 && v % 1024 === 0) {
    v /= 1024;
    i++;
  }
  return `${v}${units[i]}`;
}

/** The message of a memory limitation (`MemorySubsystemProcess::oom`); pieces that could not be read are skipped. */
export function memoryLimitMessage(limitBytes: number | undefined, maxUsageBytes: number | undefined, stat: string | undefined): string {
  let m = 'Memory limit exceeded: ';
  if (limitBytes !== undefined) m += `Requested: ${formatBytes(limitBytes)} `;
  if (maxUsageBytes !== undefined) m += `Maximum Used: ${formatBytes(maxUsageBytes)}\n`;
  if (stat !== undefined) m += `\nMEMORY STATISTICS: \n${stat.replace(/\n$/, '')}\n`;
  return m;
}

export type Isolator = 'cgroups/cpu' | 'cgroups/mem' | 'posix/cpu' | 'posix/mem' | 'disk/du';

/** Parses `--isolation` (Mesos' names and aliases: `cgroups` = cpu + mem, `posix/disk` = `disk/du`). */
export function parseIsolation(flag: string): Set<Isolator> {
  const known: Record<string, Isolator[]> = {
    'cgroups/cpu': ['cgroups/cpu'], 'cgroups/mem': ['cgroups/mem'], cgroups: ['cgroups/cpu', 'cgroups/mem'],
    'posix/cpu': ['posix/cpu'], 'posix/mem': ['posix/mem'], 'disk/du': ['disk/du'], 'posix/disk': ['disk/du'],
  };
  const out = new Set<Isolator>();
  for (const name of flag.split(',').map((s) => s.trim()).filter(Boolean)) {
    const isolators = known[name];
    if (!isolators) throw new Error(`--isolation: unknown isolator '${name}', expected some of ${Object.keys(known).join(', ')}`);
    for (const i of isolators) out.add(i);
  }
  return out;
}
