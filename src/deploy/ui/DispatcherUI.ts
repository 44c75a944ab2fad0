/**
 * The dispatcher's web UI (Spark's `MesosClusterUI`, port 8081): the drivers page with Spark's four tables, a page
 * per driver with its description, state history and links to the Mesos sandbox and the history server, the
 * dispatcher's gauges for Prometheus, and a JSON status. Properties and environment values that look secret are
 * redacted (Spark showed them).
 */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { SparkConf } from '../../conf/SparkConf.js';
import * as config from '../../conf/catalog.js';
import { redact } from '../../conf/redaction.js';
import { listenWithRetries } from '../../util/listen.js';
import { credentialMatches, type RestAuth } from '../rest/restAuth.js';
import type { TlsOptions } from 'node:tls';
import { getLogger } from '../../util/logging.js';
import type { MesosDriverDescription } from '../mesos/MesosDriverDescription.js';
import { describeStatus, type MesosClusterScheduler, type MesosClusterSubmissionState } from '../mesos/MesosClusterScheduler.js';
import { driverTaskMemory } from '../mesos/driverOffers.js';
import { queueOf } from '../mesos/queues.js';
import { standbyMessage, type StandbyInfo } from '../ha/standby.js';

const log = getLogger('DispatcherUI');

const esc = (v: unknown): string =>
  String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Spark's UI date format, `yyyy/MM/dd HH:mm:ss`; empty for no date (Spark's page failed with a 500 there). */
