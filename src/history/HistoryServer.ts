/**
 * The history server (`spark-mesos history-server`): lists the applications in `spark.history.fs.logDirectory`,
 * rescanning every `spark.history.fs.update.interval`, and serves each one's pages at `/history/<app id>[/<attempt>]/`
 * and Spark's `/api/v1`, replayed from its event log. On Mesos the application id is the driver's framework id, so the
 * dispatcher's `<historyServer.url>/history/<framework id>` link opens the driver's application.
 */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SparkConf } from '../conf/SparkConf.js';
import * as config from '../conf/catalog.js';
import { compileRedactionRegex, redact } from '../conf/redaction.js';
import { localDir } from '../ui/eventlog/names.js';
import { apiRoutes } from '../ui/routes.js';
import { renderPage, sendPage, staticResource, uiRoot } from '../ui/pages/router.js';
import { retentionOf } from '../ui/SparkUI.js';
import { listenWithRetries } from '../util/listen.js';
import { sslServerOptions } from '../conf/sslOptions.js';
import { getLogger } from '../util/logging.js';
import { FsHistoryProvider } from './FsHistoryProvider.js';
import { attemptBase, listingPage } from './listingPage.js';

const log = getLogger('HistoryServer');

const TABS = new Set(['jobs', 'stages', 'storage', 'environment', 'executors']);

export class HistoryServer {
  readonly provider: FsHistoryProvider;
  readonly logDir: string;
  private server: http.Server | undefined;
  private timers: NodeJS.Timeout[] = [];
  address: { host: string; port: number } | undefined;

  constructor(private readonly conf: SparkConf) {
    this.logDir = localDir(config.HISTORY_LOG_DIRECTORY.key, conf.get(config.HISTORY_LOG_DIRECTORY));
    const regex = compileRedactionRegex(conf.get(config.REDACTION_REGEX));
    this.provider = new FsHistoryProvider({
      logDir: this.logDir, retainedApplications: conf.get(config.HISTORY_RETAINED_APPLICATIONS), retention: retentionOf(conf), redact: (p) => redact(p, regex),
    });
  }

  async start(host: string, port = this.conf.get(config.HISTORY_UI_PORT)): Promise<void> {
    await this.provider.scan();
    const api = apiRoutes(this.provider.apiSource());
    this.server = await listenWithRetries(host, port, this.conf.get(config.PORT_MAX_RETRIES), (req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      void (async () => {
        if (await api(req, res, url)) return;
        await this.handle(req, res, url);
      })().catch((err: Error) => {
        log.warn({ err: err.message, path: url.pathname }, 'request failed');
        if (!res.headersSent) sendPage(res, { status: 500, text: `internal error: ${err.message}` });
      });
    }, sslServerOptions(this.conf, 'historyServer'));
    this.address = { host, port: (this.server.address() as AddressInfo).port };
    const every = (ms: number, f: () => unknown) => {
      const t = setInterval(f, Math.max(ms, 50));
      t.unref();
      this.timers.push(t);
    };
    every(this.conf.get(config.HISTORY_UPDATE_INTERVAL) * 1000, () => void this.provider.scan());
    if (this.conf.get(config.HISTORY_CLEANER_ENABLED)) {
      const clean = () => this.provider.clean(Date.now(), this.conf.get(config.HISTORY_CLEANER_MAX_AGE) * 1000, this.conf.get(config.HISTORY_CLEANER_MAX_NUM));
      clean();
      every(this.conf.get(config.HISTORY_CLEANER_INTERVAL) * 1000, clean);
    }
    log.info({ address: this.address, logDir: this.logDir }, 'history server started');
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const css = staticResource(url.pathname);
    if (css) return sendPage(res, css);
    const root = uiRoot(this.conf.get(config.UI_PROXY_BASE), process.env, req);
    if (url.pathname === '/') {
      const html = listingPage(root, this.provider.applications(), url.searchParams.get('showIncomplete') === 'true', this.logDir);
      return sendPage(res, { status: 200, html });
    }
    let seg: string[];
    try {
      seg = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    } catch {
      // A bad percent-escape (`%ZZ`) is the client's mistake, not a server error.
      return sendPage(res, { status: 400, text: `Malformed percent-encoding in the path ${url.pathname.slice(0, 256)}` });
    }
    if (seg[0] !== 'history' || seg.length < 2) return sendPage(res, { status: 404, text: `No page at ${url.pathname}` });
    const appId = seg[1]!;
    let attemptId: string | undefined;
    let rest = seg.slice(2);
    if (rest.length > 0 && !TABS.has(rest[0]!)) {
      attemptId = rest[0]!;
      rest = rest.slice(1);
    }
    const store = await this.provider.store(appId, attemptId);
    if (!store) return sendPage(res, { status: 404, text: `Application ${appId}${attemptId !== undefined ? ` (attempt ${attemptId})` : ''} not found.` });
    const base = attemptBase(root, appId, attemptId);
    const sub = rest.length === 0 ? '' : `/${rest.join('/')}${url.pathname.endsWith('/') ? '/' : ''}`;
    const ctx = { store, base, root, killEnabled: false, redact: (p: [string, string][]) => this.provider.apiSource().redact(p), historyHome: `${root}/` };
    sendPage(res, renderPage(ctx, sub, url.searchParams, undefined));
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.server?.closeAllConnections();
  }
}
