/** The driver UI's routes on its HTTP server: `/api/v1`, the pages with their stylesheet, the kill links, executor metrics. */
import * as config from '../conf/catalog.js';
import { apiRoutes, chain, type RouteHandler } from './routes.js';
import type { SparkUI } from './SparkUI.js';
import { renderPage, sendPage, staticResource, uiRoot } from './pages/router.js';
import { executorPrometheus } from './api/prometheus.js';

export function driverRoutes(ui: SparkUI): RouteHandler {
  const proxyBase = ui.conf.get(config.UI_PROXY_BASE);
  const killEnabled = ui.conf.get(config.UI_KILL_ENABLED);
  const kill = ui.opts.killJob && ui.opts.killStage ? { killJob: ui.opts.killJob, killStage: ui.opts.killStage } : undefined;
  const prometheus = ui.conf.get(config.UI_PROMETHEUS_ENABLED);
  const pages: RouteHandler = async (req, res, url) => {
    if (prometheus && url.pathname === '/metrics/executors/prometheus') {
      sendPage(res, { status: 200, text: executorPrometheus(ui.store), contentType: 'text/plain; version=0.0.4; charset=utf-8' });
      return true;
    }
    const css = staticResource(url.pathname);
    if (css) {
      sendPage(res, css);
      return true;
    }
    const root = uiRoot(proxyBase, process.env, req);
    const waiting = ui.opts.waitingForExecutors?.();
    const ctx = { store: ui.store, base: root, root, killEnabled, redact: (p: [string, string][]) => ui.redactPairs(p), ...(waiting !== undefined ? { waitingForExecutors: waiting } : {}) };
    const r = renderPage(ctx, url.pathname, url.searchParams, kill);
    if (r.status === 404 && r.text?.startsWith('No page at')) return false;
    sendPage(res, r);
    return true;
  };
  return chain(apiRoutes(ui.apiSource()), pages);
}
