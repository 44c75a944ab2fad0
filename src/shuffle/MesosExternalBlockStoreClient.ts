import type { SparkConf } from '../conf/SparkConf.js';
import * as config from '../conf/catalog.js';
import { Connection, type Message } from '../rpc/Connection.js';
import { SparkException } from '../util/errors.js';
import { getLogger } from '../util/logging.js';

const log = getLogger('MesosExternalBlockStoreClient');

/** Wait between registration attempts (Spark's block manager waits 5 s between its attempts). */
export const REGISTRATION_RETRY_WAIT_MS = 5000;

export interface RegistrationPolicy {
  /** Attempts of one registration before giving up (`spark.shuffle.registration.maxAttempts`). */
  maxAttempts: number;
  /** Wait between attempts. */
  retryWaitMs: number;
}

interface Service {
  host: string;
  port: number;
  heartbeatTimeoutMs: number;
  heartbeatIntervalMs: number;
}

/**
 * The driver's client of the Mesos external shuffle service (Spark's class of the same name): registers the
 * application with the service on each agent that runs its executors, then heartbeats so the service keeps the
 * application's files; when heartbeats stop (the driver ended), the service deletes them. A registration is tried
 * up to `maxAttempts` times; when the connection to a service drops (the service restarted), the client registers
 * again with the same policy, so the new service knows the application (Spark's client does not, and a restarted
 * service never cleans that application's files).
 */
export class MesosExternalBlockStoreClient {
  private readonly registrations = new Map<string, { conn: Connection; timer: NodeJS.Timeout }>();
  private readonly pending = new Map<string, Promise<void>>();
  private closed = false;
  /** Whether connections ask for encryption (`spark.network.crypto.enabled`); the service may ask on its own. */
  encrypt = false;

  /**
   * @param secret the shared secret when `authEnabled` (`spark.authenticate.secret`)
   * @param registrationTimeoutMs how long a registration may take (`spark.shuffle.registration.timeout`)
   * @param policy attempts per registration; one unless given (`fromConf` reads the configuration)
   */
  constructor(
    readonly appId: string,
    private readonly secret: string | undefined,
    private readonly authEnabled: boolean,
    private readonly registrationTimeoutMs: number,
    readonly policy: RegistrationPolicy = { maxAttempts: 1, retryWaitMs: 0 },
  ) {
    if (authEnabled && !secret) throw new SparkException('spark.authenticate is on, but spark.authenticate.secret is not set');
  }

  /** A client with `spark.shuffle.registration.timeout` and `spark.shuffle.registration.maxAttempts`. */
  static fromConf(conf: SparkConf, appId: string, secret: string | undefined): MesosExternalBlockStoreClient {
    const client = new MesosExternalBlockStoreClient(appId, secret, secret !== undefined, conf.get(config.SHUFFLE_REGISTRATION_TIMEOUT), {
      maxAttempts: conf.get(config.SHUFFLE_REGISTRATION_MAX_ATTEMPTS),
      retryWaitMs: REGISTRATION_RETRY_WAIT_MS,
    });
    client.encrypt = conf.get(config.NETWORK_CRYPTO_ENABLED);
    return client;
  }

  async registerDriverWithShuffleService(host: string, port: number, heartbeatTimeoutMs: number, heartbeatIntervalMs: number): Promise<void> {
    const key = `${host}:${port}`;
    if (this.registrations.has(key)) return;
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight;
    const p = this.register({ host, port, heartbeatTimeoutMs, heartbeatIntervalMs }).finally(() => this.pending.delete(key));
    this.pending.set(key, p);
    return p;
  }

  private async register(s: Service): Promise<void> {
    const key = `${s.host}:${s.port}`;
    for (let attempt = 1; ; attempt++) {
      if (this.closed) throw new SparkException(`Not registering with the external shuffle service at ${key}: the client is closed`);
      try {
        return await this.registerOnce(s);
      } catch (err) {
        if (attempt >= this.policy.maxAttempts) {
          if (attempt === 1) throw err;
          throw new SparkException(`${(err as Error).message} (gave up after ${attempt} attempts)`, { cause: err });
        }
        log.warn({ service: key, attempt, err: (err as Error).message }, 'registration with the external shuffle service failed; retrying');
        await new Promise((r) => setTimeout(r, this.policy.retryWaitMs).unref());
      }
    }
  }

  private async registerOnce(s: Service): Promise<void> {
    const key = `${s.host}:${s.port}`;
    let conn: Connection;
    try {
      conn = await Connection.connect(s.host, s.port, this.authEnabled ? { secret: this.secret!, encrypt: this.encrypt } : undefined, `driver-${this.appId}`, this.registrationTimeoutMs);
    } catch (err) {
      throw new SparkException(`Unable to register with the external shuffle service at ${key}: ${(err as Error).message}`, { cause: err });
    }
    try {
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new SparkException(`Registration with the external shuffle service at ${key} timed out after ${this.registrationTimeoutMs} ms`)), this.registrationTimeoutMs);
        conn.once('close', () => {
          clearTimeout(t);
          reject(new SparkException(`The external shuffle service at ${key} closed the connection during registration`));
        });
        conn.on('message', (m: Message) => {
          if (m.t === 'registered') {
            clearTimeout(t);
            resolve();
          } else if (m.t === 'error' || m.t === 'refused') {
            clearTimeout(t);
            reject(new SparkException(`The external shuffle service at ${key} refused the registration: ${String(m.message ?? m.reason)}`));
          }
        });
        conn.send({ t: 'registerDriver', appId: this.appId, heartbeatTimeoutMs: s.heartbeatTimeoutMs });
      });
    } catch (err) {
      conn.close();
      throw err;
    }
    if (this.closed) {
      conn.close();
      return;
    }
    const timer = setInterval(() => conn.send({ t: 'heartbeat', appId: this.appId }), s.heartbeatIntervalMs);
    timer.unref();
    conn.on('close', () => {
      clearInterval(timer);
      this.registrations.delete(key);
      if (this.closed) return;
      log.warn({ service: key }, 'lost the connection to an external shuffle service; registering again');
      this.registerDriverWithShuffleService(s.host, s.port, s.heartbeatTimeoutMs, s.heartbeatIntervalMs).catch((err: Error) => {
        log.error({ service: key, err: err.message }, 'could not register again with the external shuffle service: it will not clean this application\'s shuffle files');
      });
    });
    this.registrations.set(key, { conn, timer });
    log.info({ service: key, appId: this.appId }, 'registered with the external shuffle service');
  }

  get registeredServices(): string[] {
    return [...this.registrations.keys()];
  }

  /** Stops heartbeating (the services will clean up after the timeout). */
  close(): void {
    this.closed = true;
    for (const { conn, timer } of this.registrations.values()) {
      clearInterval(timer);
      conn.close();
    }
    this.registrations.clear();
  }
}
