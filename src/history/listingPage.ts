/** The history server's front page: applications whose logs it found, complete or (on request) still running. */
import type { AppListing } from '../ui/api/ApiRouter.js';
import { date, duration, esc } from '../ui/pages/format.js';
import { link, table } from '../ui/pages/layout.js';
import { STATIC_CSS_PATH } from '../ui/pages/router.js';

export function attemptBase(root: string, appId: string, attemptId: string | undefined): string {
  return `${root}/history/${encodeURIComponent(appId)}${attemptId !== undefined ? `/${encodeURIComponent(attemptId)}` : ''}`;
}

export function listingPage(root: string, apps: readonly AppListing[], showIncomplete: boolean, logDir: string): string {
  const rows: string[][] = [];
  for (const app of apps) {
    for (const a of app.attempts) {
      if (a.completed === showIncomplete) continue;
      const base = attemptBase(root, app.id, a.attemptId);
      const logs = `${root}/api/v1/applications/${encodeURIComponent(app.id)}${a.attemptId !== undefined ? `/${encodeURIComponent(a.attemptId)}` : ''}/logs`;
      rows.push([
        link(`${base}/jobs/`, esc(app.id)), esc(app.name), esc(date(a.startTime)), esc(a.completed ? date(a.endTime) : ''),
        esc(a.completed ? duration(a.duration) : ''), esc(a.sparkUser), esc(date(a.lastUpdated)), link(logs, 'Download'),
      ]);
    }
  }
  const body = rows.length === 0
    ? `<p class="muted">No ${showIncomplete ? 'incomplete' : 'completed'} applications found in ${esc(logDir)}.</p>`
    : table('history-summary', ['App ID', 'App Name', 'Started', 'Completed', 'Duration', 'Spark User', 'Last Updated', 'Event Log'], rows);
  const toggle = showIncomplete ? link(`${root}/`, 'Back to completed applications') : link(`${root}/?showIncomplete=true`, 'Show incomplete applications');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>History Server</title><link rel="stylesheet" href="${esc(root + STATIC_CSS_PATH)}"></head>
<body><nav class="navbar"><a class="brand" href="${esc(`${root}/`)}">Spark History</a></nav>
<main><h3>${showIncomplete ? 'Incomplete applications' : 'Completed applications'}</h3>
<ul class="summary"><li><strong>Event log directory:</strong> ${esc(logDir)}</li></ul>
${body}
<p>${toggle}</p></main></body></html>`;
}
