import type http from 'node:http';
import type { TlsOptions } from 'node:tls';
import { listenWithRetries } from '../util/listen.js';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Registry } from 'prom-client';
import type { SparkListenerEvent } from '../scheduler/events.js';
import { getLogger } from '../util/logging.js';
import type { RouteHandler } from './routes.js';

const log = getLogger('DriverStatusServer');

/**
 * The driver's HTTP endpoint (on `spark.ui.port`): Prometheus metrics of the engine and of the cluster backend at
 * `/metrics/prometheus`, and a JSON status at `/api/status`.
 */
export class DriverStatusServer {
  readonly registry = new Registry();
  private server: http.Server | undefined;
  private readonly jobs = new Counter({ name: 'spark_jobs_total', help: 'Jobs ended, by result', labelNames: ['result'], registers: [this.registry] });
  private readonly stages = new Counter({ name: 'spark_stages_completed_total', help: 'Stages completed', registers: [this.registry] });
  /**
   * Tasks ended, by result, counted here and handed to the counter when it is read: a labelled inc on every task
   * costs the scheduler's thread more than the rest of this listener.
   */
  private readonly taskResults = new Map<string, number>();
  private readonly tasks: Counter = new Counter({
    name: 'spark_tasks_total', help: 'Tasks ended, by result', labelNames: ['result'], registers: [this.registry],
    collect: () => {
      this.tasks.reset();
      for (const [result, n] of this.taskResults) this.tasks.inc({ result }, n);
    },
  });
  private readonly executors = new Gauge({ name: 'spark_executors', help: 'Registered executors', registers: [this.registry] });
  private readonly memorySpilled = new Counter({ name: 'spark_tasks_memory_bytes_spilled_total', help: 'Estimated in-memory bytes of what tasks spilled (Spark: memoryBytesSpilled)', registers: [this.registry] });
  private readonly diskSpilled = new Counter({ name: 'spark_tasks_disk_bytes_spilled_total', help: 'Bytes tasks wrote to spill files (Spark: diskBytesSpilled)', registers: [this.registry] });
  private readonly activeJobs = new Set<number>();
  private readonly executorIds = new Set<string>();
  address: { host: string; port: number } | undefined;

  constructor(
    private readonly status: () => Record<string, unknown>,
    private readonly extra: () => Promise<string> = async () => '',
    /** The application UI's routes (`/api/v1`, pages), tried before the 404. */
    private readonly routes?: RouteHandler,
  ) {}

  private countTask(result: string): void {
    this.taskResults.set(result, (this.taskResults.get(result) ?? 0) + 1);
  }

  onEvent(e: SparkListenerEvent): void {
    switch (e.type) {
      case 'jobStart':
        this.activeJobs.add(e.jobId);
        break;
      case 'jobEnd':
        this.activeJobs.delete(e.jobId);
        this.jobs.inc({ result: e.result });
        break;
      case 'stageCompleted':
        if (!e.failure) this.stages.inc();
        break;
      case 'taskEnd':
        this.countTask(e.result);
        if (e.metrics?.memoryBytesSpilled) this.memorySpilled.inc(e.metrics.memoryBytesSpilled);
        if (e.metrics?.diskBytesSpilled) this.diskSpilled.inc(e.metrics.diskBytesSpilled);
        break;
      case 'executorAdded':
        this.executorIds.add(e.executorId);
        this.executors.set(this.executorIds.size);
        break;
      case 'executorRemoved':
        this.executorIds.delete(e.executorId);
        this.executors.set(this.executorIds.size);
        break;
      default:
    }
  }

  /** Whether it serves HTTPS (`spark.ssl.ui.*`). */
  private tls = false;
  /** The name others reach it by, when it binds a wildcard or another address (`SPARK_PUBLIC_DNS`, the driver host). */
  private advertisedHost: string | undefined;

  /** `http://host:port` of the bound server (the host it listens on, as executors are told the driver's), if it runs. */
  get url(): string | undefined {
    if (!this.address) return undefined;
    const advertised = this.advertisedHost ?? this.address.host;
    const host = advertised.includes(':') ? `[${advertised}]` : advertised;
    return `${this.tls ? 'https' : 'http'}://${host}:${this.address.port}`;
  }

  /** Listens on `port`, or the next free one of `retries` after it (Spark's spark.port.maxRetries). */
  async start(host: string, port: number, retries: number, tls?: TlsOptions, advertisedHost?: string): Promise<void> {
    this.tls = tls !== undefined;
    this.advertisedHost = advertisedHost;
    try {
      this.server = await listenWithRetries(host, port, retries, (req, res) => void this.handle(req, res), tls);
    } catch (err) {
      log.warn({ port, retries, err: (err as Error).message }, 'no free port for the driver status server');
      return;
    }
    this.address = { host, port: (this.server.address() as AddressInfo).port };
    log.info({ address: this.address }, 'driver status server started');
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/' && !this.routes) {
      // Where cluster managers' links (Mesos `webui_url`) land; with the application UI, its Jobs page does.
      res.writeHead(302, { Location: '/api/status' });
      res.end();
    } else if (path === '/metrics/prometheus') {
      const body = (await this.registry.metrics()) + (await this.extra());
      res.writeHead(200, { 'Content-Type': this.registry.contentType });
      res.end(body);
    } else if (path === '/api/status') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ ...this.status(), activeJobs: [...this.activeJobs], executors: [...this.executorIds] }));
    } else if (this.routes && (await this.routes(req, res, new URL(req.url ?? '/', 'http://x')))) {
      return;
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
    }
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.server?.closeAllConnections();
  }
}
