/**
 * Execution keys: executor sizing and processes, tasks, locality and scheduling waits.
 * The catalog's `Execution` category; `../catalog.ts` re-exports it.
 */
import { entry } from '../ConfigEntry.js';

export const CORES_MAX = entry({ key: 'spark.cores.max', type: 'int', min: 0, category: 'Execution', defaultDoc: 'unlimited',
  doc: 'Most CPU cores the application takes across the cluster (coarse mode). Rounded down to a multiple of `spark.executor.cores`.' });
export const EXECUTOR_CORES = entry({ key: 'spark.executor.cores', type: 'int', default: '1', min: 1, category: 'Execution',
  doc: 'Cores per executor. On Mesos in coarse mode it is only used when set explicitly; unset, an executor takes all the cores of an offer (up to `spark.cores.max`).' });
export const EXECUTOR_MEMORY = entry({ key: 'spark.executor.memory', type: 'bytes', unit: 'm', default: '1g', category: 'Execution',
  doc: 'Executor memory in MiB (e.g. `2g`).' });
export const EXECUTOR_MEMORY_OVERHEAD_FACTOR = entry({ key: 'spark.executor.memoryOverheadFactor', type: 'double', default: '0.1', min: 0, category: 'Execution',
  doc: 'Fraction of executor memory added as overhead to the Mesos `mem` request when neither `spark.mesos.executor.memoryOverhead` nor `spark.executor.memoryOverhead` is set (at least 384 MiB).' });
export const EXECUTOR_MEMORY_OVERHEAD = entry({ key: 'spark.executor.memoryOverhead', type: 'bytes', unit: 'm', category: 'Execution',
  defaultDoc: 'max(384, `spark.executor.memoryOverheadFactor` × executor memory)',
  doc: 'MiB added to executor memory in the Mesos `mem` request, when `spark.mesos.executor.memoryOverhead` is unset (that key wins).' });
export const TASK_CPUS = entry({ key: 'spark.task.cpus', type: 'int', default: '1', min: 1, category: 'Execution',
  doc: 'Cores each task needs.' });
export const TASK_MAX_FAILURES = entry({ key: 'spark.task.maxFailures', type: 'int', default: '4', min: 1, category: 'Execution',
  doc: 'Attempts of one task before its job fails.' });
export const EXCLUDE_ON_FAILURE_MAX_FAILED_TASKS_PER_EXECUTOR = entry({ key: 'spark.excludeOnFailure.application.maxFailedTasksPerExecutor', type: 'int', default: '2', min: 0,
  category: 'Execution',
  doc: 'An executor on which this many tasks failed gets no more tasks for the application (0 turns exclusion off). Spark gates this behind spark.excludeOnFailure.enabled; here it is on by default, and never excludes the last executor.' });
export const DEFAULT_PARALLELISM = entry({ key: 'spark.default.parallelism', type: 'int', min: 1, category: 'Execution',
  defaultDoc: 'local: number of cores; fine-grained Mesos: 8; coarse: total executor cores (at least 2)',
  doc: 'Partitions of `parallelize` and of shuffles when not given.' });
export const EXECUTOR_URI = entry({ key: 'spark.executor.uri', type: 'string', category: 'Execution', defaultDoc: 'env `SPARK_EXECUTOR_URI`',
  doc: 'Archive of spark-mesos that Mesos fetches into each executor sandbox; the executor runs from its unpacked folder.' });
export const EXECUTOR_EXTRA_NODE_OPTIONS = entry({ key: 'spark.executor.extraNodeOptions', type: 'string', category: 'Execution',
  doc: 'Options for the Node process of every executor (Mesos coarse and fine-grained, local-cluster), e.g. `--max-semi-space-size=64 --enable-source-maps`: split like a shell command line, each must start with `-` (write values as `--flag=value`); `{{APP_ID}}` and `{{EXECUTOR_ID}}` are substituted. Node\'s counterpart of `spark.executor.extraJavaOptions`. Leave out `--max-old-space-size`: each task thread\'s heap is capped from `spark.executor.memory`, and Node lets that flag replace those caps (the executor warns).' });
export const EXECUTOR_EXTRA_CLASSPATH = entry({ key: 'spark.executor.extraClassPath', type: 'string', category: 'Execution',
  doc: 'Java only: Node has no class path. Exported to executors as `SPARK_EXECUTOR_CLASSPATH` (as Spark does) and otherwise unused; setting it logs a warning. For `require` search paths set `spark.executorEnv.NODE_PATH`.' });
export const EXECUTOR_EXTRA_JAVA_OPTIONS = entry({ key: 'spark.executor.extraJavaOptions', type: 'string', category: 'Execution',
  doc: 'Java only: Node takes no JVM options. Exported to executors as `SPARK_EXECUTOR_OPTS` (with `{{APP_ID}}` and `{{EXECUTOR_ID}}` substituted, as Spark does) and otherwise unused; setting it logs a warning. Use `spark.executor.extraNodeOptions`.' });
export const EXECUTOR_EXTRA_LIBRARY_PATH = entry({ key: 'spark.executor.extraLibraryPath', type: 'string', category: 'Execution',
  doc: 'Prepended to `LD_LIBRARY_PATH` in the executor command.' });
export const EXECUTOR_HEARTBEAT_INTERVAL = entry({ key: 'spark.executor.heartbeatInterval', type: 'time', unit: 'ms', default: '10s', min: 1, category: 'Execution',
  doc: 'Interval of executor heartbeats to the driver, and of the driver\'s heartbeats to external shuffle services.' });
export const LOCALITY_WAIT = entry({ key: 'spark.locality.wait', type: 'time', unit: 'ms', default: '3s', min: 0, category: 'Execution',
  doc: 'How long to wait for a preferred host before placing work elsewhere.' });
export const MIN_REGISTERED_RESOURCES_RATIO = entry({ key: 'spark.scheduler.minRegisteredResourcesRatio', type: 'double', min: 0, category: 'Execution',
  defaultDoc: '0.0',
  doc: 'Jobs wait until registered executor cores reach this fraction of `spark.cores.max` (capped at 1).' });
export const MAX_REGISTERED_RESOURCES_WAITING_TIME = entry({ key: 'spark.scheduler.maxRegisteredResourcesWaitingTime', type: 'time', unit: 'ms', default: '30s', min: 0, category: 'Execution',
  doc: 'Longest wait for `spark.scheduler.minRegisteredResourcesRatio` before jobs start anyway.' });
export const STARVATION_TIMEOUT = entry({ key: 'spark.starvation.timeout', type: 'time', unit: 'ms', default: '15s', min: 1, category: 'Execution',
  doc: 'While tasks wait and no executor is registered (fine-grained: running), the Mesos backends warn this often ("Initial job has not accepted any resources ...") with the reasons they know; in coarse-grained mode, after 4 such warnings with every agent excluded for failed executors, the active jobs fail with that reason.' });
