/** The stage tables of the Stages tab and the job page (Spark's StageTableBase). */
import type { StageRecord } from '../status/records.js';
import { bytes, date, duration, esc } from './format.js';
import { link, progress, table, type PageContext } from './layout.js';

export function stageHref(ctx: PageContext, s: StageRecord): string {
  return `${ctx.base}/stages/stage/?id=${s.stageId}&attempt=${s.attemptId}`;
}

function killLink(ctx: PageContext, s: StageRecord): string {
  if (!ctx.killEnabled || s.status !== 'ACTIVE') return '';
  const href = `${ctx.base}/stages/stage/kill/?id=${s.stageId}`;
  return ` ${link(href, '(kill)', ` class="kill-link" onclick="return window.confirm('Are you sure you want to kill stage ${s.stageId} ?');"`)}`;
}

export function stageTable(ctx: PageContext, id: string, stages: readonly StageRecord[], now: number): string {
  const failed = id.includes('failed');
  const headers = ['Stage Id', 'Description', 'Submitted', 'Duration', 'Tasks: Succeeded/Total', 'Input', 'Output', 'Shuffle Read', 'Shuffle Write', ...(failed ? ['Failure Reason'] : [])];
  const rows = stages.map((s) => {
    const m = s.metrics;
    const end = s.completionTime ?? (s.status === 'ACTIVE' ? now : undefined);
    const desc = `${s.description !== undefined ? `<div>${esc(s.description)}</div>` : ''}${link(stageHref(ctx, s), esc(s.name))}${killLink(ctx, s)}`;
    const cells = [
      `${s.stageId}${s.attemptId > 0 ? ` (retry ${s.attemptId})` : ''}`, desc, esc(date(s.submissionTime)),
      esc(s.submissionTime !== undefined && end !== undefined ? duration(end - s.submissionTime) : ''),
      progress(s.numCompleteTasks, s.numActiveTasks, s.numTasks, s.numFailedTasks),
      m.inputBytes > 0 ? esc(bytes(m.inputBytes)) : '', m.outputBytes > 0 ? esc(bytes(m.outputBytes)) : '',
      m.shuffleReadBytes > 0 ? esc(bytes(m.shuffleReadBytes)) : '', m.shuffleWriteBytes > 0 ? esc(bytes(m.shuffleWriteBytes)) : '',
    ];
    if (failed) cells.push(`<pre class="error">${esc(s.failureReason ?? '')}</pre>`);
    return cells;
  });
  return table(id, headers, rows);
}

/** Stages by state, newest first, under Spark's headings ("Active Stages (2)"). */
export function stageSections(ctx: PageContext, stages: readonly StageRecord[], now: number, prefix = ''): string {
  const sorted = [...stages].sort((a, b) => b.stageId - a.stageId || b.attemptId - a.attemptId);
  const groups: [string, string, StageRecord['status']][] = [
    ['active', 'Active Stages', 'ACTIVE'], ['pending', 'Pending Stages', 'PENDING'], ['completed', 'Completed Stages', 'COMPLETE'],
    ['skipped', 'Skipped Stages', 'SKIPPED'], ['failed', 'Failed Stages', 'FAILED'],
  ];
  return groups.map(([key, title, status]) => {
    const these = sorted.filter((s) => s.status === status);
    if (these.length === 0) return '';
    return `<h4 id="${prefix}${key}-heading">${title} (${these.length})</h4>\n${stageTable(ctx, `${prefix}${key}Stages`, these, now)}`;
  }).join('\n');
}
