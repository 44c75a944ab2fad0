/**
 * Which scheduler backend a master URL selects. `local`, `local[N]`, `local[*]` and `local[N,F]` are built in; other
 * cluster managers (local-cluster, Mesos) register themselves, so the engine depends on none of them.
 */
import { availableParallelism } from 'node:os';
import type { SparkConf } from '../conf/SparkConf.js';
import * as config from '../conf/catalog.js';
import type { SchedulerBackend } from './SchedulerBackend.js';
import { LocalBackend } from './local/LocalBackend.js';
import { SparkException } from '../util/errors.js';

export interface ClusterManager {
  canCreate(master: string): boolean;
  create(master: string, conf: SparkConf): SchedulerBackend;
}

const managers: ClusterManager[] = [];

export function registerClusterManager(m: ClusterManager): void {
  managers.push(m);
}

/** Parses `local`, `local[N]`, `local[*]`, `local[N,F]` into threads and task failures allowed. */
export function parseLocalMaster(master: string): { threads: number; maxFailures: number | undefined } | undefined {
  if (master === 'local') return { threads: 1, maxFailures: 1 };
  const m = /^local\[\s*(\*|[0-9]+)\s*(?:,\s*([0-9]+)\s*)?\]$/.exec(master);
  if (!m) return undefined;
  const threads = m[1] === '*' ? availableParallelism() : Number(m[1]);
  if (threads < 1) throw new SparkException(`Asked to run locally with ${threads} threads`);
  // Spark's local mode does not retry failed tasks unless local[N,F] says so.
  return { threads, maxFailures: m[2] !== undefined ? Number(m[2]) : 1 };
}

/** The application's I/O encryption key, when `spark.io.encryption.enabled` (the driver made it). */
export function ioKey(conf: SparkConf): string | undefined {
  return conf.get(config.IO_ENCRYPTION_ENABLED) ? conf.get(config.IO_ENCRYPTION_KEY) : undefined;
}

export function createBackend(master: string, conf: SparkConf): { backend: SchedulerBackend; maxTaskFailures?: number } {
  const local = parseLocalMaster(master);
  if (local) return { backend: new LocalBackend(local.threads, ioKey(conf)), ...(local.maxFailures !== undefined ? { maxTaskFailures: local.maxFailures } : {}) };
  const m = managers.find((x) => x.canCreate(master));
  if (!m) {
    throw new SparkException(`Could not parse Master URL: '${master}' (expected local, local[N], local[*], local[N,F], local-cluster[N,cores,memMB], mesos://host:port or mesos://zk://...)`);
  }
  return { backend: m.create(master, conf) };
}
