/** The Jobs tab (active, completed and failed jobs) and a job's page (its stages by state). */
import type { JobRecord } from '../status/records.js';
import { date, duration, esc } from './format.js';
import { link, page, progress, table, type PageContext } from './layout.js';
import { stageSections } from './stageTable.js';

function jobTable(ctx: PageContext, id: string, jobs: readonly JobRecord[], now: number): string {
  const rows = jobs.map((j) => {
    const end = j.completionTime ?? (j.status === 'RUNNING' ? now : undefined);
    const kill = ctx.killEnabled && j.status === 'RUNNING'
      ? ` ${link(`${ctx.base}/jobs/job/kill/?id=${j.jobId}`, '(kill)', ` class="kill-link" onclick="return window.confirm('Are you sure you want to kill job ${j.jobId} ?');"`)}`
      : '';
    const stagesTotal = j.stageIds.length - j.skippedStages.size;
    return [
      `${j.jobId}${j.jobGroup !== undefined ? ` (${esc(j.jobGroup)})` : ''}`,
      `${j.description !== undefined ? `<div>${esc(j.description)}</div>` : ''}${link(`${ctx.base}/jobs/job/?id=${j.jobId}`, esc(j.name))}${kill}`,
      esc(date(j.submissionTime)), esc(j.submissionTime !== undefined && end !== undefined ? duration(end - j.submissionTime) : ''),
      `${j.completedStages.size}/${stagesTotal}${j.skippedStages.size > 0 ? ` (${j.skippedStages.size} skipped)` : ''}${j.failedStages.size > 0 ? ` (${j.failedStages.size} failed)` : ''}`,
      progress(j.numCompletedTasks, j.numActiveTasks, j.numTasks - j.numSkippedTasks, j.numFailedTasks, j.numSkippedTasks),
    ];
  });
  return table(id, ['Job Id (Job Group)', 'Description', 'Submitted', 'Duration', 'Stages: Succeeded/Total', 'Tasks (for all stages): Succeeded/Total'], rows);
}

export function jobsPage(ctx: PageContext, now: number): string {
  const jobs = [...ctx.store.jobs.values()].sort((a, b) => b.jobId - a.jobId);
  const app = ctx.store.app;
  const groups: [string, string, JobRecord['status']][] = [['active', 'Active Jobs', 'RUNNING'], ['completed', 'Completed Jobs', 'SUCCEEDED'], ['failed', 'Failed Jobs', 'FAILED']];
  const uptime = app ? (app.endTime ?? now) - app.startTime : 0;
  const counts = groups.map(([, title, status]) => `<li><strong>${title}:</strong> ${jobs.filter((j) => j.status === status).length}</li>`).join('');
  const summary = `<ul class="summary"><li><strong>User:</strong> ${esc(app?.sparkUser ?? '')}</li><li><strong>Total Uptime:</strong> ${esc(duration(uptime))}</li>
<li><strong>Scheduling Mode:</strong> FIFO</li>${counts}</ul>`;
  const sections = groups.map(([key, title, status]) => {
    const these = jobs.filter((j) => j.status === status);
    if (these.length === 0) return '';
    return `<h4 id="${key}-heading">${title} (${these.length})</h4>\n${jobTable(ctx, `${key}Jobs`, these, now)}`;
  }).join('\n');
  // Going beyond Spark's UI: why tasks wait when no executor comes (the cluster manager's explanation).
  const waiting = ctx.waitingForExecutors !== undefined ? `<p id="waiting-for-executors" class="warning"><strong>Waiting for executors:</strong> ${esc(ctx.waitingForExecutors)}</p>\n` : '';
  return page(ctx, 'jobs', 'Spark Jobs', waiting + summary + sections);
}

export function jobPage(ctx: PageContext, jobId: number, now: number): string | undefined {
  const j = ctx.store.jobs.get(jobId);
  if (!j) return undefined;
  const end = j.completionTime ?? (j.status === 'RUNNING' ? now : undefined);
  const summary = `<ul class="summary"><li><strong>Status:</strong> <span class="status-${j.status}">${j.status}</span></li>
<li><strong>Submitted:</strong> ${esc(date(j.submissionTime))}</li>
<li><strong>Duration:</strong> ${esc(j.submissionTime !== undefined && end !== undefined ? duration(end - j.submissionTime) : '')}</li>
${j.jobGroup !== undefined ? `<li><strong>Job Group:</strong> ${esc(j.jobGroup)}</li>` : ''}
${j.description !== undefined ? `<li><strong>Description:</strong> ${esc(j.description)}</li>` : ''}
${j.error !== undefined ? `<li><strong>Failure:</strong> <pre class="error">${esc(j.error)}</pre></li>` : ''}</ul>`;
  const stages = [...ctx.store.stages.values()].filter((s) => j.stageIds.includes(s.stageId) && s.jobIds.has(jobId));
  // A stage this job skipped shows as skipped here even if another job ran it.
  const shown = stages.map((s) => (j.skippedStages.has(s.stageId) && s.status !== 'SKIPPED' ? { ...s, status: 'SKIPPED' as const } : s));
  return page(ctx, 'jobs', `Details for Job ${jobId}`, summary + stageSections(ctx, shown, now));
}
