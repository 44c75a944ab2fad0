/**
 * Leader election as Mesos' ZooKeeper contender and detector do it: each master creates an ephemeral sequential
 * `json.info_` node holding its MasterInfo; the lowest sequence leads. Without ZooKeeper a master leads alone.
 */
import zookeeper from 'node-zookeeper-client';
import { getLogger } from '../../util/logging.js';
import { parseMasterUrl } from '../../mesos/masterUrl.js';
import { pickLeader, endpointFromZnode } from '../../mesos/client/detector.js';
import type { MasterInfo } from '../../mesos/wire/framework.js';
import { now } from './model.js';
import type { RegistryLocation } from './Registrar.js';

const log = getLogger('minimesos.Master');

export class LeaderElection {
  leader: { host: string; port: number } | undefined;
  electedTime: number | undefined;
  private zk: zookeeper.Client | undefined;
  private zkNode: string | undefined;
  private stopped = false;
  private leaderKnown: (() => void) | undefined;
  /** Times this master lost its ZooKeeper session (and with it any leadership). */
  stepDowns = 0;
  /** Called when this master stops leading because its session expired (its frameworks must fail over). */
  onLostLeadership: (() => void) | undefined;
  /** Called when this master becomes the leader (it then recovers the registry's agents). */
  onElected: (() => void) | undefined;
  private groupPath: string | undefined;

  constructor(
    /** This master's address (known once it listens). */
    private readonly self: () => { host: string; port: number } | undefined,
    private readonly masterInfo: () => MasterInfo,
  ) {}

  get isLeader(): boolean {
    const a = this.self();
    return this.leader !== undefined && a !== undefined && this.leader.host === a.host && this.leader.port === a.port;
  }

  /** Leads alone, or (with `zkUrl`) joins the group and returns once this master knows who leads. */
  async start(zkUrl: string | undefined): Promise<void> {
    if (!zkUrl) return this.becomeLeader();
    // start() returns once this master knows who leads (itself or another), so it answers 307, not 503.
    const known = new Promise<void>((r) => (this.leaderKnown = r));
    await this.contend(zkUrl);
    await Promise.race([known, new Promise((r) => setTimeout(r, 10_000).unref())]);
  }

  /** Leaves the group: the ZooKeeper node goes away with the session. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.zk) {
      const zk = this.zk;
      await new Promise<void>((resolve) => {
        zk.once('disconnected', () => resolve());
        zk.close();
        setTimeout(resolve, 2000).unref();
      });
    }
  }

  /** Where the registry of admitted agents lives: a node in the master group's path (none without ZooKeeper). */
  registryLocation(): RegistryLocation | undefined {
    return this.zk && this.groupPath !== undefined ? { client: this.zk, path: `${this.groupPath}/registry` } : undefined;
  }

  private becomeLeader(): void {
    this.leaderKnown?.();
    if (this.isLeader) return;
    this.leader = this.self();
    this.electedTime = now();
    log.info({ master: this.leader }, 'elected leading master');
    this.onElected?.();
  }

  private contend(zkUrl: string): Promise<void> {
    const loc = parseMasterUrl(zkUrl);
    if (loc.kind !== 'zookeeper') throw new Error(`--zk should be zk://host:port/path, but was '${zkUrl}'`);
    this.groupPath = loc.path;
    const zk = zookeeper.createClient(loc.servers, { sessionTimeout: 4000, spinDelay: 200 });
    if (loc.auth) zk.addAuthInfo('digest', Buffer.from(`${loc.auth.user}:${loc.auth.password}`));
    this.zk = zk;
    zk.once('expired', () => this.sessionExpired(zk, zkUrl));
    return new Promise((resolve, reject) => {
      // Fail loudly rather than wait forever for a ZooKeeper that does not answer.
      const timer = setTimeout(() => reject(new Error(`could not register with ZooKeeper at ${loc.servers} within 30 s`)), 30_000);
      timer.unref();
      zk.once('connected', () => {
        zk.mkdirp(loc.path, (err) => {
          if (err) return reject(err);
          const data = Buffer.from(JSON.stringify(this.masterInfo()));
          zk.create(`${loc.path}/json.info_`, data, zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL, (err2, created) => {
            if (err2) return reject(err2);
            this.zkNode = created.slice(loc.path.length + 1);
            this.watchElection(loc.path);
            clearTimeout(timer);
            resolve();
          });
        });
      });
      zk.connect();
    });
  }

  /**
   * The session expired: this master's ephemeral node is gone, so it no longer contends, let alone leads. A real
   * master aborts here and its supervisor restarts it; this one steps down (its frameworks' streams close, so they
   * fail over) and contends again with a new session.
   */
  private sessionExpired(zk: zookeeper.Client, zkUrl: string): void {
    if (this.stopped || zk !== this.zk) return;
    const wasLeader = this.isLeader;
    this.stepDowns++;
    log.warn({ master: this.self(), wasLeader }, 'ZooKeeper session expired: stepping down and contending again');
    this.leader = undefined;
    this.zkNode = undefined;
    zk.close();
    if (wasLeader) this.onLostLeadership?.();
    const retry = (attempt: number): void => {
      if (this.stopped) return;
      this.contend(zkUrl).catch((err: Error) => {
        log.warn({ err: err.message, attempt }, 'could not contend again; retrying');
        setTimeout(() => retry(attempt + 1), Math.min(5000, 200 * attempt)).unref();
      });
    };
    retry(1);
  }

  private watchElection(path: string): void {
    if (this.stopped || !this.zk) return;
    this.zk.getChildren(path, () => this.watchElection(path), (err, children) => {
      if (this.stopped) return;
      // A failed read (connection loss under load) is tried again: a missed election would leave agents leaderless.
      if (err) return void setTimeout(() => this.watchElection(path), 200).unref();
      const lead = pickLeader(children);
      if (!lead) return;
      if (lead.name === this.zkNode) return this.becomeLeader();
      this.zk!.getData(`${path}/${lead.name}`, (e2, data) => {
        if (e2 || !data) return this.watchElection(path);
        this.leader = endpointFromZnode(lead.label, data);
        if (this.leader) this.leaderKnown?.();
      });
    });
  }
}
