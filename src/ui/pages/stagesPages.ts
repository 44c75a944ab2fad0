/** The Stages tab, and a stage attempt's page: totals, summary quantiles, metrics by executor, and its tasks. */
import { taskMetricDistributions } from '../api/taskSummary.js';
import type { StageRecord, TaskRecord } from '../status/records.js';
import { bytes, date, duration, esc, sizeRecords } from './format.js';
import { link, page, table, type PageContext } from './layout.js';
import { stageSections } from './stageTable.js';

/** Tasks listed on a stage page at most (the rest are counted, and served by `/api/v1/.../taskList`). */
const MAX_TASK_ROWS = 1000;

export function stagesPage(ctx: PageContext, now: number): string {
  const stages = [...ctx.store.stages.values()];
  const counts = ['ACTIVE', 'PENDING', 'COMPLETE', 'SKIPPED', 'FAILED'].map((st) => [st, stages.filter((s) => s.status === st).length] as const);
  const summary = `<ul class="summary">${counts.map(([st, n]) => `<li><strong>${st[0]}${st.slice(1).toLowerCase()} Stages:</strong> ${n}</li>`).join('')}</ul>`;
  return page(ctx, 'stages', 'Stages for All Jobs', summary + stageSections(ctx, stages, now));
}

const QUANTILES = [0, 0.25, 0.5, 0.75, 1];

function summaryTable(s: StageRecord): string {
  const d = taskMetricDistributions(s, QUANTILES) as Record<string, any> | undefined;
  if (!d) return '<p class="muted">No completed tasks yet.</p>';
  const ms = (v: number[]) => v.map((x) => esc(duration(x)));
  const sz = (v: number[]) => v.map((x) => esc(bytes(x)));
  const both = (b: number[], r: number[]) => b.map((x, i) => esc(`${bytes(x)} / ${r[i]}`));
  const rows: [string, string[]][] = [
    ['Duration', ms(d.duration)], ['Scheduler Delay', ms(d.schedulerDelay)], ['Task Deserialization Time', ms(d.executorDeserializeTime)],
    ['GC Time', ms(d.jvmGcTime)], ['Result Serialization Time', ms(d.resultSerializationTime)], ['Getting Result Time', ms(d.gettingResultTime)],
    ['Peak Execution Memory', sz(d.peakExecutionMemory)],
  ];
  if (s.metrics.inputBytes > 0 || s.metrics.inputRecords > 0) rows.push(['Input Size / Records', both(d.inputMetrics.bytesRead, d.inputMetrics.recordsRead)]);
  if (s.metrics.outputBytes > 0 || s.metrics.outputRecords > 0) rows.push(['Output Size / Records', both(d.outputMetrics.bytesWritten, d.outputMetrics.recordsWritten)]);
  if (s.metrics.shuffleReadBytes > 0 || s.metrics.shuffleReadRecords > 0) {
    rows.push(['Shuffle Read Size / Records', both(d.shuffleReadMetrics.readBytes, d.shuffleReadMetrics.readRecords)]);
    rows.push(['Shuffle Remote Reads', sz(d.shuffleReadMetrics.remoteBytesRead)]);
  }
  if (s.metrics.shuffleWriteBytes > 0 || s.metrics.shuffleWriteRecords > 0) {
    rows.push(['Shuffle Write Size / Records', both(d.shuffleWriteMetrics.writeBytes, d.shuffleWriteMetrics.writeRecords)]);
  }
  if (s.metrics.diskBytesSpilled > 0) rows.push(['Spill (Disk)', sz(d.diskBytesSpilled)]);
  return table('summary-metrics', ['Metric', 'Min', '25th percentile', 'Median', '75th percentile', 'Max'], rows.map(([name, v]) => [esc(name), ...v]));
}

function executorTable(ctx: PageContext, s: StageRecord): string {
  const rows = [...s.executorSummary].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, e]) => {
    const x = ctx.store.executors.get(id);
    const logs = Object.entries(x?.executorLogs ?? {}).map(([k, v]) => link(v, esc(k))).join(' ');
    return [
      `${esc(id)}${logs ? `<div>${logs}</div>` : ''}`, esc(x?.hostPort ?? ''), esc(duration(e.taskTime)), String(e.failedTasks + e.succeededTasks + e.killedTasks),
      String(e.failedTasks), String(e.killedTasks), String(e.succeededTasks), esc(sizeRecords(e.inputBytes, e.inputRecords)),
      esc(sizeRecords(e.outputBytes, e.outputRecords)), esc(sizeRecords(e.shuffleRead, e.shuffleReadRecords)), esc(sizeRecords(e.shuffleWrite, e.shuffleWriteRecords)),
      esc(bytes(e.memoryBytesSpilled)), esc(bytes(e.diskBytesSpilled)),
    ];
  });
  return table('executor-metrics', ['Executor ID', 'Address', 'Task Time', 'Total Tasks', 'Failed Tasks', 'Killed Tasks', 'Succeeded Tasks', 'Input Size / Records',
    'Output Size / Records', 'Shuffle Read Size / Records', 'Shuffle Write Size / Records', 'Spill (Memory)', 'Spill (Disk)'], rows);
}

