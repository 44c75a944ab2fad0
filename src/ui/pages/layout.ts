/** The chrome every page shares: the tab bar, the application's name, the stylesheet, and links prefixed for proxies. */
import type { AppStatusStore } from '../status/AppStatusStore.js';
import { esc } from './format.js';

export interface PageContext {
  store: AppStatusStore;
  /** Prefix of links within this application's UI: the UI root (proxy base), plus `/history/<app>[/<attempt>]` on the history server. */
  base: string;
  /** Prefix of links to the server itself (the proxy base, or ''). */
  root: string;
  /** Kill links and kill requests (the live driver with `spark.ui.killEnabled`). */
  killEnabled: boolean;
  /** Environment values as shown (secrets redacted). */
  redact(pairs: [string, string][]): [string, string][];
  /** On the history server: the listing page. */
  historyHome?: string;
  /** The live driver: why the application waits for executors, when it does. */
  waitingForExecutors?: string;
}

const TABS: [string, string][] = [['jobs', 'Jobs'], ['stages', 'Stages'], ['storage', 'Storage'], ['environment', 'Environment'], ['executors', 'Executors']];

export function page(ctx: PageContext, tab: string, title: string, body: string): string {
  const app = ctx.store.app;
  const tabs = TABS.map(([path, label]) => `<li${path === tab ? ' class="active"' : ''}><a href="${esc(`${ctx.base}/${path}/`)}">${label}</a></li>`).join('');
  const home = ctx.historyHome !== undefined ? `<a class="brand" href="${esc(ctx.historyHome)}">Spark History</a>` : `<a class="brand" href="${esc(`${ctx.base}/jobs/`)}">Spark</a>`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(`${app?.name ?? ''} - ${title}`)}</title>
<link rel="stylesheet" href="${esc(`${ctx.root}/static/spark-mesos.css`)}"></head>
<body><nav class="navbar">${home}<ul>${tabs}</ul><span class="app" id="app-name" title="${esc(app?.id ?? '')}">${esc(app?.name ?? '')} application UI</span></nav>
<main><h3>${esc(title)}</h3>
${body}
</main></body></html>`;
}

/** A table with a header row; `id` names it for tests and anchors. */
export function table(id: string, headers: readonly string[], rows: readonly string[][]): string {
  const head = headers.map((h) => `<th>${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table id="${esc(id)}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** A link (href escaped, text as given: already HTML). */
export function link(href: string, html: string, attrs = ''): string {
  return `<a href="${esc(href)}"${attrs}>${html}</a>`;
}

/** Spark's task progress bar: succeeded of total, with running ones. */
export function progress(done: number, running: number, total: number, failed: number, skipped = 0): string {
  const pct = (n: number) => (total > 0 ? Math.min(100, (100 * n) / total) : 0);
  const label = `${done}/${total}${running > 0 ? ` (${running} running)` : ''}${failed > 0 ? ` (${failed} failed)` : ''}${skipped > 0 ? ` (${skipped} skipped)` : ''}`;
  return `<div class="progress"><div class="done" style="width:${pct(done)}%"></div><div class="running" style="left:${pct(done)}%;width:${pct(running)}%"></div><span>${esc(label)}</span></div>`;
}
