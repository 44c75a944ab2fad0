import { Connection, type Message } from '../rpc/Connection.js';
import { SparkException } from '../util/errors.js';
import { getLogger } from '../util/logging.js';

const log = getLogger('MesosExternalBlockStoreClient');

/**
 * The driver's client of the Mesos external shuffle service (Spark's class of the same name): registers the
 * application with the service on each agent that runs its executors, then heartbeats so the service keeps the
 * application's shuffle files; when heartbeats stop (the driver ended), the service deletes them.
 */
export class MesosExternalBlockStoreClient {
  private readonly registrations = new Map<string, { conn: Connection; timer: NodeJS.Timeout }>();

  /**
   * @param secret the shared secret when `authEnabled` (`spark.authenticate.secret`)
   * @param registrationTimeoutMs how long a registration may take (`spark.shuffle.registration.timeout`)
   */
  constructor(
    readonly appId: string,
    private readonly secret: string | undefined,
    private readonly authEnabled: boolean,
    private readonly registrationTimeoutMs: number,
  ) {
    if (authEnabled && !secret) throw new SparkException('spark.authenticate is on, but spark.authenticate.secret is not set');
  }

  async registerDriverWithShuffleService(host: string, port: number, heartbeatTimeoutMs: number, heartbeatIntervalMs: number): Promise<void> {
    const key = `${host}:${port}`;
    if (this.registrations.has(key)) return;
    let conn: Connection;
    try {
      conn = await Connection.connect(host, port, this.authEnabled ? this.secret : undefined, `driver-${this.appId}`, this.registrationTimeoutMs);
    } catch (err) {
      throw new SparkException(`Unable to register with the external shuffle service at ${key}: ${(err as Error).message}`, { cause: err });
    }
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new SparkException(`Registration with the external shuffle service at ${key} timed out after ${this.registrationTimeoutMs} ms`)), this.registrationTimeoutMs);
      conn.on('message', (m: Message) => {
        if (m.t === 'registered') {
          clearTimeout(t);
          resolve();
        } else if (m.t === 'error' || m.t === 'refused') {
          clearTimeout(t);
          reject(new SparkException(`The external shuffle service at ${key} refused the registration: ${String(m.message ?? m.reason)}`));
        }
      });
      conn.send({ t: 'registerDriver', appId: this.appId, heartbeatTimeoutMs });
    });
    const timer = setInterval(() => conn.send({ t: 'heartbeat', appId: this.appId }), heartbeatIntervalMs);
    timer.unref();
    conn.on('close', () => {
      clearInterval(timer);
      this.registrations.delete(key);
      log.warn({ service: key }, 'lost the connection to an external shuffle service');
    });
    this.registrations.set(key, { conn, timer });
    log.info({ service: key, appId: this.appId }, 'registered with the external shuffle service');
  }

  get registeredServices(): string[] {
    return [...this.registrations.keys()];
  }

  /** Stops heartbeating (the services will clean up after the timeout). */
  close(): void {
    for (const { conn, timer } of this.registrations.values()) {
      clearInterval(timer);
      conn.close();
    }
    this.registrations.clear();
  }
}
