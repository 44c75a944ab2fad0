/**
 * Mesos' `disk/du` isolator (`posix/disk.cpp`, `docs/isolators/disk-du.md`): every
 * `--container_disk_watch_interval` (15 s) it runs `du -k -s <sandbox>` for each container; with
 * `--enforce_container_disk_quota` a sandbox over the container's `disk` resources is a limitation
 * (`REASON_CONTAINER_LIMITATION_DISK`, `Disk usage (<usage>) exceeds quota (<quota>)`, the quota as its resources);
 * without it usage is only measured. A container without `disk` resources has no quota.
 */
import { execFile } from 'node:child_process';
import type { Resource } from '../../mesos/wire/resources.js';
import { getLogger } from '../../util/logging.js';
import { formatBytes } from './containerLimits.js';

const log = getLogger('minimesos.Agent');

export interface ContainerLimitation {
  reason: 'REASON_CONTAINER_LIMITATION_MEMORY' | 'REASON_CONTAINER_LIMITATION_DISK';
  message: string;
  resources: Resource[];
}

/** The container's disk quota: its `disk` resources (persistent volumes and MOUNT disks are checked elsewhere). */
export function diskQuota(resources: readonly Resource[]): Resource[] {
  return resources.filter((r) => r.name === 'disk' && r.disk?.persistence === undefined && (r.disk?.source as { type?: string } | undefined)?.type !== 'MOUNT');
}

/** `du -k -s` output (`<KB>\t<path>`) in bytes; undefined when it is not that. */
export function parseDu(output: string): number | undefined {
  const m = /^([0-9]+)\s/.exec(output);
  return m ? Number(m[1]) * 1024 : undefined;
}

/** The limitation for a measured usage, or undefined when within quota, without quota, or not enforced. */
export function diskLimitation(usageBytes: number, quota: readonly Resource[], enforce: boolean): ContainerLimitation | undefined {
  if (!enforce || quota.length === 0) return undefined;
  const quotaBytes = Math.round(quota.reduce((n, r) => n + (r.scalar?.value ?? 0), 0) * 1024 * 1024);
  if (usageBytes <= quotaBytes) return undefined;
  return { reason: 'REASON_CONTAINER_LIMITATION_DISK', message: `Disk usage (${formatBytes(usageBytes)}) exceeds quota (${formatBytes(quotaBytes)})`, resources: [...quota] };
}

interface Watched {
  sandbox: string;
  quota: () => Resource[];
  timer: NodeJS.Timeout;
  running: boolean;
  usageBytes: number | undefined;
}

export class DiskIsolator {
  private readonly containers = new Map<string, Watched>();

  constructor(private readonly opts: { enforce: boolean; intervalMs: number }) {}

  /** Starts measuring a container's sandbox; `onLimit` is called once if it goes over its quota. */
  watch(containerId: string, sandbox: string, quota: () => Resource[], onLimit: (l: ContainerLimitation) => void): void {
    const w: Watched = { sandbox, quota, running: false, usageBytes: undefined, timer: setInterval(() => void this.check(containerId, w, onLimit), this.opts.intervalMs) };
    w.timer.unref();
    this.containers.set(containerId, w);
  }

  /** The last measured usage of a container's sandbox, in bytes. */
  usage(containerId: string): number | undefined {
    return this.containers.get(containerId)?.usageBytes;
  }

  unwatch(containerId: string): void {
    clearInterval(this.containers.get(containerId)?.timer);
    this.containers.delete(containerId);
  }

  stop(): void {
    for (const id of [...this.containers.keys()]) this.unwatch(id);
  }

  private async check(containerId: string, w: Watched, onLimit: (l: ContainerLimitation) => void): Promise<void> {
    if (w.running) return;
    w.running = true;
    try {
      const out = await new Promise<string>((resolve, reject) => execFile('du', ['-k', '-s', `${w.sandbox}/`], (err, stdout) => (err && !stdout ? reject(err) : resolve(stdout))));
      const usage = parseDu(out);
      if (usage === undefined || this.containers.get(containerId) !== w) return;
      w.usageBytes = usage;
      const l = diskLimitation(usage, w.quota(), this.opts.enforce);
      if (l) {
        this.unwatch(containerId);
        onLimit(l);
      }
    } catch (err) {
      log.debug({ err, container: containerId }, 'du failed');
    } finally {
      w.running = false;
    }
  }
}
