/**
 * The driver UI's routes on its HTTP server: the stylesheet here, everything that reads the application's status
 * (`/api/v1`, the pages with their kill links, executor metrics) answered by the listener thread that holds it.
 */
import * as config from '../conf/catalog.js';
import { send, type RouteHandler } from './routes.js';
import type { SparkUI } from './SparkUI.js';
import { sendPage, staticResource, uiRoot } from './pages/router.js';

export function driverRoutes(ui: SparkUI): RouteHandler {
  const proxyBase = ui.conf.get(config.UI_PROXY_BASE);
  return async (req, res, url) => {
    const css = staticResource(url.pathname);
    if (css) {
      sendPage(res, css);
      return true;
    }
    const waiting = ui.opts.waitingForExecutors?.();
    const answer = await ui.request({
      path: url.pathname, search: url.search, root: uiRoot(proxyBase, process.env, req), ...(waiting !== undefined ? { waitingForExecutors: waiting } : {}),
    });
    if (answer.kind === 'none') return false;
    if (answer.kind === 'api') send(res, answer.r);
    else sendPage(res, answer.r);
    return true;
  };
}
