/**
 * The pages of one application's UI, by path below the application's base (`/jobs/`, `/stages/stage/?id=1&attempt=0`,
 * ...), with Spark's kill requests when allowed. Links are prefixed with the UI root (`spark.ui.proxyBase`,
 * `APPLICATION_WEB_PROXY_BASE`, or the `X-Forwarded-Context` header), as Spark's `UIUtils.uiRoot` does.
 */
import type http from 'node:http';
import { environmentPage } from './environmentPage.js';
import { executorsPage } from './executorsPage.js';
import { jobPage, jobsPage } from './jobsPages.js';
import type { PageContext } from './layout.js';
import { rddPage, storagePage } from './storagePages.js';
import { stagePage, stagesPage } from './stagesPages.js';
import { STYLESHEET } from './style.js';

export interface PageResponse { status: number; html?: string; location?: string; text?: string; contentType?: string }

/** First non-empty of the configured proxy base, `APPLICATION_WEB_PROXY_BASE` and the request's `X-Forwarded-Context`, without a trailing slash. */
export function uiRoot(proxyBase: string | undefined, env: NodeJS.ProcessEnv, req: http.IncomingMessage): string {
  const header = req.headers['x-forwarded-context'];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  const root = [proxyBase, env.APPLICATION_WEB_PROXY_BASE, fromHeader].find((v) => v !== undefined && v !== '') ?? '';
  return root.replace(/\/+$/, '');
}

export const STATIC_CSS_PATH = '/static/spark-mesos.css';

export function staticResource(path: string): PageResponse | undefined {
  return path === STATIC_CSS_PATH ? { status: 200, text: STYLESHEET, contentType: 'text/css; charset=utf-8' } : undefined;
}

export interface KillActions {
  killJob(jobId: number): void;
  killStage(stageId: number): void;
}

const notFound = (what: string): PageResponse => ({ status: 404, text: what });

function idParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  return v !== null && /^\d+$/.test(v) ? Number(v) : undefined;
}

/** Renders the page at `sub` (the path below the application's base). */
export function renderPage(ctx: PageContext, sub: string, q: URLSearchParams, kill: KillActions | undefined, now = Date.now()): PageResponse {
  const path = sub === '' || sub.endsWith('/') ? sub : `${sub}/`;
  const html = (h: string | undefined, what: string): PageResponse => (h === undefined ? notFound(what) : { status: 200, html: h });
  switch (path) {
    case '/':
      return { status: 302, location: `${ctx.base}/jobs/` };
    case '':
      return { status: 302, location: `${ctx.base}/jobs/` };
    case '/jobs/':
      return html(jobsPage(ctx, now), '');
    case '/jobs/job/': {
      const id = idParam(q, 'id');
      return id === undefined ? notFound('Missing id parameter') : html(jobPage(ctx, id, now), `No job with id ${id}`);
    }
    case '/stages/':
      return html(stagesPage(ctx, now), '');
    case '/stages/stage/': {
      const id = idParam(q, 'id');
      const attempt = idParam(q, 'attempt') ?? 0;
      return id === undefined ? notFound('Missing id parameter') : html(stagePage(ctx, id, attempt), `No stage with id ${id} and attempt ${attempt}`);
    }
    case '/storage/':
      return html(storagePage(ctx), '');
    case '/storage/rdd/': {
      const id = idParam(q, 'id');
      return id === undefined ? notFound('Missing id parameter') : html(rddPage(ctx, id), `No RDD with id ${id}`);
    }
    case '/environment/':
      return html(environmentPage(ctx), '');
    case '/executors/':
      return html(executorsPage(ctx), '');
    case '/jobs/job/kill/':
    case '/stages/stage/kill/': {
      const isJob = path.startsWith('/jobs');
      const id = idParam(q, 'id');
      if (!ctx.killEnabled || !kill) return { status: 405, text: 'Killing is not allowed (spark.ui.killEnabled=false, or a finished application)' };
      if (id !== undefined && isJob) kill.killJob(id);
      else if (id !== undefined) kill.killStage(id);
      return { status: 302, location: `${ctx.base}/${isJob ? 'jobs' : 'stages'}/` };
    }
    default:
      return notFound(`No page at ${sub}`);
  }
}

export function sendPage(res: http.ServerResponse, r: PageResponse): void {
  if (r.location !== undefined) {
    res.writeHead(r.status, { Location: r.location });
    res.end();
  } else if (r.html !== undefined) {
    res.writeHead(r.status, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(r.html);
  } else {
    res.writeHead(r.status, { 'Content-Type': r.contentType ?? 'text/plain; charset=utf-8' });
    res.end(r.text ?? '');
  }
}