function taskRow(t: TaskRecord): string[] {
  const m = t.taskMetrics;
  return [
    String(t.index), String(t.taskId), String(t.attempt), `<span class="status-${esc(t.status)}">${esc(t.status)}</span>`, esc(t.taskLocality),
    esc(t.executorId), esc(t.host), esc(date(t.launchTime)), esc(duration(t.duration)), esc(m ? duration(m.jvmGcTime) : ''),
    esc(m ? sizeRecords(m.inputMetrics.bytesRead, m.inputMetrics.recordsRead) : ''),
    esc(m ? sizeRecords(m.shuffleReadMetrics.remoteBytesRead + m.shuffleReadMetrics.localBytesRead, m.shuffleReadMetrics.recordsRead) : ''),
    esc(m ? sizeRecords(m.shuffleWriteMetrics.bytesWritten, m.shuffleWriteMetrics.recordsWritten) : ''),
    esc(m && m.diskBytesSpilled > 0 ? bytes(m.diskBytesSpilled) : ''),
    t.errorMessage !== undefined ? `<pre class="error">${esc(t.errorMessage)}</pre>` : '',
  ];
}

export function stagePage(ctx: PageContext, stageId: number, attempt: number): string | undefined {
  const s = ctx.store.stages.get(`${stageId}.${attempt}`);
  if (!s) return undefined;
  const m = s.metrics;
  const locality = new Map<string, number>();
  for (const t of s.tasks.values()) locality.set(t.taskLocality, (locality.get(t.taskLocality) ?? 0) + 1);
  const item = (name: string, value: string) => (value ? `<li><strong>${name}:</strong> ${value}</li>` : '');
  const jobs = [...s.jobIds].sort((a, b) => a - b).map((j) => link(`${ctx.base}/jobs/job/?id=${j}`, String(j))).join(', ');
  const summary = `<ul class="summary">
${item('Status', `<span class="status-${s.status}">${s.status}</span>`)}
${item('Total Time Across All Tasks', esc(duration(m.executorRunTime)))}
${item('Locality Level Summary', esc([...locality].map(([k, n]) => `${k.replace('_', ' ').replace(/\b\w+/g, (w) => w[0] + w.slice(1).toLowerCase())}: ${n}`).join('; ')))}
${item('Input Size / Records', esc(sizeRecords(m.inputBytes, m.inputRecords)))}
${item('Output Size / Records', esc(sizeRecords(m.outputBytes, m.outputRecords)))}
${item('Shuffle Read Size / Records', esc(sizeRecords(m.shuffleReadBytes, m.shuffleReadRecords)))}
${item('Shuffle Write Size / Records', esc(sizeRecords(m.shuffleWriteBytes, m.shuffleWriteRecords)))}
${m.memoryBytesSpilled > 0 ? item('Spill (Memory)', esc(bytes(m.memoryBytesSpilled))) : ''}
${m.diskBytesSpilled > 0 ? item('Spill (Disk)', esc(bytes(m.diskBytesSpilled))) : ''}
${item('Associated Job Ids', jobs)}
${s.failureReason !== undefined ? item('Failure Reason', `<pre class="error">${esc(s.failureReason)}</pre>`) : ''}
</ul>`;
  const tasks = [...s.tasks.values()].sort((a, b) => a.index - b.index || a.attempt - b.attempt);
  const completed = tasks.filter((t) => t.status === 'SUCCESS').length;
  const shown = tasks.slice(0, MAX_TASK_ROWS);
  const taskTable = table('task-table', ['Index', 'Task ID', 'Attempt', 'Status', 'Locality Level', 'Executor ID', 'Host', 'Launch Time', 'Duration', 'GC Time',
    'Input Size / Records', 'Shuffle Read Size / Records', 'Shuffle Write Size / Records', 'Spill (Disk)', 'Errors'], shown.map(taskRow));
  const more = tasks.length > shown.length ? `<p class="muted">${tasks.length - shown.length} more tasks: see the REST API's taskList.</p>` : '';
  const body = `${summary}
<h4 id="summary-heading">Summary Metrics for ${completed} Completed Tasks</h4>
${summaryTable(s)}
<h4 id="executor-heading">Aggregated Metrics by Executor</h4>
${executorTable(ctx, s)}
<h4 id="tasks-heading">Tasks (${tasks.length})</h4>
${taskTable}${more}`;
  return page(ctx, 'stages', `Details for Stage ${stageId} (Attempt ${attempt})`, body);
}
