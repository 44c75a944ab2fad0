/**
 * Dispatcher leader election on the dispatchers' ZooKeeper store, the recipe mini-Mesos masters use: each
 * dispatcher creates an ephemeral sequential znode `<spark.deploy.zookeeper.dir>/leader_election/dispatcher_<seq>`
 * holding its REST and UI URLs; the lowest sequence leads. The znode lives as long as the dispatcher's session, so
 * a dispatcher that dies (or is partitioned for longer than the session timeout) stops leading and the next one
 * takes over.
 *
 * The election has its own session, apart from the store's: a leader whose session expires has lost leadership for
 * good (it does not contend again; its process exits and a supervisor restarts it as a standby, as Spark's master
 * does). A leader cut off from ZooKeeper for a whole session timeout gives up leadership without waiting to hear
 * of the expiry, since the others may already lead.
 */
import type zookeeper from 'node-zookeeper-client';
import zk from 'node-zookeeper-client';
import { pickLeader } from '../../mesos/client/detector.js';
import { getLogger } from '../../util/logging.js';
import { connectClient, dispatcherAcls, promisify, type ZooKeeperOptions } from '../persistence/zkClient.js';

const log = getLogger('DispatcherLeaderElection');

/** What a candidate publishes in its znode: where clients and operators reach it. */
export interface Candidate {
  rest: string;
  ui: string;
}

export const ELECTION_DIR = 'leader_election';

const HOST = String.raw`(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]{2,45}\])`;
const PORT = String.raw`:(?:[1-9][0-9]{0,4})`;
/** The leader's REST URL as clients take it: `mesos://`, `http://` or `https://` host:port, nothing more. */
const REST_URL = new RegExp(`^(?:mesos|https?)://${HOST}${PORT}$`);
/** Its UI URL: http(s)://host[:port], optionally with a plain path (`spark.mesos.dispatcher.webui.url` may add one). */
const UI_URL = new RegExp(`^https?://${HOST}(?:${PORT})?(?:/[A-Za-z0-9._~/-]*)?$`);

/**
 * Reads a candidate's znode data: `{ rest, ui }` with URLs of the expected shape (they end up in REST answers and
 * UI links). Anything else is an error naming the field, and the leader is then shown as unknown.
 */
