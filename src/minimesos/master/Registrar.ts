/**
 * The agents a master has admitted, and those it marked unreachable, kept where the next leader finds them (Mesos'
 * registrar, which keeps its registry in the replicated log). With ZooKeeper the registry is a persistent node beside
 * the election's nodes, so a newly elected master knows the agents its predecessor admitted and treats them as
 * recovered until they re-register or `agentReregisterTimeoutMs` passes, and knows which were unreachable and since
 * when (reconciliation answers `TASK_UNREACHABLE` for them, as before the failover). A master without ZooKeeper
 * leads alone and keeps nothing.
 */
import zookeeper from 'node-zookeeper-client';
import { getLogger } from '../../util/logging.js';

const log = getLogger('minimesos.Master');

/** The ZooKeeper error code of a failed call (undefined for other errors). */
const codeOf = (err: Error | zookeeper.Exception): number | undefined =>
  typeof (err as zookeeper.Exception).getCode === 'function' ? (err as zookeeper.Exception).getCode() : undefined;

export interface AdmittedAgent { id: string; hostname: string }
export interface UnreachableAgent { id: string; time: { nanoseconds: number } }
export interface Registry { agents: AdmittedAgent[]; unreachable: UnreachableAgent[] }

const EMPTY: Registry = { agents: [], unreachable: [] };

export interface RegistryLocation { client: zookeeper.Client; path: string }

export class Registrar {
  private writing = Promise.resolve();

  constructor(private readonly where: () => RegistryLocation | undefined) {}

  /**
   * What the registry holds: nothing without ZooKeeper or when the node does not exist yet; undefined when it could
   * not be read (after a few tries), so that nothing partial is taken for it.
   */
  async read(): Promise<Registry | undefined> {
    for (let attempt = 1; attempt <= 5; attempt++) {
      const at = this.where();
      if (!at) return EMPTY;
      const got = await readOnce(at);
      if (got !== 'failed') return got;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
    return undefined;
  }

  /** Resolves once every store started so far has been tried. */
  flushed(): Promise<void> {
    return this.writing;
  }

  /** Stores `registry`, after every earlier store (the last one wins); resolves with whether this one was stored. */
  save(registry: Registry): Promise<boolean> {
    const at = this.where();
    if (!at) return this.writing.then(() => true);
    const data = Buffer.from(JSON.stringify(registry));
    const stored = this.writing.then(() => write(at, data)).then(() => true, (err: Error) => {
      log.warn({ err: err.message }, 'could not store the agent registry');
      return false;
    });
    this.writing = stored.then(() => undefined);
    return stored;
  }
}

function readOnce(at: RegistryLocation): Promise<Registry | 'failed'> {
  return new Promise((resolve) => {
    at.client.getData(at.path, (err, data) => {
      if (err) {
        if (codeOf(err) === zookeeper.Exception.NO_NODE) return resolve(EMPTY);
        log.warn({ err: String(err) }, 'could not read the agent registry');
        return resolve('failed');
      }
      try {
        const parsed = JSON.parse((data ?? Buffer.alloc(0)).toString('utf8') || '{}') as Partial<Registry>;
        // A registry written before unreachable agents were kept has none.
        resolve({ agents: Array.isArray(parsed.agents) ? parsed.agents : [], unreachable: Array.isArray(parsed.unreachable) ? parsed.unreachable : [] });
      } catch (e) {
        log.warn({ err: (e as Error).message }, 'the agent registry is not JSON; starting without it');
        resolve(EMPTY);
      }
    });
  });
}

function write(at: RegistryLocation, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    at.client.setData(at.path, data, -1, (err) => {
      if (!err) return resolve();
      if (codeOf(err) !== zookeeper.Exception.NO_NODE) return reject(err);
      at.client.create(at.path, data, zookeeper.CreateMode.PERSISTENT, (e2) => {
        if (e2 && codeOf(e2) !== zookeeper.Exception.NODE_EXISTS) return reject(e2);
        // Created meanwhile by another master: store over it.
        if (e2) return at.client.setData(at.path, data, -1, (e3) => (e3 ? reject(e3) : resolve()));
        resolve();
      });
    });
  });
}
