/**
 * An agent's isolation as its `--isolation` flag asks (Mesos' default `posix/cpu,posix/mem` enforces nothing;
 * `cgroups/cpu,cgroups/mem` puts each container in cgroups). Where cgroups are unavailable the agent says so at
 * start and in `/flags` (`cgroups_unavailable`) and runs containers unisolated.
 */
import { getLogger } from '../../util/logging.js';
import { CgroupsIsolator, detectCgroups, type MemoryLimitation } from './CgroupsIsolator.js';
import { parseIsolation } from './containerLimits.js';

const log = getLogger('minimesos.Agent');

export interface IsolationOptions {
  /** Mesos `--isolation` (default `posix/cpu,posix/mem`). */
  isolation?: string;
  /** Mesos `--cgroups_enable_cfs`: also cap CPU time with a CFS quota (default false). */
  cgroupsEnableCfs?: boolean;
  /** How often containers are checked for OOM kills. */
  oomCheckIntervalMs?: number;
}

export class Isolation {
  private readonly cgroups: CgroupsIsolator | undefined;
  private readonly watchers = new Map<string, NodeJS.Timeout>();
  /** What `/flags` shows about isolation. */
  readonly flags: Record<string, string>;

  constructor(private readonly opts: IsolationOptions, name: string) {
    const requested = opts.isolation ?? 'posix/cpu,posix/mem';
    const isolators = parseIsolation(requested);
    const wantsCgroups = isolators.has('cgroups/cpu') || isolators.has('cgroups/mem');
    this.flags = { isolation: requested, cgroups_enable_cfs: String(opts.cgroupsEnableCfs ?? false) };
    if (!wantsCgroups) return;
    const support = detectCgroups();
    if (support.available) {
      this.cgroups = new CgroupsIsolator(support, { enableCfs: opts.cgroupsEnableCfs ?? false, name });
      log.info({ isolation: requested, memory: support.memory, cpu: support.cpu }, 'cgroups isolation on');
    } else {
      this.flags.cgroups_unavailable = support.reason;
      log.warn({ reason: support.reason }, `cgroups isolation unavailable (${support.reason}): containers run unisolated`);
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

  /** Calls `onLimit` (once) when the container exceeds its memory; the container is killed first. */
  watch(containerId: string, onLimit: (l: MemoryLimitation) => void): void {
    const cg = this.cgroups;
    if (!cg) return;
    const timer = setInterval(() => {
      const l = cg.limitation(containerId);
      if (!l) return;
      this.unwatch(containerId);
      cg.kill(containerId);
      onLimit(l);
    }, this.opts.oomCheckIntervalMs ?? 200);
    timer.unref();
    this.watchers.set(containerId, timer);
  }

  /** A limitation not yet reported (checked when the container's process exits, before its exit is). */
  limitation(containerId: string): MemoryLimitation | undefined {
    return this.cgroups?.limitation(containerId);
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
    await this.cgroups?.destroyAll();
  }

  private unwatch(containerId: string): void {
    clearInterval(this.watchers.get(containerId));
    this.watchers.delete(containerId);
  }
}
