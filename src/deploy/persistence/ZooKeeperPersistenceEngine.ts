/**
 * ZOOKEEPER recovery: one persistent znode per document under `spark.deploy.zookeeper.dir`
 * (`<dir>/<state dir>/<name>`), JSON in UTF-8. A write resolves once ZooKeeper has committed it.
 *
 * Going beyond Spark (whose znodes are world-open): with `spark.deploy.zookeeper.auth`, every znode carries an ACL
 * that grants access to those digest credentials only. A session that expires (a partition longer than the
 * session timeout) is replaced by a new one; operations wait for it rather than fail.
 *
 * Writes are group-committed (zkBatch): concurrent persists and expunges go to ZooKeeper as one multi-op, and each
 * caller is answered once that multi-op committed.
 */
import type zookeeper from 'node-zookeeper-client';
import { getLogger } from '../../util/logging.js';
import { checkStateName, STATE_DIRS, type PersistenceEngine, type StateDir } from './PersistenceEngine.js';
import { checkDigestAuth, connectClient, CONNECT_TIMEOUT_MS, dispatcherAcls, isCode, isRetriable, promisify, type ZooKeeperOptions } from './zkClient.js';
import { commitMulti, GroupCommit, MAX_DOCUMENT_BYTES } from './zkBatch.js';

export { checkDigestAuth, type ZooKeeperOptions } from './zkClient.js';

const log = getLogger('ZooKeeperPersistenceEngine');

export class ZooKeeperPersistenceEngine implements PersistenceEngine {
  private client: zookeeper.Client;
  /** Resolves to the current client; replaced while a new session is being opened. */
  private current: Promise<zookeeper.Client>;
  private closed = false;
  /** Sessions opened so far (1 + expiries survived). */
  sessions = 1;
  /** Called after a new session replaced an expired one (state may have changed meanwhile). */
  onSessionRenewed: (() => void) | undefined;
  private readonly acls: zookeeper.ACL[];
  /**
   * Concurrent writes share one multi-op (see zkBatch). With `fence` set (the leader's election znode), every
   * multi-op first checks that znode: a dispatcher that lost its leadership cannot write any more.
   */
  readonly batch = new GroupCommit((ops) => this.withClient((client) => commitMulti(client, ops, this.acls, this.fence)));
  fence: string | undefined;

  private constructor(
    client: zookeeper.Client,
    private readonly connectString: string,
    /** `spark.deploy.zookeeper.dir`, without a trailing slash. */
    readonly root: string,
    private readonly opts: ZooKeeperOptions,
    readonly location: string,
  ) {
    this.client = client;
    this.current = Promise.resolve(client);
    this.acls = dispatcherAcls(opts);
    this.watchExpiry(client);
  }

  /** Connects (failing after 15 s with the connect string named) and creates the state directories. */
  static async open(connectString: string, root: string, opts: ZooKeeperOptions = {}): Promise<ZooKeeperPersistenceEngine> {
    if (!root.startsWith('/')) throw new Error(`spark.deploy.zookeeper.dir should be an absolute znode path, but was '${root}'`);
    if (opts.auth) checkDigestAuth(opts.auth);
    const client = await connectClient(connectString, opts);
    const engine = new ZooKeeperPersistenceEngine(client, connectString, root.replace(/\/+$/, ''), opts, `ZooKeeper ${connectString} path ${root}`);
    try {
      await engine.ensureDirs();
    } catch (err) {
      client.close();
      if (isCode(err, 'NO_AUTH')) throw new Error(`ZooKeeper refused access to ${root}: its ACL does not grant the credentials of spark.deploy.zookeeper.auth (or none were given)`, { cause: err });
      throw err;
    }
    return engine;
  }

  private async ensureDirs(): Promise<void> {
    const client = await this.current;
    for (const d of STATE_DIRS) await promisify<string>((cb) => client.mkdirp(`${this.root}/${d}`, this.acls, cb));
    if (this.opts.auth) {
      // Directories created earlier without credentials are closed now too.
      for (const p of [this.root, ...STATE_DIRS.map((d) => `${this.root}/${d}`)]) await promisify<unknown>((cb) => client.setACL(p, this.acls, -1, cb));
    }
  }

