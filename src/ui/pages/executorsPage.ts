/** The Executors tab: totals for active and dead executors, then one row per executor (the driver included). */
import type { ExecutorRecord } from '../status/records.js';
import { bytes, duration, esc } from './format.js';
import { link, page, table, type PageContext } from './layout.js';

export function executorsPage(ctx: PageContext): string {
  const store = ctx.store;
  const execs = [...store.executors.values()].sort((a, b) => (a.id === 'driver' ? -1 : b.id === 'driver' ? 1 : a.id.localeCompare(b.id, 'en', { numeric: true })));
  const row = (xs: ExecutorRecord[]) => {
    const u = xs.map((x) => store.storage.usageOf(x.id));
    const sum = (f: (x: ExecutorRecord) => number) => xs.reduce((n, x) => n + f(x), 0);
    return [
      String(u.reduce((n, v) => n + v.blocks, 0)), esc(`${bytes(u.reduce((n, v) => n + v.mem, 0))} / ${bytes(sum((x) => x.maxMemory))}`),
      esc(bytes(u.reduce((n, v) => n + v.disk, 0))), String(sum((x) => x.totalCores)), String(sum((x) => x.activeTasks)), String(sum((x) => x.failedTasks)),
      String(sum((x) => x.completedTasks)), String(sum((x) => store.totalTasks(x))), esc(`${duration(sum((x) => x.totalDuration))} (${duration(sum((x) => x.totalGCTime))})`),
      esc(bytes(sum((x) => x.totalInputBytes))), esc(bytes(sum((x) => x.totalShuffleRead))), esc(bytes(sum((x) => x.totalShuffleWrite))),
      String(xs.filter((x) => x.isExcluded).length),
    ];
  };
  const active = execs.filter((x) => x.isActive);
  const dead = execs.filter((x) => !x.isActive);
  const summary = table('summary-execs-table', ['', 'RDD Blocks', 'Storage Memory', 'Disk Used', 'Cores', 'Active Tasks', 'Failed Tasks', 'Complete Tasks', 'Total Tasks',
    'Task Time (GC Time)', 'Input', 'Shuffle Read', 'Shuffle Write', 'Excluded'],
  [[`Active(${active.length})`, ...row(active)], [`Dead(${dead.length})`, ...row(dead)], [`Total(${execs.length})`, ...row(execs)]]);
  const rows = execs.map((x) => {
    const logs = Object.entries(x.executorLogs).map(([k, v]) => link(v, esc(k))).join(' ');
    const status = x.isActive ? (x.isExcluded ? 'Excluded' : 'Active') : 'Dead';
    return [esc(x.id), esc(x.hostPort), `${status}${x.removeReason ? `<div class="muted">${esc(x.removeReason)}</div>` : ''}`, ...row([x]).slice(0, 12), logs];
  });
  const list = table('active-executors-table', ['Executor ID', 'Address', 'Status', 'RDD Blocks', 'Storage Memory', 'Disk Used', 'Cores', 'Active Tasks', 'Failed Tasks',
    'Complete Tasks', 'Total Tasks', 'Task Time (GC Time)', 'Input', 'Shuffle Read', 'Shuffle Write', 'Logs'], rows);
  return page(ctx, 'executors', 'Executors', `<h4 id="summary-heading">Summary</h4>\n${summary}\n<h4 id="executors-heading">Executors</h4>\n${list}`);
}
