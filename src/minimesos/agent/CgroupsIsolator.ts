/**
 * Mesos' `cgroups/mem` and `cgroups/cpu` isolators on cgroups v1: each container gets a `memory` and a `cpu` cgroup
 * with the limits of `isolation.ts`; its first process enters them before it execs; an OOM kill in the container
 * becomes a memory limitation; destroying the container kills every process in its cgroups.
 *
 * The agent's cgroups live under its own (`<its cgroup>/minimesos-<id>/<container id>`) rather than at the
 * hierarchy's root, so a mini cluster stays within whatever limits the process that started it has.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { getLogger } from '../../util/logging.js';
import { cgroupLimits, CPU_CFS_PERIOD_US, memoryLimitMessage } from './containerLimits.js';

const log = getLogger('minimesos.Agent');

/** The name every cgroup root of a mini-Mesos agent starts with (leftovers are easy to find and remove). */
export const CGROUP_PREFIX = 'minimesos-';

export interface MemoryLimitation {
  message: string;
  /** Maximum memory used, in MB (the limitation's `mem` resource). */
  memMb: number;
}

export type CgroupsSupport = { available: true; memory: string; cpu: string } | { available: false; reason: string };

/** Where this process's v1 `memory` and `cpu` cgroups are, or why cgroups isolation cannot run here. */
export function detectCgroups(): CgroupsSupport {
  if (process.platform !== 'linux') return { available: false, reason: 'cgroups need Linux' };
  if (process.getuid?.() !== 0) return { available: false, reason: 'cgroups isolation needs root' };
  let mounts: string;
  let own: string;
  try {
    mounts = readFileSync('/proc/self/mounts', 'utf8');
    own = readFileSync('/proc/self/cgroup', 'utf8');
  } catch (err) {
    return { available: false, reason: `cannot read /proc: ${(err as Error).message}` };
  }
  const find = (controller: string): string | undefined => {
    for (const line of mounts.split('\n')) {
      const [, dir, type, options] = line.split(' ');
      if (type !== 'cgroup' || !dir || !options?.split(',').includes(controller)) continue;
      const entry = own.split('\n').find((l) => l.split(':')[1]?.split(',').includes(controller));
      const path = entry?.split(':').slice(2).join(':') ?? '/';
      return join(dir, path);
    }
    return undefined;
  };
  const memory = find('memory');
  const cpu = find('cpu');
  if (memory && cpu) return { available: true, memory, cpu };
  const v2 = mounts.split('\n').some((l) => l.split(' ')[2] === 'cgroup2');
  return { available: false, reason: v2 ? 'only a cgroups v2 hierarchy is mounted here; the isolators need the v1 memory and cpu controllers' : 'no cgroups v1 memory and cpu controllers are mounted' };
}

interface Container {
  memory: string;
  cpu: string;
  limitBytes: number;
  oomKills: number;
}

export class CgroupsIsolator {
  private readonly memoryRoot: string;
  private readonly cpuRoot: string;
  private readonly containers = new Map<string, Container>();

  constructor(support: Extract<CgroupsSupport, { available: true }>, private readonly opts: { enableCfs: boolean; name?: string }) {
    const name = `${CGROUP_PREFIX}${opts.name ?? randomBytes(4).toString('hex')}`;
    this.memoryRoot = join(support.memory, name);
    this.cpuRoot = join(support.cpu, name);
    mkdirSync(this.memoryRoot, { recursive: true });
    mkdirSync(this.cpuRoot, { recursive: true });
  }

  /** Creates the container's cgroups with its limits; returns the shell prefix its first process enters them with. */
  prepare(containerId: string, resources: { cpus: number; memMb: number }): string[] {
    const c: Container = { memory: join(this.memoryRoot, containerId), cpu: join(this.cpuRoot, containerId), limitBytes: 0, oomKills: 0 };
    mkdirSync(c.memory, { recursive: true });
    mkdirSync(c.cpu, { recursive: true });
    // Mesos makes sure the kernel OOM killer is on for its containers.
    write(join(c.memory, 'memory.oom_control'), '0');
    this.containers.set(containerId, c);
    this.update(containerId, resources);
    // The process moves itself in, then execs: nothing it starts escapes the cgroups.
    return ['/bin/sh', '-c', `echo $$ > ${quote(join(c.memory, 'cgroup.procs'))} && echo $$ > ${quote(join(c.cpu, 'cgroup.procs'))} && exec "$@"`, 'mesos-containerizer'];
  }

