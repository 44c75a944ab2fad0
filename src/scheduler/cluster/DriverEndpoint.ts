import type net from 'node:net';
import { listen, type Connection, type Message, type RpcAuth, type RpcAuthLike } from '../../rpc/Connection.js';
import type { TaskDescription } from '../../core/plan.js';
import type { BackendEvents, TaskStatusUpdate } from '../SchedulerBackend.js';
import { getLogger } from '../../util/logging.js';
import type { SparkConf } from '../../conf/SparkConf.js';
import * as config from '../../conf/catalog.js';
import { driverBindAddress, driverHost } from '../../conf/hostAddress.js';
import { SparkException } from '../../util/errors.js';
import { logUrlsFrom } from '../../executor/logUrls.js';

const log = getLogger('DriverEndpoint');

export interface RegisteredExecutor {
  id: string;
  host: string;
  cores: number;
  /** The port its block server listens on (as the executor registered it). */
  blockPort: number;
  pid: number;
  conn: Connection;
  lastHeartbeat: number;
}

export interface DriverEndpointOptions {
  /** The address executors are told (`spark.driver.host`). */
  host: string;
  /** The address it listens on (`spark.driver.bindAddress`); defaults to `host`. */
  bindHost?: string;
  port: number;
  /** The secret (and encryption setting) executors must prove; undefined when `spark.authenticate` is off. */
  secret: RpcAuthLike;
  /** How long an executor's connection may take to authenticate (`spark.network.auth.rpcTimeout`). */
  handshakeTimeoutMs?: number;
  heartbeatIntervalMs: number;
  /** An executor silent this long is lost (`spark.network.timeout`). */
  timeoutMs: number;
  /** Whether an executor id is expected (launched by this backend). */
  accept?: (executorId: string) => boolean;
}

/** The shared secret executors must prove when `spark.authenticate` is on (undefined when it is off). */
export function authSecret(conf: SparkConf): string | undefined {
  if (!conf.get(config.AUTHENTICATE)) return undefined;
  const secret = conf.get(config.AUTHENTICATE_SECRET);
  if (!secret) throw new SparkException('spark.authenticate is on, but spark.authenticate.secret is not set');
  return secret;
}

/** The secret and the encryption setting of RPC connections (`spark.network.crypto.enabled`). */
export function rpcAuth(conf: SparkConf): RpcAuth | undefined {
  const secret = authSecret(conf);
  return secret === undefined ? undefined : { secret, encrypt: conf.get(config.NETWORK_CRYPTO_ENABLED) };
}

/** Endpoint options from the configuration: driver host (advertised and bound) and port, secret, heartbeat interval and timeout. */
export function endpointOptions(conf: SparkConf, accept: (executorId: string) => boolean): DriverEndpointOptions {
  return {
    host: driverHost(conf),
    bindHost: driverBindAddress(conf),
    port: conf.get(config.DRIVER_PORT),
    secret: rpcAuth(conf),
    handshakeTimeoutMs: conf.get(config.NETWORK_AUTH_RPC_TIMEOUT) * 1000,
    heartbeatIntervalMs: conf.get(config.EXECUTOR_HEARTBEAT_INTERVAL),
    timeoutMs: conf.get(config.NETWORK_TIMEOUT) * 1000,
    accept,
  };
}

/**
 * The driver's side of executor connections (Spark's CoarseGrainedSchedulerBackend endpoint): authenticates and
 * registers executors, sends them tasks, and reports their status updates, heartbeat timeouts and disconnections.
 * Cluster backends (local-cluster, Mesos) start executors their own way and share this.
 */
export class DriverEndpoint {
  private server: net.Server | undefined;
  readonly executors = new Map<string, RegisteredExecutor>();
  private events: BackendEvents | undefined;
  private checker: NodeJS.Timeout | undefined;
  private readonly connections = new Set<Connection>();
  address: { host: string; port: number } | undefined;
  /** Refused connections (authentication or registration), for tests and logs. */
  refused = 0;
  onRegistered: ((e: RegisteredExecutor) => void) | undefined;
  onRemoved: ((id: string, reason: string) => void) | undefined;
  private readonly requests = new Map<number, { executorId: string; done: (err: Error | undefined, m?: Message) => void }>();
  private nextRequest = 0;

  constructor(private readonly opts: DriverEndpointOptions) {}

  get url(): string {
    return `spark://CoarseGrainedScheduler@${this.address!.host}:${this.address!.port}`;
  }

  get totalCores(): number {
    let n = 0;
    for (const e of this.executors.values()) n += e.cores;
    return n;
  }

  async start(events: BackendEvents): Promise<void> {
    this.events = events;
    this.server = await listen(this.opts.bindHost ?? this.opts.host, this.opts.port, this.opts.secret, (conn) => this.accept(conn), { handshakeTimeoutMs: this.opts.handshakeTimeoutMs });
    const a = this.server.address() as net.AddressInfo;
    this.address = { host: this.opts.host, port: a.port };
    this.checker = setInterval(() => this.checkHeartbeats(), Math.max(100, Math.min(this.opts.heartbeatIntervalMs, 1000)));
    this.checker.unref();
  }

