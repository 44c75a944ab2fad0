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
import { normalizeMaster } from './persistence/storeIdentity.js';
import { restAuth } from './rest/restAuth.js';
import { restToken } from './rest/restToken.js';
import { sslServerOptions } from '../conf/sslOptions.js';

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
    const master = this.args.master.slice('mesos://'.length);
    const retries = this.conf.get(config.PORT_MAX_RETRIES);
    // Built (and its token requirement checked) before anything binds, registers or opens the store.
    const token = restToken(this.conf);
    const allowUnauthenticated = this.conf.get(config.MESOS_DISPATCHER_REST_ALLOW_UNAUTHENTICATED);
    const tls = sslServerOptions(this.conf, 'standalone');
    const restOptions = {
      host: this.args.host, port: this.args.port, retries, allowUnauthenticated, maxBodyBytes: this.conf.get(config.MESOS_DISPATCHER_REST_MAX_REQUEST_SIZE),
      ...(token ? { token } : {}), ...(tls ? { tls } : {}),
    };
    const auth = restAuth(restOptions);
    const warning = auth.kind === 'open' ? auth.warning : undefined;
    if (warning) log.warn(warning);
    const store = await createPersistenceEngine(this.conf, { master: normalizeMaster(master), frameworkName: this.conf.get(config.APP_NAME) ?? 'spark-mesos' });
    const scheduler = new MesosClusterScheduler(this.conf, master, store);
    this.scheduler = scheduler;
    const rest = new RestSubmissionServer(restOptions, scheduler);
    this.ui = new DispatcherUI(scheduler, this.conf);
    this.ui.warning = warning;
    await this.ui.start({ host: this.args.host, port: this.args.webUiPort, retries, auth, ...(tls ? { tls } : {}) });
    const publicHost = process.env.SPARK_PUBLIC_DNS ?? this.args.host;
    scheduler.webuiUrl = this.conf.get(config.MESOS_DISPATCHER_WEBUI_URL) ?? `${tls ? 'https' : 'http'}://${publicHost}:${this.ui.address!.port}`;
    try {
      await scheduler.start();
    } catch (err) {
      // E.g. a store of another cluster: nothing stays bound or open.
      await this.ui.stop();
      await store.close();
      throw err;
    }
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
