/**
 * Cgroup roots left by agent runs that are gone. Each agent run makes its own root, `minimesos-<agent pid>-<8 hex>`
 * (Agent.ts), next to the cgroups of the process that started it; a run that crashed never removes it. A restarted
 * agent removes such roots once no process is left in them (a re-attached container's cgroups stay until it ends).
 */
import { existsSync, readdirSync, readFileSync, rmdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { getLogger } from '../../util/logging.js';
import { CGROUP_PREFIX, detectCgroups } from './CgroupsIsolator.js';
import { isRunningState, readProcStat } from './procStat.js';

const log = getLogger('minimesos.Agent');

const ROOT_NAME = new RegExp(`^${CGROUP_PREFIX}([0-9]+)-[0-9a-f]{8}$`);

/** The pid of the agent run a root belongs to; undefined for names not made by an agent run. */
export function rootOwner(name: string): number | undefined {
  const m = ROOT_NAME.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** Of the names in a cgroup directory, the agent-run roots whose agent process is gone. */
export function staleRootNames(names: readonly string[], pidRuns: (pid: number) => boolean): string[] {
  return names.filter((n) => {
    const pid = rootOwner(n);
    return pid !== undefined && !pidRuns(pid);
  });
}

function pidRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  const stat = readProcStat(pid);
  return stat === undefined || isRunningState(stat.state);
}

/**
 * Where agent-run roots live: the directories of this process's own v1 cgroups, and the parents of the roots of
 * recorded containers (`<parent>/<root>/<container id>`).
 */
export function rootParents(recordedCgroups: readonly string[]): string[] {
  const out = new Set(recordedCgroups.map((d) => dirname(dirname(d))));
  const own = detectCgroups();
  if (own.available) {
    out.add(own.memory);
    out.add(own.cpu);
  }
  return [...out];
}

/** Removes the stale roots under `parents` that no process is left in; returns the removed ones. */
export function removeStaleRoots(parents: readonly string[]): string[] {
  const removed: string[] = [];
  for (const parent of parents) {
    let names: string[];
    try {
      names = readdirSync(parent, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    } catch {
      continue;
    }
    for (const name of staleRootNames(names, pidRuns)) {
      const root = join(parent, name);
      const dirs = tree(root);
      if (dirs.some((d) => hasProcesses(d))) {
        log.info({ root }, 'a cgroup root of a previous agent run still has processes: kept');
        continue;
      }
      // Deepest first: a cgroup with children cannot go.
      for (const d of dirs.reverse()) {
        try {
          rmdirSync(d);
        } catch {
          /* raced with something else: next sweep */
        }
      }
      if (!existsSync(root)) {
        removed.push(root);
        log.info({ root }, 'removed the cgroup root of a previous agent run');
      }
    }
  }
  return removed;
}

/** The directory and every directory under it, parents first. */
function tree(dir: string): string[] {
  const out = [dir];
  for (let i = 0; i < out.length; i++) {
    try {
      for (const d of readdirSync(out[i]!, { withFileTypes: true })) if (d.isDirectory()) out.push(join(out[i]!, d.name));
    } catch {
      /* gone */
    }
  }
  return out;
}

function hasProcesses(dir: string): boolean {
  try {
    return readFileSync(join(dir, 'cgroup.procs'), 'utf8').trim() !== '';
  } catch {
    return false;
  }
}
