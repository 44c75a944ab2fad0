/**
 * The cluster-mode dispatcher daemon (Spark's `MesosClusterDispatcher`): the web UI, the driver scheduler registered
 * with Mesos as a failover-forever framework, and the REST submission server, started in Spark's order (UI, then
 * the scheduler, which waits for Mesos, then REST), and stopped the other way round, leaving launched drivers
 * running in Mesos.
 */
import type { SparkConf } from '../conf/SparkConf.js';
import * as config from '../conf/catalog.js';
import { getLogger } from '../util/logging.js';
import { MesosClusterScheduler } from './mesos/MesosClusterScheduler.js';
import { createPersistenceEngine } from './persistence/createPersistence.js';
import { RestSubmissionServer } from './rest/RestSubmissionServer.js';
import { DispatcherUI } from './ui/DispatcherUI.js';

const log = getLogger('MesosClusterDispatcher');

export interface DispatcherArguments {
  host: string;
  port: number;
  webUiPort: number;
  /** The Mesos master URL, `mesos://...`. */
  master: string;
}

export class MesosClusterDispatcher {
  scheduler: MesosClusterScheduler | undefined;
  ui: DispatcherUI | undefined;
  rest: RestSubmissionServer | undefined;

  constructor(
    private readonly args: DispatcherArguments,
    private readonly conf: SparkConf,
  ) {
    if (!args.master.startsWith('mesos://')) throw new Error(`Cluster dispatcher only supports mesos (uri begins with mesos://), but --master was '${args.master}'`);
    if (args.host.includes(':') && !args.host.startsWith('[')) throw new Error(`--host should be a host name or address without a port, but was '${args.host}'`);
  }

  async start(): Promise<void> {
    const store = await createPersistenceEngine(this.conf);
    const scheduler = new MesosClusterScheduler(this.conf, this.args.master.slice('mesos://'.length), store);
    this.scheduler = scheduler;
    const retries = this.conf.get(config.PORT_MAX_RETRIES);
    // Built (and its token requirement checked) before anything binds or registers.
    const token = this.conf.get(config.MESOS_DISPATCHER_REST_TOKEN) ?? process.env.SPARK_MESOS_DISPATCHER_TOKEN;
    const rest = new RestSubmissionServer({ host: this.args.host, port: this.args.port, retries, ...(token ? { token } : {}) }, scheduler);
    this.ui = new DispatcherUI(scheduler, this.conf);
    await this.ui.start({ host: this.args.host, port: this.args.webUiPort, retries });
    const publicHost = process.env.SPARK_PUBLIC_DNS ?? this.args.host;
    scheduler.webuiUrl = this.conf.get(config.MESOS_DISPATCHER_WEBUI_URL) ?? `http://${publicHost}:${this.ui.address!.port}`;
    await scheduler.start();
    this.rest = rest;
    await rest.start();
    log.info({ rest: this.rest.address, ui: this.ui.address, frameworkId: scheduler.state().frameworkId }, 'dispatcher started');
  }

  async stop(): Promise<void> {
    await this.rest?.stop();
    await this.scheduler?.stop();
    await this.ui?.stop();
  }
}
