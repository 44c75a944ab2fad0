import { EventEmitter } from 'node:events';
import zookeeper from 'node-zookeeper-client';
import { parseMasterUrl, ipFromPacked, type MasterLocation } from '../masterUrl.js';
import type { Endpoint } from './http.js';
import { getLogger } from '../../util/logging.js';

const log = getLogger('MasterDetector');

/**
 * Finds the leading master and says when it changes. `leader` is undefined while none is known.
 */
export interface MasterDetector {
  readonly leader: Endpoint | undefined;
  /** Resolves with the leader as soon as one is known (aborting resolves nothing and rejects). */
  waitForLeader(signal?: AbortSignal): Promise<Endpoint>;
  /** Called with the new leader (or undefined when none is elected). Returns an unsubscribe function. */
  onChange(listener: (leader: Endpoint | undefined) => void): () => void;
  close(): Promise<void>;
}

abstract class BaseDetector implements MasterDetector {
  protected current: Endpoint | undefined;
  private readonly events = new EventEmitter();

  get leader(): Endpoint | undefined {
    return this.current;
  }

  protected setLeader(ep: Endpoint | undefined): void {
    const same = ep?.host === this.current?.host && ep?.port === this.current?.port;
    this.current = ep;
    if (!same) this.events.emit('change', ep);
  }

  waitForLeader(signal?: AbortSignal): Promise<Endpoint> {
    if (this.current) return Promise.resolve(this.current);
    return new Promise((resolve, reject) => {
      const off = this.onChange((ep) => {
        if (ep) {
          off();
          signal?.removeEventListener('abort', onAbort);
          resolve(ep);
        }
      });
      const onAbort = () => {
        off();
        reject(new Error('stopped while waiting for a leading Mesos master'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  onChange(listener: (leader: Endpoint | undefined) => void): () => void {
    this.events.on('change', listener);
    return () => this.events.off('change', listener);
  }

  abstract close(): Promise<void>;
}

/** A fixed master address; 307 redirects are followed by the client itself. */
export class StandaloneDetector extends BaseDetector {
  constructor(ep: Endpoint) {
    super();
    this.current = ep;
  }

  /** Lets the client record where a 307 pointed. */
  redirectTo(ep: Endpoint): void {
    this.setLeader(ep);
  }

  async close(): Promise<void> {}
}

/** Picks the leader among a group's children: the lowest sequence number, whatever the label. */
export function pickLeader(children: readonly string[]): { name: string; label: string | undefined } | undefined {
  let best: { name: string; label: string | undefined; seq: number } | undefined;
  for (const name of children) {
    const m = /^(?:(.*)_)?([0-9]+)$/.exec(name);
    if (!m) continue;
    const seq = Number(m[2]);
    if (!best || seq < best.seq) best = { name, label: m[1], seq };
  }
  return best && { name: best.name, label: best.label };
}

/** Reads a master's address from its znode data, per the label the node was created with. */
export function endpointFromZnode(label: string | undefined, data: Buffer): Endpoint | undefined {
  const text = data.toString('utf8');
  if (label === 'json.info') {
    const info = JSON.parse(text) as { ip?: number; port?: number; hostname?: string; address?: { ip?: string; hostname?: string; port?: number } };
    const host = info.address?.ip ?? info.address?.hostname ?? (info.ip !== undefined ? ipFromPacked(info.ip) : info.hostname);
    const port = info.address?.port ?? info.port ?? 5050;
    return host ? { host, port } : undefined;
  }
  if (label === undefined) {
    const m = /@([^:]+):([0-9]+)$/.exec(text.trim());
    return m ? { host: m[1]!, port: Number(m[2]) } : undefined;
  }
  return undefined; // "info" (binary protobuf, pre-0.24) is not supported.
}

/**
 * Watches a Mesos master group in ZooKeeper (the `json.info_<seq>` nodes masters create) and follows the leader.
 */
export class ZooKeeperDetector extends BaseDetector {
  private readonly client: zookeeper.Client;
  private closed = false;

  constructor(private readonly loc: Extract<MasterLocation, { kind: 'zookeeper' }>, sessionTimeoutMs = 10_000) {
    super();
    this.client = zookeeper.createClient(loc.servers, { sessionTimeout: sessionTimeoutMs, spinDelay: 200, retries: 1000 });
    if (loc.auth) this.client.addAuthInfo('digest', Buffer.from(`${loc.auth.user}:${loc.auth.password}`));
    this.client.on('connected', () => this.watch());
    this.client.on('expired', () => {
      log.warn('ZooKeeper session expired; reconnecting');
      this.setLeader(undefined);
    });
    this.client.connect();
  }

  private watch(): void {
    if (this.closed) return;
    this.client.getChildren(
      this.loc.path,
      () => this.watch(),
      (err, children) => {
        if (this.closed) return;
        if (err) {
          // The group path may not exist yet: no master has joined. Poll until it does.
          this.setLeader(undefined);
          setTimeout(() => this.watch(), 500).unref();
          return;
        }
        const leader = pickLeader(children);
        if (!leader) return this.setLeader(undefined);
        this.client.getData(`${this.loc.path}/${leader.name}`, (err2, data) => {
          if (this.closed) return;
          if (err2 || !data) return this.watch(); // vanished between list and read: list again
          try {
            const ep = endpointFromZnode(leader.label, data);
            if (ep) log.info({ leader: ep }, 'detected leading Mesos master');
            this.setLeader(ep);
          } catch (e) {
            log.warn({ err: e }, `unreadable master info in ${leader.name}`);
          }
        });
      },
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    this.client.close();
  }
}

/** A detector for a master string (`mesos://host:port`, `mesos://zk://...`, `host:port`, `zk://...`). */
export function createDetector(master: string): MasterDetector {
  const loc = parseMasterUrl(master);
  return loc.kind === 'standalone' ? new StandaloneDetector({ host: loc.host, port: loc.port }) : new ZooKeeperDetector(loc);
}