  private watchExpiry(client: zookeeper.Client): void {
    client.once('expired', () => {
      if (this.closed || client !== this.client) return;
      log.warn({ zookeeper: this.connectString }, 'ZooKeeper session expired: opening a new session');
      client.close();
      this.current = this.renew();
    });
  }

  private async renew(): Promise<zookeeper.Client> {
    for (let attempt = 1; ; attempt++) {
      try {
        const client = await connectClient(this.connectString, this.opts);
        if (this.closed) {
          client.close();
          return client;
        }
        this.client = client;
        this.watchExpiry(client);
        this.current = Promise.resolve(client);
        await this.ensureDirs();
        // Counted once usable, together with the callback (writes queued meanwhile may already have gone through).
        this.sessions++;
        log.info({ zookeeper: this.connectString, sessions: this.sessions }, 'new ZooKeeper session');
        this.onSessionRenewed?.();
        return client;
      } catch (err) {
        log.warn({ zookeeper: this.connectString, attempt, err: (err as Error).message }, 'could not open a new ZooKeeper session; retrying');
        await new Promise((r) => setTimeout(r, Math.min(5000, 200 * attempt)));
      }
    }
  }

  /**
   * Runs `op` with the current session's client. An operation cut off by a lost connection is tried again once the
   * connection (or a new session) is back: every operation here is idempotent, and the caller is only answered once
   * ZooKeeper has committed it. Gives up after twice the session timeout.
   */
  private async withClient<T>(op: (client: zookeeper.Client) => Promise<T>): Promise<T> {
    const deadline = Date.now() + 2 * (this.opts.sessionTimeoutMs ?? 60_000) + CONNECT_TIMEOUT_MS;
    for (;;) {
      const client = await this.current;
      try {
        return await op(client);
      } catch (err) {
        if (!isRetriable(err) || this.closed || Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  private path(dir: StateDir, name: string): string {
    return `${this.root}/${dir}/${checkStateName(name)}`;
  }

  async persist(dir: StateDir, name: string, value: unknown): Promise<void> {
    const data = Buffer.from(JSON.stringify(value));
    if (data.length > MAX_DOCUMENT_BYTES) {
      throw new Error(`the state document ${dir}/${name} is ${data.length} bytes, more than ZooKeeper takes in one request (${MAX_DOCUMENT_BYTES} bytes within its default jute.maxbuffer of 1 MiB)`);
    }
    await this.batch.write({ kind: 'set', path: this.path(dir, name), data });
  }

  async expunge(dir: StateDir, name: string): Promise<void> {
    await this.batch.write({ kind: 'delete', path: this.path(dir, name) });
  }

  async fetch<T>(dir: StateDir, name: string): Promise<T | undefined> {
    const p = this.path(dir, name);
    let data: Buffer | undefined;
    try {
      data = await this.withClient((client) => promisify<Buffer | undefined>((cb) => client.getData(p, (err, d) => cb(err, d))));
    } catch (err) {
      if (isCode(err, 'NO_NODE')) return undefined;
      throw err;
    }
    try {
      return JSON.parse((data ?? Buffer.alloc(0)).toString('utf8')) as T;
    } catch (err) {
      log.warn({ znode: p, err: (err as Error).message }, 'removing an unreadable state znode');
      await this.expunge(dir, name);
      return undefined;
    }
  }

  async fetchAll<T>(dir: StateDir): Promise<T[]> {
    const names = await this.withClient((client) => promisify<string[]>((cb) => client.getChildren(`${this.root}/${dir}`, (err, c) => cb(err, c))));
    const values = await Promise.all(names.map((n) => this.fetch<T>(dir, n)));
    return values.filter((v): v is Awaited<T> => v !== undefined) as T[];
  }

  /** Whether the fence (the leader's election znode) still exists; true without one. */
  async holdsFence(): Promise<boolean> {
    const fence = this.fence;
    if (!fence) return true;
    const stat = await this.withClient((client) => promisify<unknown>((cb) => client.exists(fence, (err, st) => cb(err, st))));
    return Boolean(stat);
  }

  /** The current session's id and password (tests use them to force an expiry, as ZooKeeper's own tests do). */
  get session(): { id: Buffer; password: Buffer } {
    return { id: this.client.getSessionId(), password: this.client.getSessionPassword() };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.client.close();
  }
}
