import type http from 'node:http';
import { listenWithRetries } from '../util/listen.js';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Registry } from 'prom-client';
import type { SparkListenerEvent } from '../scheduler/events.js';
import { getLogger } from '../util/logging.js';

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
  private readonly tasks = new Counter({ name: 'spark_tasks_total', help: 'Tasks ended, by result', labelNames: ['result'], registers: [this.registry] });
  private readonly executors = new Gauge({ name: 'spark_executors', help: 'Registered executors', registers: [this.registry] });
  private readonly activeJobs = new Set<number>();
  private readonly executorIds = new Set<string>();
  address: { host: string; port: number } | undefined;

  constructor(
    private readonly status: () => Record<string, unknown>,
    private readonly extra: () => Promise<string> = async () => '',
  ) {}

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
        this.tasks.inc({ result: e.result });
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

  /** Listens on `port`, or the next free one of `retries` after it (Spark's spark.port.maxRetries). */
  async start(host: string, port: number, retries: number): Promise<void> {
    try {
      this.server = await listenWithRetries(host, port, retries, (req, res) => void this.handle(req, res));
    } catch (err) {
      log.warn({ port, retries, err: (err as Error).message }, 'no free port for the driver status server');
      return;
    }
    this.address = { host, port: (this.server.address() as AddressInfo).port };
    log.info({ address: this.address }, 'driver status server started');
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/metrics/prometheus') {
      const body = (await this.registry.metrics()) + (await this.extra());
      res.writeHead(200, { 'Content-Type': this.registry.contentType });
      res.end(body);
    } else if (path === '/api/status') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ ...this.status(), activeJobs: [...this.activeJobs], executors: [...this.executorIds] }));
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
