/**
 * A submitted driver as the dispatcher keeps and persists it (Spark's `MesosDriverDescription`), in plain JSON: what
 * the REST request asked for, and, for a supervised driver that failed, its retry state.
 */
import { SparkConf } from '../../conf/SparkConf.js';
import * as config from '../../conf/catalog.js';
import type { CreateSubmissionRequest } from '../rest/messages.js';
import type { TaskStatus } from '../../mesos/wire/task.js';

export interface RetryState {
  /** The Mesos status that ended the last attempt. */
  lastFailureStatus: TaskStatus;
  retries: number;
  /** Epoch ms after which the driver may be relaunched. */
  nextRetry: number;
  waitTimeSeconds: number;
}

/** One change of a driver's state, for the driver page. */
export interface StateChange {
  time: number;
  state: string;
  message?: string;
}

export interface MesosDriverDescription {
  submissionId: string;
  /** Epoch ms of receipt. */
  submissionDate: number;
  /** Acceptance order: breaks ties between drivers of one queue submitted in the same millisecond. */
  seq: number;
  name: string;
  /** The application file's URL (`appResource`). */
  jarUrl: string;
  mainClass: string;
  /** Driver memory, MiB (`spark.driver.memory`); the task's memory adds the overhead once (see driverTask). */
  mem: number;
  cores: number;
  supervise: boolean;
  arguments: string[];
  environment: Record<string, string>;
  /** The submission's Spark properties, as given. */
  conf: Record<string, string>;
  retryState?: RetryState;
  history?: StateChange[];
}

/** The driver's configuration as a SparkConf (validated typed reads with the key named on bad values). */
export function driverConf(d: Pick<MesosDriverDescription, 'conf'>): SparkConf {
  return new SparkConf(d.conf);
}

/** Spark's mapping of a CreateSubmissionRequest (b.6), without Spark's second memory overhead. */
export function describeDriver(req: CreateSubmissionRequest, submissionId: string, now: number, seq: number): MesosDriverDescription {
  const props = req.sparkProperties ?? {};
  const conf = new SparkConf(props);
  return {
    submissionId,
    submissionDate: now,
    seq,
    name: props['spark.app.name'] ?? req.mainClass ?? submissionId,
    jarUrl: req.appResource ?? '',
    mainClass: req.mainClass ?? '',
    mem: conf.get(config.DRIVER_MEMORY),
    cores: conf.get(config.DRIVER_CORES),
    supervise: conf.get(config.DRIVER_SUPERVISE),
    arguments: [...(req.appArgs ?? [])],
    environment: { ...(req.environmentVariables ?? {}) },
    conf: { ...props },
  };
}
