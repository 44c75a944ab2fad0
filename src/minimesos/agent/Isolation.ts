/**
 * An agent's isolation as its `--isolation` flag asks (Mesos' default `posix/cpu,posix/mem` enforces nothing;
 * `cgroups/cpu,cgroups/mem` puts each container in cgroups; `disk/du` measures sandboxes and, with
 * `--enforce_container_disk_quota`, holds them to their `disk`). Where cgroups are unavailable the agent says so at
 * start and in `/flags` (`cgroups_unavailable`) and runs containers unisolated.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Resource } from '../../mesos/wire/resources.js';
import { getLogger } from '../../util/logging.js';
import { CgroupsIsolator, detectCgroups, type MemoryLimitation } from './CgroupsIsolator.js';
import { CgroupsV2Isolator } from './CgroupsV2Isolator.js';
import { parseCgroupV2Support, type CgroupsV2Support } from './cgroupsV2.js';
import { DiskIsolator, type ContainerLimitation } from './DiskIsolator.js';
import { parseIsolation } from './containerLimits.js';

const log = getLogger('minimesos.Agent');

export interface IsolationOptions {
  /** Mesos `--isolation` (default `posix/cpu,posix/mem`). */
  isolation?: string;
  /** Mesos `--cgroups_enable_cfs`: also cap CPU time with a CFS quota (default false). */
  cgroupsEnableCfs?: boolean;
  /** How often containers are checked for OOM kills. */
  oomCheckIntervalMs?: number;
  /** Mesos `--enforce_container_disk_quota` (with `disk/du`; default false: usage is only measured). */
  enforceContainerDiskQuota?: boolean;
  /** Mesos `--container_disk_watch_interval` (default 15 s). */
  containerDiskWatchIntervalMs?: number;
}

/** Whether this machine's cgroups v2 hierarchy can isolate containers (root, `memory` and `cpu` controllers). */
function detectCgroupsV2(): CgroupsV2Support {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return { available: false, reason: 'cgroups isolation needs root on Linux' };
  let mounts: string;
  try {
    mounts = readFileSync('/proc/self/mounts', 'utf8');
  } catch (err) {
    return { available: false, reason: `cannot read /proc: ${(err as Error).message}` };
  }
  return parseCgroupV2Support(mounts, (root) => {
    try {
      return readFileSync(join(root, 'cgroup.controllers'), 'utf8');
    } catch {
      return undefined;
    }
  });
}

/** A memory limitation as the status update carries it (`limitation.resources` = the `mem` used). */
export function memoryContainerLimitation(l: MemoryLimitation): ContainerLimitation {
  return { reason: 'REASON_CONTAINER_LIMITATION_MEMORY', message: l.message, resources: [{ name: 'mem', type: 'SCALAR', scalar: { value: l.memMb } }] };
}

export class Isolation {
  private readonly cgroups: CgroupsIsolator | CgroupsV2Isolator | undefined;
  private readonly disk: DiskIsolator | undefined;
  private readonly watchers = new Map<string, NodeJS.Timeout>();
  /** What `/flags` shows about isolation. */
  readonly flags: Record<string, string>;

  constructor(private readonly opts: IsolationOptions, name: string) {
    const requested = opts.isolation ?? 'posix/cpu,posix/mem';
    const isolators = parseIsolation(requested);
    const wantsCgroups = isolators.has('cgroups/cpu') || isolators.has('cgroups/mem');
    this.flags = { isolation: requested, cgroups_enable_cfs: String(opts.cgroupsEnableCfs ?? false) };
    if (isolators.has('disk/du')) {
      const intervalMs = opts.containerDiskWatchIntervalMs ?? 15_000;
      this.disk = new DiskIsolator({ enforce: opts.enforceContainerDiskQuota ?? false, intervalMs });
      this.flags.enforce_container_disk_quota = String(opts.enforceContainerDiskQuota ?? false);
      this.flags.container_disk_watch_interval = `${intervalMs / 1000}secs`;
    }
    if (!wantsCgroups) return;
    const support = detectCgroups();
    const v2 = support.available ? undefined : detectCgroupsV2();
    if (support.available) {
      this.cgroups = new CgroupsIsolator(support, { enableCfs: opts.cgroupsEnableCfs ?? false, name });
      log.info({ isolation: requested, memory: support.memory, cpu: support.cpu }, 'cgroups isolation on');
    } else if (v2?.available) {
      this.cgroups = new CgroupsV2Isolator(v2.root, { enableCfs: opts.cgroupsEnableCfs ?? false, name });
      this.flags.cgroups_version = '2';
      log.info({ isolation: requested, root: v2.root }, 'cgroups v2 isolation on');
    } else {
      // Only v2 here, but unusable: say why v2 cannot serve rather than that v1 is missing.
      const reason = v2 && /v2/.test(support.reason) ? v2.reason : support.reason;
      this.flags.cgroups_unavailable = reason;
      log.warn({ reason }, `cgroups isolation unavailable (${reason}): containers run unisolated`);
    }
  }

  get isolated(): boolean {
    return this.cgroups !== undefined;
  }

  /** Prepares a container; returns the argv prefix its first process starts with (empty when unisolated). */
  prepare(containerId: string, resources: { cpus: number; memMb: number }): string[] {
    return this.cgroups?.prepare(containerId, resources) ?? [];
  }

  update(containerId: string, resources: { cpus: number; memMb: number }): void {
    this.cgroups?.update(containerId, resources);
  }

  /**
   * Calls `onLimit` (once) when the container exceeds its memory (the container is killed first) or, with
   * `disk/du` enforcing, its sandbox exceeds the `disk` that `diskQuota` returns at the time.
   */
  watch(containerId: string, sandbox: string, diskQuota: () => Resource[], onLimit: (l: ContainerLimitation) => void): void {
    this.disk?.watch(containerId, sandbox, diskQuota, (l) => {
      this.unwatch(containerId);
      onLimit(l);
    });
    const cg = this.cgroups;
    if (!cg) return;
    const timer = setInterval(() => {
      const l = cg.limitation(containerId);
      if (!l) return;
      this.unwatch(containerId);
      cg.kill(containerId);
      onLimit(memoryContainerLimitation(l));
    }, this.opts.oomCheckIntervalMs ?? 200);
    timer.unref();
    this.watchers.set(containerId, timer);
  }

  /** A memory limitation not yet reported (checked when the container's process exits, before its exit is). */
  limitation(containerId: string): ContainerLimitation | undefined {
    const l = this.cgroups?.limitation(containerId);
    return l ? memoryContainerLimitation(l) : undefined;
  }

  /** The last measured disk usage of a container's sandbox (with `disk/du`). */
  diskUsage(containerId: string): number | undefined {
    return this.disk?.usage(containerId);
  }

  cgroupDirs(containerId: string): string[] {
    return this.cgroups?.cgroupDirs(containerId) ?? [];
  }

  controls(containerId: string): Record<string, string> | undefined {
    return this.cgroups?.controls(containerId);
  }

  /** The container ended: whatever is left in it is killed and its cgroups go. */
  destroy(containerId: string): Promise<void> {
    this.unwatch(containerId);
    return this.cgroups?.destroy(containerId) ?? Promise.resolve();
  }

  async destroyAll(): Promise<void> {
    for (const id of [...this.watchers.keys()]) this.unwatch(id);
    this.disk?.stop();
    await this.cgroups?.destroyAll();
  }

  private unwatch(containerId: string): void {
    clearInterval(this.watchers.get(containerId));
    this.watchers.delete(containerId);
    this.disk?.unwatch(containerId);
  }
}
