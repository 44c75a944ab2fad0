import { mkdirSync, rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type net from 'node:net';
import { listen, type Connection, type Message, type RpcAuthLike } from '../rpc/Connection.js';
import { serveBlock } from '../executor/BlockServer.js';
import { SegmentBuffers } from '../executor/segmentBuffers.js';
import { getLogger } from '../util/logging.js';

const log = getLogger('ExternalShuffleService');

export interface ShuffleServiceOptions {
  host: string;
  port: number;
  /** Where executors on this host write the shuffle files of each application (`<dir>/<appId>/`). */
  dir: string;
  /** The shared secret (and encryption setting) of `spark.authenticate`; undefined when it is off. */
  secret: RpcAuthLike;
  /** How long a connection may take to authenticate. */
  handshakeTimeoutMs?: number;
  /** How often heartbeats are checked (`spark.shuffle.cleaner.interval`). */
  cleanerIntervalMs: number;
}

interface App {
  timeoutMs: number;
  lastHeartbeat: number;
  /** The connection that registered the application: only it may heartbeat for it. */
  owner: Connection;
}

/** The most a driver may ask the service to wait for its heartbeats: a day. */
export const MAX_HEARTBEAT_TIMEOUT_MS = 24 * 3600 * 1000;

/**
 * A registration's heartbeat timeout, checked: a zero, negative, non-finite or absurd value would get a live
 * application's files deleted at once, or never.
 */
export function heartbeatTimeout(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_HEARTBEAT_TIMEOUT_MS) {
    throw new Error(`heartbeatTimeoutMs should be a number of milliseconds in (0, ${MAX_HEARTBEAT_TIMEOUT_MS}], but was ${String(value).slice(0, 40)}`);
  }
  return value;
}

/**
 * The external shuffle service for Mesos: one per host, serving the shuffle files executors wrote there, so the
 * files outlive the executors. A driver registers its application and heartbeats; when heartbeats stop for longer
 * than the timeout it gave, the application's files are deleted. Unlike Spark's service, an application can only be
 * heartbeated from the connection that registered it, so nobody else can keep it alive or get it cleaned early.
 */
export class ExternalShuffleService {
  private server: net.Server | undefined;
  private cleaner: NodeJS.Timeout | undefined;
  readonly apps = new Map<string, App>();
  address: { host: string; port: number } | undefined;
  /** Buffers blocks are read into, reused across fetches. */
  private readonly buffers = new SegmentBuffers();

  constructor(private readonly opts: ShuffleServiceOptions) {}

  async start(): Promise<void> {
    mkdirSync(this.opts.dir, { recursive: true });
    this.server = await listen(this.opts.host, this.opts.port, this.opts.secret, (c) => this.accept(c), { handshakeTimeoutMs: this.opts.handshakeTimeoutMs });
    this.address = { host: this.opts.host, port: (this.server.address() as net.AddressInfo).port };
    this.cleaner = setInterval(() => this.clean(), this.opts.cleanerIntervalMs);
    this.cleaner.unref();
    log.info({ address: this.address, dir: this.opts.dir }, 'external shuffle service started');
  }

  private appDir(appId: string): string {
    if (!/^[A-Za-z0-9._-]+$/.test(appId)) throw new Error(`bad application id '${appId}'`);
    return join(this.opts.dir, appId);
  }

  private accept(conn: Connection): void {
    conn.on('authFailed', (why: string) => log.warn({ why }, 'refused an unauthenticated connection'));
    conn.on('message', (m: Message) => {
      try {
        switch (m.t) {
          case 'registerDriver': {
            const appId = String(m.appId);
            const existing = this.apps.get(appId);
            if (existing && existing.owner !== conn && existing.owner.isOpen) throw new Error(`application ${appId} is registered by another driver`);
            const timeoutMs = heartbeatTimeout(m.heartbeatTimeoutMs);
            mkdirSync(this.appDir(appId), { recursive: true });
            this.apps.set(appId, { timeoutMs, lastHeartbeat: Date.now(), owner: conn });
            log.info({ appId, timeoutMs: m.heartbeatTimeoutMs }, 'driver registered');
            conn.send({ t: 'registered', reqId: m.reqId });
            break;
          }
          case 'heartbeat': {
            const app = this.apps.get(String(m.appId));
            if (app && app.owner === conn) app.lastHeartbeat = Date.now();
            break;
          }
          case 'fetchBlock': {
            serveBlock(conn, m, this.appDir(String(m.appId)), this.buffers);
            break;
          }
          default:
        }
      } catch (err) {
        conn.send({ t: m.t === 'fetchBlock' ? 'blockError' : 'error', reqId: m.reqId, message: (err as Error).message });
      }
    });
  }

  /** Removes the files of applications whose driver stopped heartbeating. */
  clean(now = Date.now()): string[] {
    const removed: string[] = [];
    for (const [appId, app] of this.apps) {
      if (now - app.lastHeartbeat > app.timeoutMs) {
        const dir = this.appDir(appId);
        if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
        this.apps.delete(appId);
        removed.push(appId);
        log.info({ appId }, `no heartbeat for ${app.timeoutMs} ms: removed the application's shuffle files`);
      }
    }
    return removed;
  }

  async stop(): Promise<void> {
    clearInterval(this.cleaner);
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
