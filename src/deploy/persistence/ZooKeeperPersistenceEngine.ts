/**
 * ZOOKEEPER recovery: one persistent znode per document under `spark.deploy.zookeeper.dir`
 * (`<dir>/<state dir>/<name>`), JSON in UTF-8. A write resolves once ZooKeeper has committed it.
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

export class ZooKeeperPersistenceEngine implements PersistenceEngine {
  private constructor(
    private readonly client: zookeeper.Client,
    private readonly root: string,
  ) {}

  /** Connects (failing after 15 s with the connect string named) and creates the state directories. */
  static async open(connectString: string, root: string): Promise<ZooKeeperPersistenceEngine> {
    if (!root.startsWith('/')) throw new Error(`spark.deploy.zookeeper.dir should be an absolute znode path, but was '${root}'`);
    const client = zookeeper.createClient(connectString, { sessionTimeout: 60_000, spinDelay: 200, retries: 3 });
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => {
        client.close();
        reject(new Error(`could not connect to ZooKeeper at '${connectString}' (spark.deploy.zookeeper.url) within ${CONNECT_TIMEOUT_MS / 1000} s`));
      }, CONNECT_TIMEOUT_MS);
      client.once('connected', () => {
        clearTimeout(t);
        resolve();
      });
      client.connect();
    });
    const engine = new ZooKeeperPersistenceEngine(client, root.replace(/\/+$/, ''));
    for (const d of STATE_DIRS) await promisify<string>((cb) => client.mkdirp(`${engine.root}/${d}`, cb));
    return engine;
  }

  private path(dir: StateDir, name: string): string {
    return `${this.root}/${dir}/${checkStateName(name)}`;
  }

  async persist(dir: StateDir, name: string, value: unknown): Promise<void> {
    const p = this.path(dir, name);
    const data = Buffer.from(JSON.stringify(value));
    try {
      await promisify<string>((cb) => this.client.create(p, data, zookeeper.CreateMode.PERSISTENT, cb));
    } catch (err) {
      if (!isCode(err, 'NODE_EXISTS')) throw err;
      await promisify<unknown>((cb) => this.client.setData(p, data, -1, cb));
    }
  }

  async expunge(dir: StateDir, name: string): Promise<void> {
    try {
      await promisify<void>((cb) => this.client.remove(this.path(dir, name), -1, (err) => cb(err, undefined)));
    } catch (err) {
      if (!isCode(err, 'NO_NODE')) throw err;
    }
  }

  async fetch<T>(dir: StateDir, name: string): Promise<T | undefined> {
    const p = this.path(dir, name);
    let data: Buffer | undefined;
    try {
      data = await promisify<Buffer | undefined>((cb) => this.client.getData(p, (err, d) => cb(err, d)));
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
    const names = await promisify<string[]>((cb) => this.client.getChildren(`${this.root}/${dir}`, (err, c) => cb(err, c)));
    const values = await Promise.all(names.map((n) => this.fetch<T>(dir, n)));
    return values.filter((v): v is Awaited<T> => v !== undefined) as T[];
  }

  async close(): Promise<void> {
    this.client.close();
  }
}
