import { spawn, type ChildProcess } from 'node:child_process';
import { IO_KEY_ENV } from '../../util/ioEncryption.js';
import { ioKey } from '../clusterManagers.js';
import type { SparkConf } from '../../conf/SparkConf.js';
import * as config from '../../conf/catalog.js';
import type { BackendEvents, SchedulerBackend } from '../SchedulerBackend.js';
import { EndpointBackend } from './EndpointBackend.js';
import { DriverEndpoint, authSecret, endpointOptions } from './DriverEndpoint.js';
import { MesosExternalBlockStoreClient } from '../../shuffle/MesosExternalBlockStoreClient.js';
import { executorCommand } from './executorCommand.js';
import { CONF_LOCAL_DIR_ENV } from '../../executor/localDirs.js';
import { AUTH_TIMEOUT_ENV, CRYPTO_ENV } from '../../executor/cryptoEnv.js';
import { executorNodeOptions } from '../../conf/nodeOptions.js';
import { SparkException } from '../../util/errors.js';
import { getLogger } from '../../util/logging.js';

const log = getLogger('LocalClusterBackend');

/** Parses `local-cluster[N, cores, memMB]`. */
export function parseLocalCluster(master: string): { executors: number; cores: number; memoryMb: number } | undefined {
  const m = /^local-cluster\[\s*([0-9]+)\s*,\s*([0-9]+)\s*,\s*([0-9]+)\s*\]$/.exec(master);
  if (!m) return undefined;
  const [executors, cores, memoryMb] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (executors < 1 || cores < 1 || memoryMb < 1) throw new SparkException(`local-cluster needs at least one executor, core and MiB, but got '${master}'`);
  return { executors, cores, memoryMb };
}

/**
 * `local-cluster[N,cores,memMB]`: N real executor processes on this machine, connected to the driver over TCP as
 * executors on other hosts would be. A lost executor process is replaced.
 */
export class LocalClusterBackend extends EndpointBackend implements SchedulerBackend {
  readonly applicationId = `local-cluster-${Date.now()}`;
  protected readonly endpoint: DriverEndpoint;
  private readonly processes = new Map<string, ChildProcess>();
  private nextId = 0;
  private stopped = false;
  private readonly spec: { executors: number; cores: number; memoryMb: number };
  private readonly secret: string | undefined;
  private shuffleClient: MesosExternalBlockStoreClient | undefined;

  constructor(master: string, private readonly conf: SparkConf) {
    super();
    this.spec = parseLocalCluster(master)!;
    this.secret = authSecret(conf);
    this.endpoint = new DriverEndpoint(endpointOptions(conf, (id) => this.processes.has(id)));
    this.endpoint.onRemoved = (id) => {
      const p = this.processes.get(id);
      this.processes.delete(id);
      if (p && p.exitCode === null) p.kill('SIGKILL');
      if (!this.stopped) {
        log.warn({ executor: id }, 'replacing a lost executor');
        this.launchExecutor();
      }
    };
  }

  /** The driver's endpoint (tests inspect registrations and refusals). */
  get driver(): DriverEndpoint {
    return this.endpoint;
  }

  /** The pids of the running executor processes, by executor id. */
  get executorPids(): Map<string, number> {
    return new Map([...this.processes].flatMap(([id, p]) => (p.pid ? [[id, p.pid] as [string, number]] : [])));
  }

  defaultParallelism(): number {
    return this.conf.get(config.DEFAULT_PARALLELISM) ?? Math.max(2, this.spec.executors * this.spec.cores);
  }

  async start(events: BackendEvents): Promise<void> {
    await this.endpoint.start(events);
    if (this.conf.get(config.SHUFFLE_SERVICE_ENABLED)) {
      // All executors share this host, so the driver registers with its one shuffle service.
      this.shuffleClient = MesosExternalBlockStoreClient.fromConf(this.conf, this.applicationId, this.secret);
      await this.shuffleClient.registerDriverWithShuffleService(
        '127.0.0.1',
        this.conf.get(config.SHUFFLE_SERVICE_PORT),
        this.conf.get(config.BLOCK_MANAGER_HEARTBEAT_TIMEOUT),
        this.conf.get(config.EXECUTOR_HEARTBEAT_INTERVAL),
      );
    }
    for (let i = 0; i < this.spec.executors; i++) this.launchExecutor();
    // Jobs start once every executor registered (or after spark.scheduler.maxRegisteredResourcesWaitingTime).
    const deadline = Date.now() + this.conf.get(config.MAX_REGISTERED_RESOURCES_WAITING_TIME);
    while (this.endpoint.totalCores < this.spec.executors * this.spec.cores && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private launchExecutor(): void {
    const id = String(this.nextId++);
    const { command, args } = executorCommand();
    const env: NodeJS.ProcessEnv = { ...process.env, SPARK_EXECUTOR_MEMORY: `${this.spec.memoryMb}m` };
    if (this.conf.contains(config.LOCAL_DIR.key)) env[CONF_LOCAL_DIR_ENV] = this.conf.get(config.LOCAL_DIR);
    else delete env[CONF_LOCAL_DIR_ENV];
    delete env.NODE_TEST_CONTEXT;
    if (this.secret) env.SPARK_AUTHENTICATE_SECRET = this.secret;
    else delete env.SPARK_AUTHENTICATE_SECRET;
    if (this.secret && this.conf.get(config.NETWORK_CRYPTO_ENABLED)) env[CRYPTO_ENV] = 'true';
    else delete env[CRYPTO_ENV];
    env[AUTH_TIMEOUT_ENV] = String(this.conf.get(config.NETWORK_AUTH_RPC_TIMEOUT) * 1000);
    const key = ioKey(this.conf);
    if (key) env[IO_KEY_ENV] = key;
    else delete env[IO_KEY_ENV];
    const shuffleDir = this.conf.get(config.SHUFFLE_SERVICE_LOCAL_DIR);
    if (this.conf.get(config.SHUFFLE_SERVICE_ENABLED) && shuffleDir) {
      env.SPARK_SHUFFLE_SERVICE_DIR = shuffleDir;
      env.SPARK_SHUFFLE_SERVICE_PORT = String(this.conf.get(config.SHUFFLE_SERVICE_PORT));
    }
    const nodeOptions = executorNodeOptions(this.conf, { appId: this.applicationId, executorId: id });
    const p = spawn(command, [...nodeOptions, ...args, '--driver-url', this.endpoint.url, '--executor-id', id, '--hostname', '127.0.0.1', '--cores', String(this.spec.cores), '--app-id', this.applicationId], {
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    this.processes.set(id, p);
    p.on('exit', (code, signal) => {
      log.info({ executor: id, code, signal }, 'executor process exited');
      if (this.endpoint.executors.has(id)) this.endpoint.remove(id, `executor process exited (${signal ?? code})`);
      else if (this.processes.get(id) === p) {
        // It died before registering.
        this.processes.delete(id);
        if (!this.stopped) this.launchExecutor();
      }
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.shuffleClient?.close();
    await this.endpoint.stop();
    const exits = [...this.processes.values()].filter((p) => p.exitCode === null).map((p) => new Promise((r) => {
      p.once('exit', r);
      setTimeout(() => p.kill('SIGKILL'), 3000).unref();
    }));
    await Promise.all(exits);
    this.processes.clear();
  }
}