export function parseCandidate(data: Buffer | undefined): Candidate | Error {
  let v: Partial<Record<keyof Candidate, unknown>>;
  try {
    v = JSON.parse((data ?? Buffer.alloc(0)).toString('utf8')) as typeof v;
  } catch {
    return new Error('the leader election znode does not hold JSON');
  }
  const port = (u: string) => Number(/:([0-9]+)(?:\/|$)/.exec(u.replace(/^[a-z]+:\/\//, ''))?.[1] ?? 1);
  for (const [field, re] of [['rest', REST_URL], ['ui', UI_URL]] as const) {
    const u = v?.[field];
    if (typeof u !== 'string' || !re.test(u) || port(u) > 65535) {
      const shown = typeof u === 'string' ? JSON.stringify(u.slice(0, 200)) : typeof u;
      return new Error(`the leader's '${field}' should be a URL ${field === 'rest' ? 'mesos|http|https://host:port' : 'http(s)://host[:port][/path]'}, but was ${shown}`);
    }
  }
  return { rest: v.rest as string, ui: v.ui as string };
}

export class LeaderElection {
  private client: zookeeper.Client | undefined;
  /** This dispatcher's znode (full path), once created. */
  znode: string | undefined;
  /** The leader, when known (this dispatcher's own data when it leads). */
  leader: Candidate | undefined;
  /** A leader is elected but what it published is not valid (see parseCandidate): shown as "unknown leader". */
  leaderUnknown = false;
  isLeader = false;
  private stopped = false;
  private knownWaiters: (() => void)[] = [];
  private lostTimer: NodeJS.Timeout | undefined;
  /** Called once, when this dispatcher becomes the leader. */
  onElected: (() => void) | undefined;
  /** Called once, when the leader loses its leadership (it must stop acting). */
  onLost: ((reason: string) => void) | undefined;

  constructor(
    private readonly connectString: string,
    /** `spark.deploy.zookeeper.dir`. */
    private readonly root: string,
    private readonly opts: ZooKeeperOptions,
    private readonly self: Candidate,
  ) {}

  private get dir(): string {
    return `${this.root.replace(/\/+$/, '')}/${ELECTION_DIR}`;
  }

  /** Joins the election; returns once this dispatcher's znode exists (who leads is reported by the callbacks). */
  async start(): Promise<void> {
    const client = await connectClient(this.connectString, this.opts);
    this.client = client;
    const acls = dispatcherAcls(this.opts);
    await promisify<string>((cb) => client.mkdirp(this.dir, acls, cb));
    const data = Buffer.from(JSON.stringify(this.self));
    this.znode = await promisify<string>((cb) => client.create(`${this.dir}/dispatcher_`, data, acls, zk.CreateMode.EPHEMERAL_SEQUENTIAL, cb));
    log.info({ znode: this.znode }, 'joined the dispatcher leader election');
    client.on('state', (s: zookeeper.State) => this.onState(client, s));
    this.watch();
  }

  private onState(client: zookeeper.Client, s: zookeeper.State): void {
    if (this.stopped || client !== this.client) return;
    if (s === zk.State.EXPIRED) {
      if (this.isLeader) return this.lose('its ZooKeeper session expired');
      // A standby contends again with a new session.
      log.warn('ZooKeeper session of the leader election expired: joining it again');
      client.close();
      this.znode = undefined;
      this.start().catch((err: Error) => this.lose(`it could not join the leader election again: ${err.message}`));
    } else if (s === zk.State.DISCONNECTED && this.isLeader && !this.lostTimer) {
      const ms = this.opts.sessionTimeoutMs ?? 60_000;
      this.lostTimer = setTimeout(() => this.lose(`it was cut off from ZooKeeper for the session timeout (${ms} ms)`), ms);
      this.lostTimer.unref();
    } else if (s === zk.State.SYNC_CONNECTED) {
      clearTimeout(this.lostTimer);
      this.lostTimer = undefined;
    }
  }

  private lose(reason: string): void {
    if (this.stopped) return;
    // For good: a dispatcher that lost its leadership stops acting rather than contend again.
    this.stopped = true;
    const was = this.isLeader;
    this.isLeader = false;
    this.leader = undefined;
    this.leaderUnknown = false;
    log.error({ reason }, 'this dispatcher lost its leadership');
    if (was || !this.znode) this.onLost?.(reason);
  }

  private watch(): void {
    const client = this.client;
    if (this.stopped || !client) return;
    client.getChildren(this.dir, () => this.watch(), (err, children) => {
      if (this.stopped || client !== this.client) return;
      // A failed read (connection loss) is tried again: a missed change would leave no one leading.
      if (err) return void setTimeout(() => this.watch(), 200).unref();
      const own = this.znode?.slice(this.dir.length + 1);
      if (this.isLeader && own && !children.includes(own)) return this.lose('its election znode was removed');
      const lead = pickLeader(children);
      if (!lead) return;
      if (lead.name === own) {
        if (this.isLeader) return;
        this.isLeader = true;
        this.leader = this.self;
        this.leaderUnknown = false;
        log.info({ znode: this.znode }, 'elected leading dispatcher');
        this.onElected?.();
        this.known();
        return;
      }
      client.getData(`${this.dir}/${lead.name}`, (e2, data) => {
        if (this.stopped) return;
        // Gone meanwhile: the children watch fires again.
        if (e2) return;
        const c = parseCandidate(data);
        if (c instanceof Error) log.warn({ znode: lead.name, err: c.message }, 'ignoring the leader\'s published URLs: unknown leader');
        this.leader = c instanceof Error ? undefined : c;
        this.leaderUnknown = c instanceof Error;
        this.known();
      });
    });
  }

  private known(): void {
    for (const w of this.knownWaiters.splice(0)) w();
  }

  /** Resolves once this dispatcher knows who leads (itself or another), or after `timeoutMs`. */
  async whenKnown(timeoutMs: number): Promise<void> {
    if (this.isLeader || this.leader || this.leaderUnknown) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        // Timed out: no longer waiting, so not kept (callers that poll would otherwise pile up).
        this.knownWaiters = this.knownWaiters.filter((w) => w !== done);
        resolve();
      }, timeoutMs);
      timer.unref();
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.knownWaiters.push(done);
    });
  }

  /** Callers waiting in whenKnown (tests check that timed-out ones are gone). */
  get waiting(): number {
    return this.knownWaiters.length;
  }

  /** Leaves the election: the znode goes with the session, so a standby takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.lostTimer);
    const client = this.client;
    if (!client) return;
    await new Promise<void>((resolve) => {
      client.once('disconnected', () => resolve());
      client.close();
      setTimeout(resolve, 2000).unref();
    });
  }
}