  /** Applies a container's (new) resources; the memory limit is only ever raised, as Mesos does. */
  update(containerId: string, resources: { cpus: number; memMb: number }): void {
    const c = this.containers.get(containerId);
    if (!c) return;
    const l = cgroupLimits(resources, this.opts.enableCfs);
    write(join(c.cpu, 'cpu.shares'), String(l.cpuShares));
    if (l.cfsQuotaUs !== undefined) {
      write(join(c.cpu, 'cpu.cfs_period_us'), String(CPU_CFS_PERIOD_US));
      write(join(c.cpu, 'cpu.cfs_quota_us'), String(l.cfsQuotaUs));
    }
    write(join(c.memory, 'memory.soft_limit_in_bytes'), String(l.memoryBytes));
    if (l.memoryBytes > c.limitBytes) {
      write(join(c.memory, 'memory.limit_in_bytes'), String(l.memoryBytes));
      c.limitBytes = l.memoryBytes;
    }
  }

  /** A memory limitation if the kernel OOM-killed a process of the container since the last call. */
  limitation(containerId: string): MemoryLimitation | undefined {
    const c = this.containers.get(containerId);
    if (!c) return undefined;
    const kills = Number(/^oom_kill ([0-9]+)$/m.exec(read(join(c.memory, 'memory.oom_control')) ?? '')?.[1] ?? 0);
    if (kills <= c.oomKills) return undefined;
    c.oomKills = kills;
    const limit = numberIn(read(join(c.memory, 'memory.limit_in_bytes')));
    const maxUsage = numberIn(read(join(c.memory, 'memory.max_usage_in_bytes')));
    return { message: memoryLimitMessage(limit, maxUsage, read(join(c.memory, 'memory.stat'))), memMb: (maxUsage ?? limit ?? 0) / (1024 * 1024) };
  }

  /** The control values of a container (for tests and `/state`). */
  controls(containerId: string): Record<string, string> | undefined {
    const c = this.containers.get(containerId);
    if (!c) return undefined;
    const out: Record<string, string> = {};
    for (const [dir, f] of [[c.memory, 'memory.limit_in_bytes'], [c.memory, 'memory.soft_limit_in_bytes'], [c.cpu, 'cpu.shares'], [c.cpu, 'cpu.cfs_quota_us'], [c.cpu, 'cpu.cfs_period_us']] as const) {
      const v = read(join(dir, f));
      if (v !== undefined) out[f] = v.trim();
    }
    return out;
  }

  /** The container's cgroup directories (checkpointed, so a restarted agent can remove an orphan's). */
  cgroupDirs(containerId: string): string[] {
    const c = this.containers.get(containerId);
    return c ? [c.memory, c.cpu] : [];
  }

  /** Kills every process in the container's cgroups. */
  kill(containerId: string): void {
    const c = this.containers.get(containerId);
    if (c) killAll(c.memory, c.cpu);
  }

  /** Kills what is left of the container and removes its cgroups. */
  async destroy(containerId: string): Promise<void> {
    const c = this.containers.get(containerId);
    if (!c) return;
    this.containers.delete(containerId);
    await removeCgroups([c.memory, c.cpu]);
  }

  /** Destroys every container and the agent's own cgroups (the agent stops). */
  async destroyAll(): Promise<void> {
    await Promise.all([...this.containers.keys()].map((id) => this.destroy(id)));
    await removeCgroups([...subdirs(this.memoryRoot), ...subdirs(this.cpuRoot), this.memoryRoot, this.cpuRoot]);
  }
}

function quote(s: string): string {
  return `'${s.replaceAll("'", "'\\''")}'`;
}

function write(file: string, value: string): void {
  writeFileSync(file, value);
}

function read(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function numberIn(s: string | undefined): number | undefined {
  const n = Number(s?.trim());
  return s === undefined || !Number.isFinite(n) ? undefined : n;
}

function pids(dir: string): number[] {
  return (read(join(dir, 'cgroup.procs')) ?? '').split('\n').filter(Boolean).map(Number);
}

function killAll(...dirs: string[]): void {
  for (const dir of dirs) {
    for (const pid of pids(dir)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
}

function subdirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => join(dir, d.name));
  } catch {
    return [];
  }
}

/** Kills the cgroups' processes until none is left, then removes them (a cgroup with processes cannot go). */
export async function removeCgroups(dirs: string[]): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const left = dirs.filter((d) => existsSync(d));
    if (left.length === 0) return;
    killAll(...left);
    for (const d of left) {
      try {
        rmdirSync(d);
      } catch {
        /* still has processes or children: next round */
      }
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  log.warn({ dirs: dirs.filter((d) => existsSync(d)) }, 'could not remove cgroups');
}
