/**
 * The cluster-mode dispatcher daemon (Spark's `MesosClusterDispatcher`): the web UI, the driver scheduler registered
 * with Mesos as a failover-forever framework, and the REST submission server, started in Spark's order (UI, then
 * the scheduler, which waits for Mesos, then REST), and stopped the other way round, leaving launched drivers
 * running in Mesos. With ZooKeeper recovery, dispatchers sharing the store elect one leader; the others stand by
 * (see ha/).
 */
import type { SparkConf } from '../conf/SparkConf.js';
import * as config from '../conf/catalog.js';
import { getLogger } from '../util/logging.js';
import { MesosClusterScheduler } from './mesos/MesosClusterScheduler.js';
import { RestSubmissionServer } from './rest/RestSubmissionServer.js';
import { DispatcherUI } from './ui/DispatcherUI.js';
import { normalizeMaster } from './persistence/storeIdentity.js';
import { restAuth } from './rest/restAuth.js';
import { restToken } from './rest/restToken.js';
import { sslServerOptions } from '../conf/sslOptions.js';
import { ZooKeeperPersistenceEngine } from './persistence/ZooKeeperPersistenceEngine.js';
import { createPersistenceEngine, zooKeeperSettings } from './persistence/createPersistence.js';
import { LeaderElection, type Candidate } from './ha/LeaderElection.js';
import { FencedError } from './persistence/zkBatch.js';

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
  election: LeaderElection | undefined;
  private leading: Promise<void> | undefined;
  private lost = false;
  private started = false;
  /** HA: called when a standby has taken over (recovered the state and registered with Mesos). */
  onLeading: (() => void) | undefined;
  /**
   * HA: called when this dispatcher must stop acting (its leadership lost); the command exits so a supervisor
   * restarts it as a standby, as Spark's master does. Unset, the dispatcher stops.
   */
  onLostLeadership: ((reason: string) => void) | undefined;

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
    if (store instanceof ZooKeeperPersistenceEngine) return this.startHighlyAvailable(store, scheduler, rest, publicHost);
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

  /**
   * ZOOKEEPER mode: REST and UI serve at once (a standby answers 503 naming the leader), and the dispatcher joins
   * the leader election; elected, it fences its store writes with its election znode, recovers the state and
   * registers with Mesos under the stored framework id. Returns once it knows who leads (and, leading, is ready).
   */
  private async startHighlyAvailable(store: ZooKeeperPersistenceEngine, scheduler: MesosClusterScheduler, rest: RestSubmissionServer, publicHost: string): Promise<void> {
    const zk = zooKeeperSettings(this.conf);
    this.rest = rest;
    try {
      await rest.start();
      // `mesos://` as spark-submit takes it (TLS is the client's setting, as for any dispatcher URL).
      const self = { rest: `mesos://${publicHost}:${rest.address!.port}`, ui: scheduler.webuiUrl! };
      const election = new LeaderElection(zk.url, zk.dir, zk.opts, self);
      this.election = election;
      const standby = () => (election.isLeader ? undefined : { leader: election.leader, unknown: election.leaderUnknown });
      rest.standby = standby;
      this.ui!.standby = standby;
      election.onElected = () => {
        this.leading = this.lead(store, scheduler, election);
        // A failed takeover is handled in lead(); start() awaits the promise when elected at once.
        this.leading.catch(() => undefined);
      };
      election.onLost = (reason) => this.lose(`its leadership was lost: ${reason}`);
      store.onSessionRenewed = () => void this.afterNewSession(store, scheduler, election);
      scheduler.onFailedOver = () => this.lose('Mesos says another scheduler took over its framework');
      await election.start();
      await election.whenKnown(10_000);
      if (this.leading) await this.leading;
      this.started = true;
    } catch (err) {
      await this.stop();
      throw err;
    }
    log.info({ rest: rest.address, ui: this.ui!.address, leader: this.election!.isLeader, frameworkId: scheduler.state().frameworkId }, 'dispatcher started');
  }

  private async lead(store: ZooKeeperPersistenceEngine, scheduler: MesosClusterScheduler, election: LeaderElection): Promise<void> {
    const t0 = Date.now();
    store.fence = election.znode;
    try {
      await scheduler.start();
    } catch (err) {
      // At start, start() fails with the error; later, a standby that cannot take over stops acting.
      if (this.started) this.lose(`it could not take over: ${(err as Error).message}`);
      throw err;
    }
    log.info({ frameworkId: scheduler.state().frameworkId, ms: Date.now() - t0 }, 'leading: state recovered and registered with Mesos');
    // A takeover after start (start itself reports a dispatcher that leads at once).
    if (this.started) this.onLeading?.();
  }

  /**
   * The store's ZooKeeper session expired and a new one replaced it. A standby has nothing to re-read (it reads the
   * store when elected). The leader re-checks that its election znode still exists, then re-reads the store and
   * writes back what it lost (see mesos/storeResync.ts); a fenced write there also means it no longer leads.
   */
  private async afterNewSession(store: ZooKeeperPersistenceEngine, scheduler: MesosClusterScheduler, election: LeaderElection): Promise<void> {
    if (!election.isLeader || !scheduler.isReady) return;
    try {
      if (!(await store.holdsFence())) return this.lose(`its election znode ${store.fence} is gone (seen after a new ZooKeeper session)`);
      await scheduler.resync();
    } catch (err) {
      if (err instanceof FencedError) return this.lose((err as Error).message);
      // Left as it is: the next write of each document makes it right, and a new leader recovers what was stored.
      log.error({ err: (err as Error).message }, 'could not re-read the store after a new ZooKeeper session');
    }
  }

  private lose(reason: string): void {
    if (this.lost) return;
    this.lost = true;
    log.error({ reason }, 'this dispatcher must stop acting');
    if (this.onLostLeadership) this.onLostLeadership(reason);
    else void this.stop();
  }

  async stop(): Promise<void> {
    await this.rest?.stop();
    await this.scheduler?.stop();
    await this.election?.stop();
    await this.ui?.stop();
  }

  /** HA: whether this dispatcher leads (always true without ZooKeeper). */
  get isLeader(): boolean {
    return this.election?.isLeader ?? true;
  }

  /** HA: the leader's REST and UI URLs, when known. */
  get leader(): Candidate | undefined {
    return this.election?.leader;
  }
}
