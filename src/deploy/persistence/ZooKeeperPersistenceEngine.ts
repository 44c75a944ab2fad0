/**
 * ZOOKEEPER recovery: one persistent znode per document under `spark.deploy.zookeeper.dir`
 * (`<dir>/<state dir>/<name>`), JSON in UTF-8. A write resolves once ZooKeeper has committed it.
 *
 * Going beyond Spark (whose znodes are world-open): with `spark.deploy.zookeeper.auth`, every znode carries an ACL
 * that grants access to those digest credentials only. A session that expires (a partition longer than the
 * session timeout) is replaced by a new one; operations wait for it rather than fail.
 */
import zookeeper from 'node-zookeeper-client';
import { getLogger } from '../../util/logging.js';
import { checkStateName, STATE_DIRS, type PersistenceEngine, type StateDir } from './PersistenceEngine.js';

const log = getLogger('ZooKeeperPersistenceEngine');

const CONNECT_TIMEOUT_MS = 15_000;

type Callback<T> = (err: Error | zookeeper.Exception | null, v: T) => void;

function promisify<T>(fn: (cb: Callback<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, v) => (err ? reject(err instanceof Error ? err : new Error(err.toString(), { cause: err })) : resolve(v))));
}

const isCode = (err: unknown, name: string) => {
  const e = (err as { cause?: unknown })?.cause ?? err;
  return (e as { getCode?: () => number })?.getCode?.() === (zookeeper.Exception as unknown as Record<string, number>)[name];
};

export interface ZooKeeperOptions {
  /** Digest credentials `user:password` (`spark.deploy.zookeeper.auth`). */
  auth?: string | undefined;
  sessionTimeoutMs?: number;
}

/** `user:password`, checked; the error never shows the password. */
export function checkDigestAuth(auth: string): string {
  const colon = auth.indexOf(':');
  if (colon <= 0 || colon === auth.length - 1) throw new Error('spark.deploy.zookeeper.auth should be user:password (digest credentials), with both parts non-empty');
  return auth;
}

function connectClient(connectString: string, opts: ZooKeeperOptions): Promise<zookeeper.Client> {
  const client = zookeeper.createClient(connectString, { sessionTimeout: opts.sessionTimeoutMs ?? 60_000, spinDelay: 200, retries: 3 });
  if (opts.auth) client.addAuthInfo('digest', Buffer.from(opts.auth));
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      client.close();
      reject(new Error(`could not connect to ZooKeeper at '${connectString}' (spark.deploy.zookeeper.url) within ${CONNECT_TIMEOUT_MS / 1000} s`));
    }, CONNECT_TIMEOUT_MS);
    client.once('connected', () => {
      clearTimeout(t);
      resolve(client);
    });
    client.connect();
  });
}

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

  private constructor(
    client: zookeeper.Client,
    private readonly connectString: string,
    private readonly root: string,
    private readonly opts: ZooKeeperOptions,
    readonly location: string,
  ) {
    this.client = client;
    this.current = Promise.resolve(client);
    // Everything for whoever authenticated as the creator (`auth` scheme), or everything for anyone.
    this.acls = [new zookeeper.ACL(zookeeper.Permission.ALL, opts.auth ? new zookeeper.Id('auth', '') : new zookeeper.Id('world', 'anyone'))];
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
        this.sessions++;
        this.watchExpiry(client);
        this.current = Promise.resolve(client);
        await this.ensureDirs();
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
        const retriable = isCode(err, 'CONNECTION_LOSS') || isCode(err, 'SESSION_EXPIRED') || isCode(err, 'OPERATION_TIMEOUT');
        if (!retriable || this.closed || Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  private path(dir: StateDir, name: string): string {
    return `${this.root}/${dir}/${checkStateName(name)}`;
  }

  async persist(dir: StateDir, name: string, value: unknown): Promise<void> {
    const p = this.path(dir, name);
    const data = Buffer.from(JSON.stringify(value));
    await this.withClient(async (client) => {
      try {
        await promisify<string>((cb) => client.create(p, data, this.acls, zookeeper.CreateMode.PERSISTENT, cb));
      } catch (err) {
        if (!isCode(err, 'NODE_EXISTS')) throw err;
        await promisify<unknown>((cb) => client.setData(p, data, -1, cb));
      }
    });
  }

  async expunge(dir: StateDir, name: string): Promise<void> {
    await this.withClient(async (client) => {
      try {
        await promisify<void>((cb) => client.remove(this.path(dir, name), -1, (err) => cb(err, undefined)));
      } catch (err) {
        if (!isCode(err, 'NO_NODE')) throw err;
      }
    });
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

  /** The current session's id and password (tests use them to force an expiry, as ZooKeeper's own tests do). */
  get session(): { id: Buffer; password: Buffer } {
    return { id: this.client.getSessionId(), password: this.client.getSessionPassword() };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.client.close();
  }
}
