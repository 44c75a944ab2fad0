/** Answers an HTTP request with `/api/v1` (and, when given, the HTML pages) of one status source. */
import type http from 'node:http';
import { handleApi, type ApiResponse, type ApiSource } from './api/ApiRouter.js';
import { getLogger } from '../util/logging.js';

const log = getLogger('ui');

/** Something that may answer a request; false leaves it to the next handler. */
export type RouteHandler = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => Promise<boolean>;

export function send(res: http.ServerResponse, r: ApiResponse): void {
  res.writeHead(r.status, { 'Content-Type': r.contentType, ...(r.headers ?? {}) });
  res.end(r.body);
}

/** `/api/v1/...` answered from `source`. */
export function apiRoutes(source: ApiSource): RouteHandler {
  return async (_req, res, url) => {
    if (url.pathname !== '/api/v1' && !url.pathname.startsWith('/api/v1/')) return false;
    try {
      send(res, await handleApi(source, url.pathname.slice('/api/v1'.length), url.searchParams));
    } catch (err) {
      log.warn({ err: (err as Error).message, path: url.pathname }, 'API request failed');
      send(res, { status: 500, contentType: 'text/plain;charset=utf-8', body: `internal error: ${(err as Error).message}` });
    }
    return true;
  };
}

/** Tries each handler in turn. */
export function chain(...handlers: RouteHandler[]): RouteHandler {
  return async (req, res, url) => {
    for (const h of handlers) if (await h(req, res, url)) return true;
    return false;
  };
}