export function formatDate(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '';
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}/${p(d.getMonth() + 1)}/${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}h3{margin-top:1.5em}table{border-collapse:collapse;width:100%;margin-bottom:1em}
th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;font-size:14px}th{background:#eef}tr:nth-child(even){background:#f8f8f8}
.state{font-family:monospace;font-size:12px}.warning{background:#fee;border:1px solid #c33;padding:6px 10px;font-weight:bold}header{border-bottom:2px solid #36c;margin-bottom:1em}header h2{margin:.3em 0}`;

function page(title: string, body: string): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${esc(title)}</title><style>${STYLE}</style></head><body><header><h2>${esc(title)}</h2></header>${body}</body></html>`;
}

function table(id: string, headers: string[], rows: string[][]): string {
  const head = headers.map((h) => `<th>${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('');
  return `<table id="${id}"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

export interface DispatcherUIOptions {
  host: string;
  port: number;
  retries: number;
  /** The REST server's rule: with a token, every page and the metrics require it (Bearer, or Basic with it as the password). */
  auth?: RestAuth;
  /** Serve HTTPS (`spark.ssl.standalone.*`). */
  tls?: TlsOptions;
}

export class DispatcherUI {
  readonly registry = new Registry();
  private server: http.Server | undefined;
  address: { host: string; port: number } | undefined;
  private readonly historyUrl: string | undefined;
  private readonly proxyBase: string | undefined;
  /** Shown on every page (e.g. that REST submissions are unauthenticated). */
  warning: string | undefined;
  /** Set in HA mode: what a standby says (undefined while this dispatcher leads). */
  standby: (() => StandbyInfo | undefined) | undefined;

  constructor(
    private readonly scheduler: MesosClusterScheduler,
    conf: SparkConf,
  ) {
    this.historyUrl = conf.get(config.MESOS_DISPATCHER_HISTORY_SERVER_URL)?.replace(/\/$/, '');
    this.proxyBase = conf.get(config.MESOS_PROXY_BASE_URL)?.replace(/\/$/, '');
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({ name, help, registers: [this.registry], collect() { this.set(read()); } });
    gauge('spark_mesos_dispatcher_waiting_drivers', 'Queued drivers (Spark: waitingDrivers)', () => scheduler.counts.queued);
    gauge('spark_mesos_dispatcher_launched_drivers', 'Drivers with a Mesos task (Spark: launchedDrivers)', () => scheduler.counts.launched);
    gauge('spark_mesos_dispatcher_retry_drivers', 'Supervised drivers waiting to be relaunched (Spark: retryDrivers)', () => scheduler.counts.retrying);
    gauge('spark_mesos_dispatcher_finished_drivers', 'Finished drivers retained', () => scheduler.counts.finished);
    gauge('spark_mesos_dispatcher_ready', '1 once registered with Mesos and taking requests', () => (scheduler.isReady ? 1 : 0));
    gauge('spark_mesos_dispatcher_leader', '1 unless this dispatcher is an HA standby', () => (this.standby?.() ? 0 : 1));
    collectDefaultMetrics({ register: this.registry, prefix: 'spark_mesos_dispatcher_' });
  }

  async start(opts: DispatcherUIOptions): Promise<void> {
    const auth = opts.auth;
    this.server = await listenWithRetries(opts.host, opts.port, opts.retries, (req, res) => {
      if (auth?.kind === 'token' && !credentialMatches(req.headers.authorization, auth.token)) {
        res.writeHead(401, { 'Content-Type': 'text/plain', 'WWW-Authenticate': 'Basic realm="spark-mesos-dispatcher", charset="UTF-8"' });
        res.end('Missing or invalid credentials: give the dispatcher\'s REST token (as the password, any user name).');
        return;
      }
      this.handle(req, res).catch((err: Error) => {
        log.error({ err: err.message }, 'UI request failed');
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end('internal error');
      });
    }, opts.tls);
    this.address = { host: opts.host, port: (this.server.address() as AddressInfo).port };
    log.info({ address: this.address }, 'dispatcher UI started');
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.server?.closeAllConnections();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const html = (status: number, body: string) => {
      res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(body);
    };
    switch (url.pathname) {
      case '/':
        return html(200, this.driversPage());
      case '/driver': {
        const id = url.searchParams.get('id');
        if (!id) {
          res.writeHead(400, { 'Content-Type': 'text/plain' });
          res.end('requirement failed: Missing id parameter');
          return;
        }
        return html(200, this.driverPage(id));
      }
      case '/metrics/prometheus':
        res.writeHead(200, { 'Content-Type': this.registry.contentType });
        res.end(await this.registry.metrics());
        return;
      case '/api/status':
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(this.status()));
        return;
      default:
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        res.end('not found');
    }
  }

  /** The JSON status: counts and every driver's id and state (what tools and tests read). */
  status(): Record<string, unknown> {
    const st = this.scheduler.state();
    const brief = (d: MesosDriverDescription) => ({ submissionId: d.submissionId, name: d.name, submitted: d.submissionDate });
    const sub = (s: MesosClusterSubmissionState) => ({ ...brief(s.driver), taskId: s.taskId, agentId: s.agentId, taskState: s.status?.state ?? null, started: s.startDate ?? null, finished: s.finishDate ?? null });
    return {
      ready: this.scheduler.isReady,
      ...(this.warning ? { warning: this.warning } : {}),
      ...(this.standby ? this.role() : {}),
      frameworkId: st.frameworkId ?? null,
      master: st.master,
      counts: this.scheduler.counts,
      queued: st.queued.map((d) => ({ ...brief(d), waiting: this.scheduler.waitingReason(d) ?? null })),
      launched: st.launched.map(sub),
      retrying: st.retrying.map((d) => ({ ...brief(d), retries: d.retryState?.retries ?? 0, nextRetry: d.retryState?.nextRetry ?? null })),
      finished: st.finished.map(sub),
    };
  }

  /** HA: `role` leader or standby, and the leader's URLs when known. */
  private role(): Record<string, unknown> {
    const sb = this.standby?.();
    return sb ? { role: 'standby', leader: sb.leader ?? null } : { role: 'leader' };
  }

  private banner(): string {
    const sb = this.standby?.();
    const standby = sb
      ? `<p id="standby" class="warning">Standby: ${esc(standbyMessage(sb))}${sb.leader ? ` Its UI: <a href="${esc(sb.leader.ui)}">${esc(sb.leader.ui)}</a>` : ''}</p>`
      : '';
    return standby + (this.warning ? `<p id="warning" class="warning">Warning: ${esc(this.warning)}</p>` : '');
  }

  private idLink(id: string): string {
    return `<a href="driver?id=${encodeURIComponent(id)}">${esc(id)}</a>`;
  }

  private resources(d: MesosDriverDescription): string {
    let mem: number | string;
    try {
      mem = driverTaskMemory(d);
    } catch {
      mem = d.mem;
    }
    return esc(`cpus: ${d.cores}, mem: ${mem}`);
  }

  private queue(d: MesosDriverDescription): string {
    return esc(queueOf(d.conf['spark.mesos.dispatcher.queue']));
  }

  private sandbox(s: MesosClusterSubmissionState): string {
    const fid = this.scheduler.state().frameworkId;
    if (!this.proxyBase || !s.agentId || !fid) return '';
    // The executor of a command task is named after the task: the retry's id, not the submission's.
    return `<a href="${esc(`${this.proxyBase}/#/agents/${s.agentId}/frameworks/${fid}/executors/${s.taskId}/browse`)}">Sandbox</a>`;
  }

  private history(s: MesosClusterSubmissionState): string {
    if (!s.frameworkId) return '';
    return `<a href="${esc(`${this.historyUrl}/history/${s.frameworkId}`)}">${esc(s.frameworkId)}</a>`;
  }

  private submissionRows(list: MesosClusterSubmissionState[]): string[][] {
    return list.map((s) => [
      this.idLink(s.driver.submissionId),
      ...(this.historyUrl ? [this.history(s)] : []),
      esc(formatDate(s.driver.submissionDate)),
      esc(s.driver.mainClass || s.driver.jarUrl),
      this.resources(s.driver),
      this.queue(s.driver),
      esc(formatDate(s.startDate)),
      esc(s.agentId),
      `<span class="state">${esc(s.error ? `Error: ${s.error}` : describeStatus(s.status))}</span>`,
      this.sandbox(s),
    ]);
  }

  private driversPage(): string {
    const st = this.scheduler.state();
    const subHeaders = ['Driver ID', ...(this.historyUrl ? ['History'] : []), 'Submit Date', 'Main Class', 'Driver Resources', 'Queue', 'Start Date', 'Mesos Slave ID', 'State', 'Sandbox'];
    const body = [
      this.banner(),
      `<p id="framework">Mesos Framework ID: ${esc(st.frameworkId ?? '(not registered)')}</p>`,
      `<h3>Queued Drivers (${st.queued.length})</h3>`,
      table('queued', ['Driver ID', 'Submit Date', 'Main Class', 'Driver Resources', 'Queue', 'Status'], st.queued.map((d) => [
        this.idLink(d.submissionId), esc(formatDate(d.submissionDate)), esc(d.mainClass || d.jarUrl), this.resources(d), this.queue(d), esc(this.scheduler.waitingReason(d) ?? ''),
      ])),
      `<h3>Launched Drivers (${st.launched.length})</h3>`,
      table('launched', subHeaders, this.submissionRows(st.launched)),
      `<h3>Finished Drivers (${st.finished.length})</h3>`,
      table('finished', subHeaders, this.submissionRows(st.finished)),
      `<h3>Supervise drivers waiting for retry (${st.retrying.length})</h3>`,
      table('retrying', ['Driver ID', 'Submit Date', 'Description', 'Last Failed Status', 'Next Retry Time', 'Attempt Count'], st.retrying.map((d) => [
        this.idLink(d.submissionId), esc(formatDate(d.submissionDate)), esc(d.mainClass || d.jarUrl), esc(describeStatus(d.retryState?.lastFailureStatus)),
        esc(formatDate(d.retryState?.nextRetry)), esc(d.retryState?.retries ?? 0),
      ])),
    ];
    return page('Spark Drivers for Mesos cluster', body.join(''));
  }

  private driverPage(id: string): string {
    const v = this.scheduler.find(id);
    if (!v) return page(`Details for Job ${id}`, `<p>Cannot find driver ${esc(id)}</p>`);
    const d = v.driver;
    const kv = (rows: [string, unknown][]) => rows.map(([k, val]) => [esc(k), esc(val)]);
    const parts = [
      this.banner(),
      `<p>Driver state information for driver id ${esc(id)}</p>`,
      '<p><a href="./">Back to Drivers</a></p>',
      `<p id="driver-state">Driver state: ${esc(v.state)}</p>`,
      ...(v.state === 'QUEUED' && this.scheduler.waitingReason(d) ? [`<p id="waiting">${esc(this.scheduler.waitingReason(d))}</p>`] : []),
      '<h3>Driver properties</h3>',
      table('properties', ['Name', 'Value'], kv([['Name', d.name], ['Id', d.submissionId], ['Cores', d.cores], ['Memory', `${d.mem} MiB`], ['Submitted', formatDate(d.submissionDate)], ['Supervise', d.supervise]])),
      '<h3>Driver command</h3>',
      table('command', ['Name', 'Value'], kv([['Application', d.jarUrl], ['Main class', d.mainClass], ['Arguments', d.arguments.join(' ')]])),
      '<h3>Driver command environment</h3>',
      table('environment', ['Name', 'Value'], kv(redact(Object.entries(d.environment)))),
      '<h3>Scheduler properties</h3>',
      table('scheduler-properties', ['Name', 'Value'], kv(redact(Object.entries(d.conf).sort(([a], [b]) => (a < b ? -1 : 1))))),
    ];
    if (v.state === 'RUNNING' || v.state === 'FINISHED') {
      const s = v.submission;
      parts.push(
        '<h3>Launched state</h3>',
        table('launched-state', ['Name', 'Value'], [
          ...kv([['Mesos Slave ID', s.agentId], ['Mesos Task ID', s.taskId], ['Launch Time', formatDate(s.startDate)], ['Finish Time', formatDate(s.finishDate)], ['Last Task Status', s.error ?? describeStatus(s.status)]]),
          ['Sandbox', this.sandbox(s)],
          ...(this.historyUrl ? [['History', this.history(s)]] : []),
        ]),
      );
    }
    if (d.retryState) {
      parts.push('<h3>Retry state</h3>', table('retry-state', ['Name', 'Value'], kv([['Last failed status', describeStatus(d.retryState.lastFailureStatus)], ['Next retry time', formatDate(d.retryState.nextRetry)], ['Retry count', d.retryState.retries]])));
    }
    const history = v.state === 'RUNNING' || v.state === 'FINISHED' ? v.submission.history : (d.history ?? []);
    parts.push('<h3>State history</h3>', table('history', ['Time', 'State', 'Message'], history.map((h) => [esc(formatDate(h.time)), esc(h.state), esc(h.message ?? '')])));
    return page(`Details for Job ${id}`, parts.join(''));
  }
}