  private accept(conn: Connection): void {
    let executorId: string | undefined;
    this.connections.add(conn);
    conn.on('close', () => this.connections.delete(conn));
    conn.on('authFailed', (why: string) => {
      this.refused++;
      log.warn({ why }, 'refused an executor that could not authenticate');
    });
    conn.on('message', (m: Message) => {
      if (m.t === 'register') {
        const id = String(m.executorId);
        // With authentication, an executor registers under the name it proved in its handshake and no other.
        const impostor = conn.peer !== undefined && conn.peer !== id;
        if (impostor || this.executors.has(id) || (this.opts.accept && !this.opts.accept(id))) {
          this.refused++;
          log.warn({ executor: id }, 'refused an executor registration');
          conn.send({ t: 'refused', reason: impostor ? `executor id ${id} is not the one authenticated` : this.executors.has(id) ? `duplicate executor id ${id}` : `unexpected executor id ${id}` });
          conn.close();
          return;
        }
        executorId = id;
        const e: RegisteredExecutor = { id, host: String(m.host), cores: Number(m.cores), blockPort: Number(m.port), pid: Number(m.pid), conn, lastHeartbeat: Date.now() };
        this.executors.set(id, e);
        conn.send({ t: 'registered', heartbeatIntervalMs: this.opts.heartbeatIntervalMs });
        log.info({ executor: id, host: e.host, cores: e.cores, pid: e.pid }, 'executor registered');
        this.onRegistered?.(e);
        const logUrls = logUrlsFrom(m.logUrls);
        this.events?.executorAdded({ id, host: e.host, cores: e.cores, ...(logUrls ? { logUrls } : {}) });
        return;
      }
      const e = executorId ? this.executors.get(executorId) : undefined;
      if (!e) return;
      e.lastHeartbeat = Date.now();
      if (m.t === 'status') this.events?.statusUpdate({ ...(m as unknown as TaskStatusUpdate), executorId: e.id });
      if (m.t === 'reply') this.replied(e.id, m);
    });
    conn.on('close', (reason: string) => {
      if (executorId && this.executors.get(executorId)?.conn === conn) this.remove(executorId, `connection closed (${reason})`);
    });
  }

  private checkHeartbeats(): void {
    const now = Date.now();
    for (const e of [...this.executors.values()]) {
      if (now - e.lastHeartbeat > this.opts.timeoutMs) {
        log.warn({ executor: e.id }, `no heartbeat for ${this.opts.timeoutMs} ms`);
        e.conn.close();
        this.remove(e.id, `heartbeat timed out after ${this.opts.timeoutMs} ms`);
      }
    }
  }

  remove(id: string, reason: string): void {
    const e = this.executors.get(id);
    if (!e) return;
    this.executors.delete(id);
    for (const [reqId, r] of this.requests) {
      if (r.executorId !== id) continue;
      this.requests.delete(reqId);
      r.done(new Error(`executor ${id} is gone: ${reason}`));
    }
    // If the process lives on (Mesos reported its task ended), closing tells it to exit.
    e.conn.close();
    log.warn({ executor: id, reason }, 'executor lost');
    this.onRemoved?.(id, reason);
    this.events?.executorRemoved(id, reason);
  }

  /** Asks an executor something; resolves with its `reply` (e.g. decommission's shuffle hand-over). */
  request(executorId: string, message: Message, timeoutMs: number): Promise<Message> {
    const e = this.executors.get(executorId);
    if (!e) return Promise.reject(new Error(`executor ${executorId} is not registered`));
    const reqId = this.nextRequest++;
    return new Promise<Message>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.requests.delete(reqId);
        reject(new Error(`executor ${executorId} did not answer '${String(message.t)}' within ${timeoutMs} ms`));
      }, timeoutMs);
      this.requests.set(reqId, {
        executorId,
        done: (err, m) => {
          clearTimeout(timer);
          if (err) reject(err);
          else resolve(m!);
        },
      });
      e.conn.send({ ...message, reqId });
    });
  }

  private replied(executorId: string, m: Message): void {
    const r = this.requests.get(Number(m.reqId));
    if (!r || r.executorId !== executorId) return;
    this.requests.delete(Number(m.reqId));
    r.done(typeof m.error === 'string' ? new Error(m.error) : undefined, m);
  }

  launchTask(executorId: string, task: TaskDescription): void {
    const e = this.executors.get(executorId);
    if (!e) {
      setImmediate(() => this.events?.statusUpdate({ taskId: task.taskId, executorId, state: 'LOST', error: { message: `executor ${executorId} is gone` } }));
      return;
    }
    e.conn.send({ t: 'launch', task });
  }

  killTask(executorId: string, taskId: number): void {
    this.executors.get(executorId)?.conn.send({ t: 'kill', taskId });
  }

  dropBlocks(prefix: string): void {
    for (const e of this.executors.values()) e.conn.send({ t: 'dropBlocks', prefix });
  }

  async stop(): Promise<void> {
    clearInterval(this.checker);
    const all = [...this.executors.values()];
    this.executors.clear();
    for (const e of all) e.conn.send({ t: 'shutdown' });
    for (const c of [...this.connections]) c.close();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
