/**
 * Mesos' `cgroups/mem` and `cgroups/cpu` isolation on cgroups v2 (a machine whose `/sys/fs/cgroup` is `cgroup2`):
 * one cgroup per container under `<root>/minimesos-<id>/`, with the files of `cgroupsV2.ts`; the first process
 * moves itself in before it execs; an OOM kill (`memory.events`) is a memory limitation; destroying a container
 * kills what is left in it (`cgroup.kill` where the kernel has it). Same interface as the v1 `CgroupsIsolator`.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { CGROUP_PREFIX, removeCgroups, type MemoryLimitation } from './CgroupsIsolator.js';
import { cgroupV2Controls, oomKillsV2, parseMemoryMax } from './cgroupsV2.js';
import { memoryLimitMessage } from './containerLimits.js';

interface Container {
  dir: string;
  limitBytes: number;
  oomKills: number;
}

export class CgroupsV2Isolator {
  private readonly agentRoot: string;
  private readonly containers = new Map<string, Container>();

  constructor(root: string, private readonly opts: { enableCfs: boolean; name?: string }) {
    this.agentRoot = join(root, `${CGROUP_PREFIX}${opts.name ?? randomBytes(4).toString('hex')}`);
    // Controllers must be enabled for the children of each level: the root's, then the agent's.
    enableControllers(root);
    mkdirSync(this.agentRoot, { recursive: true });
    enableControllers(this.agentRoot);
  }

  prepare(containerId: string, resources: { cpus: number; memMb: number }): string[] {
    const c: Container = { dir: join(this.agentRoot, containerId), limitBytes: 0, oomKills: 0 };
    mkdirSync(c.dir, { recursive: true });
    this.containers.set(containerId, c);
    this.update(containerId, resources);
    return ['/bin/sh', '-c', `echo $$ > ${quote(join(c.dir, 'cgroup.procs'))} && exec "$@"`, 'mesos-containerizer'];
  }

  update(containerId: string, resources: { cpus: number; memMb: number }): void {
    const c = this.containers.get(containerId);
    if (!c) return;
    const v = cgroupV2Controls(resources, this.opts.enableCfs);
    writeFileSync(join(c.dir, 'cpu.weight'), v['cpu.weight']);
    writeFileSync(join(c.dir, 'cpu.max'), v['cpu.max']);
    const bytes = Number(v['memory.max']);
    if (bytes > c.limitBytes) {
      writeFileSync(join(c.dir, 'memory.max'), v['memory.max']);
      c.limitBytes = bytes;
    }
  }

  limitation(containerId: string): MemoryLimitation | undefined {
    const c = this.containers.get(containerId);
    if (!c) return undefined;
    const kills = oomKillsV2(read(join(c.dir, 'memory.events')));
    if (kills <= c.oomKills) return undefined;
    c.oomKills = kills;
    const limit = parseMemoryMax(read(join(c.dir, 'memory.max')));
    // memory.peak exists from Linux 5.19 on.
    const peak = parseMemoryMax(read(join(c.dir, 'memory.peak')));
    return { message: memoryLimitMessage(limit, peak, read(join(c.dir, 'memory.stat'))), memMb: (peak ?? limit ?? 0) / (1024 * 1024) };
  }

  controls(containerId: string): Record<string, string> | undefined {
    const c = this.containers.get(containerId);
    if (!c) return undefined;
    const out: Record<string, string> = {};
    for (const f of ['memory.max', 'cpu.weight', 'cpu.max']) {
      const v = read(join(c.dir, f));
      if (v !== undefined) out[f] = v.trim();
    }
    return out;
  }

  cgroupDirs(containerId: string): string[] {
    const c = this.containers.get(containerId);
    return c ? [c.dir] : [];
  }

  kill(containerId: string): void {
    const c = this.containers.get(containerId);
    if (!c) return;
    if (existsSync(join(c.dir, 'cgroup.kill'))) writeFileSync(join(c.dir, 'cgroup.kill'), '1');
    else for (const pid of (read(join(c.dir, 'cgroup.procs')) ?? '').split('\n').filter(Boolean)) killPid(Number(pid));
  }

  async destroy(containerId: string): Promise<void> {
    const c = this.containers.get(containerId);
    if (!c) return;
    this.kill(containerId);
    this.containers.delete(containerId);
    await removeCgroups([c.dir]);
  }

  async destroyAll(): Promise<void> {
    await Promise.all([...this.containers.keys()].map((id) => this.destroy(id)));
    await removeCgroups([this.agentRoot]);
  }
}

function enableControllers(dir: string): void {
  writeFileSync(join(dir, 'cgroup.subtree_control'), '+memory +cpu');
}

function quote(s: string): string {
  return `'${s.replaceAll("'", "'\\''")}'`;
}

function read(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function killPid(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}
