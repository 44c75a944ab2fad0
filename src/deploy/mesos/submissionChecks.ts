/**
 * Which submitted properties the dispatcher refuses (HTTP 400, the key named): values Spark's request validation
 * checks (`spark.driver.supervise`, `spark.driver.cores`, `spark.cores.max`, `spark.driver.memory`,
 * `spark.executor.memory`), the settings the dispatcher itself reads to size and place the driver, and resource
 * requests no cluster could ever satisfy, which Spark acknowledged and queued forever. A request that is merely
 * larger than every agent today is accepted and waits, as in Spark (see waitingReason).
 */
import { driverNodeOptions, executorNodeOptions } from '../../conf/nodeOptions.js';
import { SparkConf } from '../../conf/SparkConf.js';
import * as config from '../../conf/catalog.js';
import { parseTyped } from '../../conf/ConfigEntry.js';
import { MesosSchedulerUtils as U } from '../../cluster/mesos/MesosSchedulerUtils.js';
import { unknownQueue } from './queues.js';

/** 1 PiB in MiB: no machine offers more memory to one task. */
export const MAX_MEMORY_MIB = 1024 ** 3;
/** No machine offers more cpus to one task. */
export const MAX_DRIVER_CORES = 4096;
/** `spark.cores.max` bound (cores across the whole cluster). */
export const MAX_TOTAL_CORES = 1_048_576;

interface Bound {
  entry: config.ConfigEntryLike;
  /** Whether 0 is allowed (overheads may be 0; sizes and cpus may not). */
  zero: boolean;
  max: number;
  unit: string;
}

const BOUNDS: readonly Bound[] = [
  { entry: config.DRIVER_MEMORY, zero: false, max: MAX_MEMORY_MIB, unit: 'MiB (1 PiB)' },
  { entry: config.DRIVER_CORES, zero: false, max: MAX_DRIVER_CORES, unit: 'cpus' },
  { entry: config.EXECUTOR_MEMORY, zero: false, max: MAX_MEMORY_MIB, unit: 'MiB (1 PiB)' },
  { entry: config.CORES_MAX, zero: true, max: MAX_TOTAL_CORES, unit: 'cpus' },
  { entry: config.DRIVER_MEMORY_OVERHEAD, zero: true, max: MAX_MEMORY_MIB, unit: 'MiB (1 PiB)' },
  { entry: config.MESOS_DRIVER_MEMORY_OVERHEAD, zero: true, max: MAX_MEMORY_MIB, unit: 'MiB (1 PiB)' },
];

/** Read by type only (their own bounds are enough). */
const TYPED: readonly config.ConfigEntryLike[] = [config.DRIVER_SUPERVISE, config.DRIVER_MEMORY_OVERHEAD_FACTOR];

/** A value as an error shows it: long ones cut (a 400-digit number says nothing more than its start). */
function shown(raw: string): string {
  return raw.length > 40 ? `${raw.slice(0, 40)}...` : raw;
}

function range(b: Bound): string {
  return `${b.zero ? 'at least 0' : 'more than 0'} and at most ${b.max} ${b.unit}`;
}

/**
 * The first property of a submission the dispatcher refuses, as a message naming the key, or undefined. With the
 * dispatcher's declared queues, a submission naming another queue is refused too.
 */
export function invalidSubmissionProperty(props: Readonly<Record<string, string>>, queueWeights?: ReadonlyMap<string, number>): string | undefined {
  if (queueWeights) {
    const q = unknownQueue(props['spark.mesos.dispatcher.queue'], queueWeights);
    if (q !== undefined) return q;
  }
  const conf = new SparkConf({ ...props });
  try {
    for (const b of BOUNDS) {
      const raw = conf.getRaw(b.entry.key);
      if (raw === undefined) continue;
      // The grammar only; the range is checked here, so the message states the whole accepted range.
      const e = b.entry;
      const v = parseTyped({ key: e.key, type: e.type, unit: e.unit, values: e.values, secret: e.secret, expectedForm: e.expectedForm, min: undefined }, raw) as number;
      if (!Number.isFinite(v) || v > b.max || v < 0 || (!b.zero && v === 0)) return `${b.entry.key} should be ${range(b)}, but was '${shown(raw)}'`;
    }
    for (const e of TYPED) {
      const raw = conf.getRaw(e.key);
      if (raw === undefined) continue;
      const v = e.parse(raw);
      if (typeof v === 'number' && !Number.isFinite(v)) return `${e.key} should be a finite number, but was '${shown(raw)}'`;
    }
    const constraints = conf.get(config.MESOS_DRIVER_CONSTRAINTS);
    try {
      U.parseConstraintString(constraints);
    } catch (err) {
      const why = (err as Error).cause instanceof Error ? `: ${((err as Error).cause as Error).message}` : '';
      return `${config.MESOS_DRIVER_CONSTRAINTS.key} should be name:value[,value...] entries separated by ';', but was '${constraints}'${why}`;
    }
    // Node options are checked here too: a bad one would otherwise fail only when the driver launches.
    driverNodeOptions(conf);
    executorNodeOptions(conf, { appId: 'app', executorId: '0' });
    const total = U.driverContainerMemory(conf);
    if (!Number.isFinite(total) || total > MAX_MEMORY_MIB) {
      return `spark.driver.memory plus its overhead (spark.mesos.driver.memoryOverhead, spark.driver.memoryOverhead or spark.driver.memoryOverheadFactor) should be at most ${MAX_MEMORY_MIB} MiB (1 PiB), but came to ${total} MiB`;
    }
  } catch (err) {
    return (err as Error).message;
  }
  return undefined;
}
