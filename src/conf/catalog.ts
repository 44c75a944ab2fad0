/**
 * The configuration catalog: one typed entry per key the project reads. Defaults follow Spark 3.5 unless the
 * doc says otherwise. `docs/configuration.md` is generated from this file (`npm run docs`).
 */
import { ConfigEntry, entry, type PrefixEntry } from './ConfigEntry.js';
import * as self from './catalog.js';

/** Any catalog entry, whatever its value type. */
export type ConfigEntryLike = ConfigEntry<unknown>;

// ---------------------------------------------------------------------------------------------- Application
export const MASTER = entry({ key: 'spark.master', type: 'string', category: 'Application', default: 'local[*]',
  doc: 'Where the application runs: `local`, `local[N]`, `local[*]`, `local-cluster[N,cores,memMB]`, `mesos://host:port` or `mesos://zk://host:port,.../path`. The embedded default is `local[*]`.' });
export const APP_NAME = entry({ key: 'spark.app.name', type: 'string', category: 'Application',
  doc: 'Application name: the Mesos framework name and the prefix of executor task names.' });
export const SUBMIT_DEPLOY_MODE = entry({ key: 'spark.submit.deployMode', type: 'enum', values: ['client', 'cluster'], default: 'client', category: 'Application',
  doc: 'Whether the driver runs where `submit` is called (`client`) or as a Mesos task launched by the dispatcher (`cluster`).' });
export const DRIVER_HOST = entry({ key: 'spark.driver.host', type: 'string', category: 'Application', defaultDoc: 'this host\'s name',
  doc: 'Address executors use to reach the driver; also the framework hostname when `SPARK_PUBLIC_DNS` is unset.' });
export const DRIVER_PORT = entry({ key: 'spark.driver.port', type: 'int', default: '0', min: 0, category: 'Application',
  doc: 'Port of the driver\'s executor endpoint; 0 picks a free port.' });
export const DRIVER_CORES = entry({ key: 'spark.driver.cores', type: 'double', default: '1', min: 0, category: 'Application',
  doc: 'CPUs for the driver task in cluster mode.' });
export const DRIVER_MEMORY = entry({ key: 'spark.driver.memory', type: 'bytes', unit: 'm', default: '1g', category: 'Application',
  doc: 'Driver memory in MiB (cluster mode sizes the driver task with it).' });
export const DRIVER_MEMORY_OVERHEAD = entry({ key: 'spark.driver.memoryOverhead', type: 'bytes', unit: 'm', category: 'Application',
  defaultDoc: 'max(384, `spark.driver.memoryOverheadFactor` × driver memory)',
  doc: 'Extra memory in MiB on top of the driver memory.' });
export const DRIVER_MEMORY_OVERHEAD_FACTOR = entry({ key: 'spark.driver.memoryOverheadFactor', type: 'double', default: '0.1', min: 0, category: 'Application',
  doc: 'Fraction of driver memory added as overhead when no explicit overhead is set.' });
export const DRIVER_SUPERVISE = entry({ key: 'spark.driver.supervise', type: 'boolean', default: 'false', category: 'Application',
  doc: 'Cluster mode: relaunch the driver when it fails (TASK_FAILED or TASK_LOST), with backoff.' });
export const SPARK_HOME = entry({ key: 'spark.home', type: 'string', category: 'Application', defaultDoc: 'env `SPARK_HOME`',
  doc: 'Installation directory of spark-mesos on the machines that run executors, when no executor URI is set.' });
export const LOCAL_DIR = entry({ key: 'spark.local.dir', type: 'string', default: '/tmp', category: 'Application',
  doc: 'Directory for shuffle files and spills.' });
export const UI_ENABLED = entry({ key: 'spark.ui.enabled', type: 'boolean', default: 'true', category: 'Application',
  doc: 'Whether the driver serves its web UI.' });
export const UI_PORT = entry({ key: 'spark.ui.port', type: 'int', default: '4040', min: 0, category: 'Application',
  doc: 'Port of the driver\'s web UI.' });
export const UI_SHOW_CONSOLE_PROGRESS = entry({ key: 'spark.ui.showConsoleProgress', type: 'boolean', default: 'false', category: 'Application',
  doc: 'Draw stage progress bars (`[Stage 3:=====>   (12 + 4) / 32]`) on stderr when it is a terminal.' });
export const PORT_MAX_RETRIES = entry({ key: 'spark.port.maxRetries', type: 'int', default: '16', min: 0, category: 'Application',
  doc: 'How many successive ports to try when a configured port is taken.' });
export const REDACTION_REGEX = entry({ key: 'spark.redaction.regex', type: 'string', default: '(?i)secret|password|token|access[.]?key', category: 'Security',
  doc: 'Keys or values matching this regular expression are shown as `*********(redacted)` wherever configuration is printed. A leading `(?i)` makes it case-insensitive.' });
export const TESTING = entry({ key: 'spark.testing', type: 'boolean', category: 'Application',
  doc: 'Internal: test mode.' });

// ---------------------------------------------------------------------------------------------- Execution
export const CORES_MAX = entry({ key: 'spark.cores.max', type: 'int', min: 0, category: 'Execution', defaultDoc: 'unlimited',
  doc: 'Most CPU cores the application takes across the cluster (coarse mode). Rounded down to a multiple of `spark.executor.cores`.' });
export const EXECUTOR_CORES = entry({ key: 'spark.executor.cores', type: 'int', default: '1', min: 1, category: 'Execution',
  doc: 'Cores per executor. On Mesos in coarse mode it is only used when set explicitly; unset, an executor takes all the cores of an offer (up to `spark.cores.max`).' });
export const EXECUTOR_MEMORY = entry({ key: 'spark.executor.memory', type: 'bytes', unit: 'm', default: '1g', category: 'Execution',
  doc: 'Executor memory in MiB (e.g. `2g`).' });
export const EXECUTOR_MEMORY_OVERHEAD_FACTOR = entry({ key: 'spark.executor.memoryOverheadFactor', type: 'double', default: '0.1', min: 0, category: 'Execution',
  doc: 'Fraction of executor memory added as overhead to the Mesos `mem` request when `spark.mesos.executor.memoryOverhead` is unset (at least 384 MiB).' });
export const EXECUTOR_MEMORY_OVERHEAD = entry({ key: 'spark.executor.memoryOverhead', type: 'bytes', unit: 'm', category: 'Execution',
  doc: 'Generic executor overhead; the Mesos backends read `spark.mesos.executor.memoryOverhead` instead, as Spark does.' });
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
export const EXECUTOR_EXTRA_CLASSPATH = entry({ key: 'spark.executor.extraClassPath', type: 'string', category: 'Execution',
  doc: 'Extra module search path for executors (exported as `SPARK_EXECUTOR_CLASSPATH`).' });
export const EXECUTOR_EXTRA_JAVA_OPTIONS = entry({ key: 'spark.executor.extraJavaOptions', type: 'string', category: 'Execution',
  doc: 'Extra runtime options for executors, exported as `SPARK_EXECUTOR_OPTS`; `{{APP_ID}}` and `{{EXECUTOR_ID}}` are substituted.' });
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
export const BLOCK_MANAGER_PORT = entry({ key: 'spark.blockManager.port', type: 'int', default: '0', min: 0, category: 'Shuffle and network',
  doc: 'Port each executor serves blocks on. Non-zero: the port must be in a Mesos offer\'s `ports`, so at most one executor per host.' });
export const IO_ENCRYPTION_ENABLED = entry({ key: 'spark.io.encryption.enabled', type: 'boolean', default: 'false', category: 'Security',
  doc: 'Not supported with Mesos; setting it true makes backend creation fail, as in Spark.' });

// ---------------------------------------------------------------------------------------------- Dynamic allocation
export const DYN_ALLOC_ENABLED = entry({ key: 'spark.dynamicAllocation.enabled', type: 'boolean', default: 'false', category: 'Dynamic allocation',
  doc: 'Grow and shrink the number of executors with the workload. Needs the external shuffle service.' });
export const DYN_ALLOC_MIN_EXECUTORS = entry({ key: 'spark.dynamicAllocation.minExecutors', type: 'int', default: '0', min: 0, category: 'Dynamic allocation',
  doc: 'Executors kept even when idle.' });
export const DYN_ALLOC_MAX_EXECUTORS = entry({ key: 'spark.dynamicAllocation.maxExecutors', type: 'int', default: '2147483647', min: 0, category: 'Dynamic allocation',
  doc: 'Upper bound on executors.' });
export const DYN_ALLOC_INITIAL_EXECUTORS = entry({ key: 'spark.dynamicAllocation.initialExecutors', type: 'int', min: 0, fallback: 'spark.dynamicAllocation.minExecutors', category: 'Dynamic allocation',
  doc: 'Executors requested at start.' }) as ConfigEntry<number>;
export const DYN_ALLOC_EXECUTOR_IDLE_TIMEOUT = entry({ key: 'spark.dynamicAllocation.executorIdleTimeout', type: 'time', unit: 's', default: '60s', min: 0, category: 'Dynamic allocation',
  doc: 'An executor idle this long (and holding no cached data) is released.' });
export const DYN_ALLOC_CACHED_EXECUTOR_IDLE_TIMEOUT = entry({ key: 'spark.dynamicAllocation.cachedExecutorIdleTimeout', type: 'time', unit: 's', default: '2147483647s', min: 0, category: 'Dynamic allocation',
  doc: 'Idle timeout for executors that hold cached blocks (default: never).' });
export const DYN_ALLOC_SCHEDULER_BACKLOG_TIMEOUT = entry({ key: 'spark.dynamicAllocation.schedulerBacklogTimeout', type: 'time', unit: 's', default: '1s', min: 0, category: 'Dynamic allocation',
  doc: 'Pending tasks waiting this long trigger a request for more executors.' });
export const DYN_ALLOC_SUSTAINED_SCHEDULER_BACKLOG_TIMEOUT = entry({ key: 'spark.dynamicAllocation.sustainedSchedulerBacklogTimeout', type: 'time', unit: 's', min: 0,
  fallback: 'spark.dynamicAllocation.schedulerBacklogTimeout', category: 'Dynamic allocation',
  doc: 'Interval of further requests while the backlog lasts.' }) as ConfigEntry<number>;
export const DYN_ALLOC_EXECUTOR_ALLOCATION_RATIO = entry({ key: 'spark.dynamicAllocation.executorAllocationRatio', type: 'double', default: '1', min: 0, category: 'Dynamic allocation',
  doc: 'Fraction of the executors full parallelism would need that are requested (1 = all).' });
export const DYN_ALLOC_TESTING = entry({ key: 'spark.dynamicAllocation.testing', type: 'boolean', default: 'false', category: 'Dynamic allocation',
  doc: 'Internal: allow dynamic allocation in local modes for tests.' });

// ---------------------------------------------------------------------------------------------- Shuffle and network
export const SHUFFLE_SERVICE_ENABLED = entry({ key: 'spark.shuffle.service.enabled', type: 'boolean', default: 'false', category: 'Shuffle and network',
  doc: 'Executors write shuffle output where the per-host external shuffle service serves it, so it outlives them.' });
export const SHUFFLE_SERVICE_PORT = entry({ key: 'spark.shuffle.service.port', type: 'int', default: '7337', min: 0, category: 'Shuffle and network',
  doc: 'Port of the external shuffle service on every host.' });
export const SHUFFLE_SERVICE_HOST = entry({ key: 'spark.shuffle.service.host', type: 'string', default: '127.0.0.1', category: 'Shuffle and network',
  doc: 'Address the `shuffle-service` daemon binds to.' });
export const SHUFFLE_SERVICE_LOCAL_DIR = entry({ key: 'spark.shuffle.service.localDir', type: 'string', category: 'Shuffle and network',
  defaultDoc: '`<tmp>/spark-mesos-shuffle`',
  doc: 'Directory on each host where executors write shuffle files for the external shuffle service to serve (`<dir>/<appId>/`).' });
export const SHUFFLE_REGISTRATION_TIMEOUT = entry({ key: 'spark.shuffle.registration.timeout', type: 'time', unit: 'ms', default: '5000', min: 1, category: 'Shuffle and network',
  doc: 'Timeout of a registration with the external shuffle service.' });
export const SHUFFLE_REGISTRATION_MAX_ATTEMPTS = entry({ key: 'spark.shuffle.registration.maxAttempts', type: 'int', default: '3', min: 1, category: 'Shuffle and network',
  doc: 'Registration attempts with the external shuffle service.' });
export const SHUFFLE_CLEANER_INTERVAL = entry({ key: 'spark.shuffle.cleaner.interval', type: 'time', unit: 's', default: '30s', min: 1, category: 'Shuffle and network',
  doc: 'How often the Mesos external shuffle service checks drivers\' heartbeats.' });
export const BLOCK_MANAGER_HEARTBEAT_TIMEOUT = entry({ key: 'spark.storage.blockManagerHeartbeatTimeoutMs', type: 'time', unit: 'ms', min: 1,
  fallback: 'spark.network.timeout', category: 'Shuffle and network', defaultDoc: '`spark.network.timeout`',
  doc: 'Heartbeat timeout told to the external shuffle service: an application silent this long has its shuffle files removed.' }) as ConfigEntry<number>;
export const NETWORK_TIMEOUT = entry({ key: 'spark.network.timeout', type: 'time', unit: 's', default: '120s', min: 1, category: 'Shuffle and network',
  doc: 'Default timeout for network interactions; an executor silent this long is considered lost.' });
export const SHUFFLE_SPILL_THRESHOLD = entry({ key: 'spark.shuffle.spill.numElementsForceSpillThreshold', type: 'int', default: '1000000', min: 1, category: 'Shuffle and network',
  doc: 'A map task spills its shuffle buffers to disk once it holds this many records (Spark\'s default is unbounded; a bound keeps memory in check).' });
export const REDUCER_MAX_SIZE_IN_FLIGHT = entry({ key: 'spark.reducer.maxSizeInFlight', type: 'bytes', unit: 'm', default: '48m', min: 1, category: 'Shuffle and network',
  doc: 'Most shuffle data a reducer fetches at once from remote executors.' });

// ---------------------------------------------------------------------------------------------- Security
export const AUTHENTICATE = entry({ key: 'spark.authenticate', type: 'boolean', default: 'false', category: 'Security',
  doc: 'Executors, the driver and the shuffle service prove they share `spark.authenticate.secret` before talking.' });
export const AUTHENTICATE_SECRET = entry({ key: 'spark.authenticate.secret', type: 'string', secret: true, category: 'Security',
  doc: 'The shared secret for `spark.authenticate`.' });

// ---------------------------------------------------------------------------------------------- Recovery
export const RECOVERY_MODE = entry({ key: 'spark.deploy.recoveryMode', type: 'enum', values: ['NONE', 'ZOOKEEPER', 'FILESYSTEM'], default: 'FILESYSTEM', category: 'Recovery',
  doc: 'Where the cluster dispatcher persists submissions so a restart loses none: `ZOOKEEPER` (`spark.deploy.zookeeper.*`), `FILESYSTEM` (`spark.deploy.recoveryDirectory`; our default for one machine, where Spark defaults to `NONE`) or `NONE` (nothing survives a restart).' });
export const ZOOKEEPER_URL = entry({ key: 'spark.deploy.zookeeper.url', type: 'string', category: 'Recovery',
  doc: 'ZooKeeper connect string (`host:port,host:port`) for `ZOOKEEPER` recovery.' });
export const ZOOKEEPER_DIR = entry({ key: 'spark.deploy.zookeeper.dir', type: 'string', default: '/spark_mesos_dispatcher', category: 'Recovery',
  doc: 'ZooKeeper path under which the dispatcher keeps its state.' });
export const RECOVERY_DIRECTORY = entry({ key: 'spark.deploy.recoveryDirectory', type: 'string', category: 'Recovery', defaultDoc: '`~/.spark-mesos/recovery`',
  doc: 'Directory for `FILESYSTEM` recovery: one JSON file per driver, written atomically and fsynced before the submission is acknowledged.' });

// ---------------------------------------------------------------------------------------------- Mesos: framework and offers
export const MESOS_COARSE = entry({ key: 'spark.mesos.coarse', type: 'boolean', default: 'true', category: 'Mesos: framework and offers', since: '0.6.0',
  doc: '`true`: one long-lived Mesos task per executor (coarse-grained). `false`: one Mesos task per engine task (fine-grained).' });
export const MESOS_ROLE = entry({ key: 'spark.mesos.role', type: 'string', category: 'Mesos: framework and offers', defaultDoc: '`*` (no role)', since: '1.5.0',
  doc: 'Mesos role of the framework; reserved resources of this role are offered to it.' });
export const MESOS_PRINCIPAL = entry({ key: 'spark.mesos.principal', type: 'string', category: 'Mesos: framework and offers', defaultDoc: 'env `SPARK_MESOS_PRINCIPAL`', since: '1.5.0',
  doc: 'Principal the framework authenticates as.' });
export const MESOS_PRINCIPAL_FILE = entry({ key: 'spark.mesos.principal.file', type: 'string', category: 'Mesos: framework and offers', defaultDoc: 'env `SPARK_MESOS_PRINCIPAL_FILE`', since: '2.4.0',
  doc: 'File whose whole content is the principal.' });
export const MESOS_SECRET = entry({ key: 'spark.mesos.secret', type: 'string', secret: true, category: 'Mesos: framework and offers', defaultDoc: 'env `SPARK_MESOS_SECRET`', since: '1.5.0',
  doc: 'Secret the framework authenticates with (HTTP basic authentication). Requires a principal.' });
export const MESOS_SECRET_FILE = entry({ key: 'spark.mesos.secret.file', type: 'string', category: 'Mesos: framework and offers', defaultDoc: 'env `SPARK_MESOS_SECRET_FILE`', since: '2.4.0',
  doc: 'File whose whole content is the secret.' });
export const MESOS_CONSTRAINTS = entry({ key: 'spark.mesos.constraints', type: 'string', default: '', category: 'Mesos: framework and offers', since: '1.5.0',
  doc: 'Attribute constraints on offers for executors: `attr:v1,v2;attr2:v`. Text attributes must equal a value, scalars be at least it, ranges contain it, sets contain all values; `attr:` only needs the attribute.' });
export const MESOS_REJECT_OFFER_DURATION = entry({ key: 'spark.mesos.rejectOfferDuration', type: 'time', unit: 's', default: '120s', min: 0, category: 'Mesos: framework and offers', since: '2.2.0',
  doc: 'How long a declined offer is not offered again, for offers this application cannot use.' });
export const MESOS_REJECT_OFFER_DURATION_UNMET_CONSTRAINTS = entry({ key: 'spark.mesos.rejectOfferDurationForUnmetConstraints', type: 'time', unit: 's', min: 0,
  fallback: 'spark.mesos.rejectOfferDuration', defaultDoc: '`spark.mesos.rejectOfferDuration`', category: 'Mesos: framework and offers', since: '1.6.0',
  doc: 'Refuse duration for offers that fail `spark.mesos.constraints`.' }) as ConfigEntry<number>;
export const MESOS_REJECT_OFFER_DURATION_MAX_CORES = entry({ key: 'spark.mesos.rejectOfferDurationForReachedMaxCores', type: 'time', unit: 's', min: 0,
  fallback: 'spark.mesos.rejectOfferDuration', defaultDoc: '`spark.mesos.rejectOfferDuration`', category: 'Mesos: framework and offers', since: '2.0.0',
  doc: 'Refuse duration for offers declined because `spark.cores.max` is reached.' }) as ConfigEntry<number>;
export const MESOS_GPUS_MAX = entry({ key: 'spark.mesos.gpus.max', type: 'int', default: '0', min: 0, category: 'Mesos: framework and offers', since: '2.1.0',
  doc: 'Most GPUs taken across all executors; above 0 the framework asks Mesos for GPU offers (GPU_RESOURCES). GPUs are never required.' });
export const MESOS_DRIVER_WEBUI_URL = entry({ key: 'spark.mesos.driver.webui.url', type: 'string', category: 'Mesos: framework and offers', defaultDoc: 'the driver UI\'s URL', since: '2.0.0',
  doc: 'Web UI link the framework registers with Mesos.' });
export const MESOS_DRIVER_FAILOVER_TIMEOUT = entry({ key: 'spark.mesos.driver.failoverTimeout', type: 'double', default: '0.0', min: 0, category: 'Mesos: framework and offers', since: '2.3.0',
  doc: 'Seconds the master waits for a disconnected driver to come back before it kills the executors. 0 tears down at once.' });
export const MESOS_DRIVER_FRAMEWORK_ID = entry({ key: 'spark.mesos.driver.frameworkId', type: 'string', category: 'Mesos: framework and offers', since: '2.1.0',
  doc: 'Framework id to subscribe with (set by the dispatcher in cluster mode; reusing it resumes a failed-over framework).' });
export const MESOS_COARSE_SHUTDOWN_TIMEOUT = entry({ key: 'spark.mesos.coarse.shutdownTimeout', type: 'time', unit: 'ms', default: '10s', min: 0, category: 'Mesos: framework and offers', since: '2.0.0',
  doc: 'Longest wait in `stop()` for executors to end before the framework is torn down.' });

// ---------------------------------------------------------------------------------------------- Mesos: executors and containers
export const MESOS_EXTRA_CORES = entry({ key: 'spark.mesos.extra.cores', type: 'int', default: '0', min: 0, category: 'Mesos: executors and containers', since: '0.6.0',
  doc: 'Cores each executor advertises beyond what it takes from Mesos (coarse mode); not counted toward `spark.cores.max`.' });
export const MESOS_EXECUTOR_CORES = entry({ key: 'spark.mesos.mesosExecutor.cores', type: 'double', default: '1.0', min: 0, category: 'Mesos: executors and containers', since: '1.4.0',
  doc: 'Fine-grained mode: CPUs held by each agent\'s long-lived executor, beside the CPUs of its tasks. May be fractional.' });
export const MESOS_EXECUTOR_HOME = entry({ key: 'spark.mesos.executor.home', type: 'string', category: 'Mesos: executors and containers', defaultDoc: '`spark.home`', since: '1.1.1',
  doc: 'Where spark-mesos is installed on the agents; used when no executor URI is set.' });
export const MESOS_EXECUTOR_MEMORY_OVERHEAD = entry({ key: 'spark.mesos.executor.memoryOverhead', type: 'bytes', unit: 'm', min: 0, category: 'Mesos: executors and containers',
  defaultDoc: 'max(384, `spark.executor.memoryOverheadFactor` × executor memory)', since: '1.1.1',
  doc: 'MiB added to executor memory in the Mesos `mem` request.' });
export const MESOS_DRIVER_MEMORY_OVERHEAD = entry({ key: 'spark.mesos.driver.memoryOverhead', type: 'bytes', unit: 'm', min: 0, category: 'Mesos: cluster mode',
  defaultDoc: 'max(384, `spark.driver.memoryOverheadFactor` × driver memory)', since: '3.0.0',
  doc: 'Cluster mode: MiB added to driver memory in the driver task\'s `mem`.' });
export const MESOS_EXECUTOR_DOCKER_IMAGE = entry({ key: 'spark.mesos.executor.docker.image', type: 'string', category: 'Mesos: executors and containers', since: '1.4.0',
  doc: 'Container image for executors (and for the driver in cluster mode).' });
export const MESOS_EXECUTOR_DOCKER_FORCE_PULL_IMAGE = entry({ key: 'spark.mesos.executor.docker.forcePullImage', type: 'boolean', category: 'Mesos: executors and containers', defaultDoc: 'false', since: '2.1.0',
  doc: 'Always pull the image (Docker `force_pull_image`; Mesos containerizer: image not `cached`).' });
export const MESOS_EXECUTOR_DOCKER_PORTMAPS = entry({ key: 'spark.mesos.executor.docker.portmaps', type: 'list', category: 'Mesos: executors and containers', since: '1.4.0',
  doc: 'Docker port mappings `host_port:container_port[:tcp|:udp]`, comma-separated. Malformed items are skipped with a warning.' });
export const MESOS_EXECUTOR_DOCKER_PARAMETERS = entry({ key: 'spark.mesos.executor.docker.parameters', type: 'list', category: 'Mesos: executors and containers', since: '2.2.0',
  doc: 'Docker CLI parameters `key=value`, comma-separated (Docker containerizer only).' });
export const MESOS_EXECUTOR_DOCKER_VOLUMES = entry({ key: 'spark.mesos.executor.docker.volumes', type: 'list', category: 'Mesos: executors and containers', since: '1.4.0',
  doc: 'Volumes `[host_path:]container_path[:rw|:ro]`, comma-separated; only used with an image.' });
export const MESOS_CONTAINERIZER = entry({ key: 'spark.mesos.containerizer', type: 'enum', values: ['docker', 'mesos'], default: 'docker', category: 'Mesos: executors and containers', since: '2.1.0',
  doc: 'Which containerizer runs the image: `docker` or `mesos` (UCR).' });
export const MESOS_URIS = entry({ key: 'spark.mesos.uris', type: 'list', default: '', category: 'Mesos: executors and containers', since: '1.5.0',
  doc: 'Extra URIs fetched into every executor (and driver) sandbox, comma-separated.' });
export const MESOS_FETCHER_CACHE_ENABLE = entry({ key: 'spark.mesos.fetcherCache.enable', type: 'boolean', default: 'false', alternatives: ['spark.mesos.fetchCache.enable'],
  category: 'Mesos: executors and containers', since: '2.1.0',
  doc: 'Let the Mesos fetcher cache the executor URI and `spark.mesos.uris`.' });
export const MESOS_NETWORK_NAME = entry({ key: 'spark.mesos.network.name', type: 'string', category: 'Mesos: executors and containers', since: '2.1.0',
  doc: 'Named (CNI) network for executor and driver containers; executors then do not pass `--hostname`.' });
export const MESOS_NETWORK_LABELS = entry({ key: 'spark.mesos.network.labels', type: 'string', category: 'Mesos: secrets and labels', since: '2.3.0',
  doc: 'Labels `k:v,k2:v2` handed to the CNI plugin with the named network.' });

// ---------------------------------------------------------------------------------------------- Mesos: secrets and labels
export const MESOS_TASK_LABELS = entry({ key: 'spark.mesos.task.labels', type: 'string', default: '', category: 'Mesos: secrets and labels', since: '2.2.0',
  doc: 'Labels `k:v,k2:v2` on every executor task; `\\,` and `\\:` escape.' });
export const MESOS_DRIVER_LABELS = entry({ key: 'spark.mesos.driver.labels', type: 'string', category: 'Mesos: secrets and labels', since: '2.3.0',
  doc: 'Cluster mode: labels `k:v,k2:v2` on the driver task.' });

function secretEntries(kind: 'driver' | 'executor') {
  const who = kind === 'driver' ? 'the driver (cluster mode)' : 'executors';
  return {
    names: entry({ key: `spark.mesos.${kind}.secret.names`, type: 'list', category: 'Mesos: secrets and labels', since: '2.3.0',
      doc: `Reference secrets for ${who}, comma-separated secret-store names. Exclusive with \`spark.mesos.${kind}.secret.values\`.` }),
    values: entry({ key: `spark.mesos.${kind}.secret.values`, type: 'list', secret: true, category: 'Mesos: secrets and labels', since: '2.3.0',
      doc: `Value secrets for ${who}, comma-separated literal values.` }),
    envKeys: entry({ key: `spark.mesos.${kind}.secret.envkeys`, type: 'list', category: 'Mesos: secrets and labels', since: '2.3.0',
      doc: `Environment variables that receive the ${kind} secrets, one per secret.` }),
    filenames: entry({ key: `spark.mesos.${kind}.secret.filenames`, type: 'list', category: 'Mesos: secrets and labels', since: '2.3.0',
      doc: `Files (relative to the sandbox unless absolute) that receive the ${kind} secrets, one per secret.` }),
  };
}
export const MESOS_DRIVER_SECRETS = secretEntries('driver');
export const MESOS_EXECUTOR_SECRETS = secretEntries('executor');

// ---------------------------------------------------------------------------------------------- Mesos: cluster mode
export const MESOS_DRIVER_CONSTRAINTS = entry({ key: 'spark.mesos.driver.constraints', type: 'string', default: '', category: 'Mesos: cluster mode', since: '2.2.1',
  doc: 'Attribute constraints (same grammar as `spark.mesos.constraints`) on offers for driver tasks.' });
export const MESOS_MAX_DRIVERS = entry({ key: 'spark.mesos.maxDrivers', type: 'int', default: '200', min: 1, category: 'Mesos: cluster mode', since: '1.4.0',
  doc: 'Most drivers the dispatcher holds (queued, launched and waiting to retry; Spark counted only launched ones, leaving the queue unbounded); further submissions are refused.' });
export const MESOS_RETAINED_DRIVERS = entry({ key: 'spark.mesos.retainedDrivers', type: 'int', default: '200', min: 0, category: 'Mesos: cluster mode', since: '1.4.0',
  doc: 'Finished drivers the dispatcher remembers for its UI and status calls.' });
export const MESOS_CLUSTER_RETRY_WAIT_MAX = entry({ key: 'spark.mesos.cluster.retry.wait.max', type: 'int', default: '60', min: 1, category: 'Mesos: cluster mode', since: '1.4.0',
  doc: 'Seconds: cap of the backoff between relaunches of a supervised driver.' });
export const MESOS_DISPATCHER_WEBUI_URL = entry({ key: 'spark.mesos.dispatcher.webui.url', type: 'string', category: 'Mesos: cluster mode', since: '2.0.0',
  doc: 'Web UI link the dispatcher registers with Mesos; defaults to its own UI.' });
export const MESOS_DISPATCHER_HISTORY_SERVER_URL = entry({ key: 'spark.mesos.dispatcher.historyServer.url', type: 'string', category: 'Mesos: cluster mode', since: '2.1.0',
  doc: 'History server base URL; the dispatcher UI links each driver to it.' });
export const MESOS_DISPATCHER_QUEUE = entry({ key: 'spark.mesos.dispatcher.queue', type: 'string', category: 'Mesos: cluster mode', defaultDoc: '`default` (priority 0)', since: '3.1.0',
  doc: 'Dispatcher queue a submitted driver joins; queues are declared with `spark.mesos.dispatcher.queue.<name>=<priority>`.' });
export const MESOS_PROXY_BASE_URL = entry({ key: 'spark.mesos.proxy.baseURL', type: 'string', category: 'Mesos: cluster mode', since: '2.3.0',
  doc: 'Base URL of a proxy to the Mesos UI; the dispatcher UI links driver sandboxes through it.' });
export const MESOS_APP_JAR_LOCAL_RESOLUTION_MODE = entry({ key: 'spark.mesos.appJar.local.resolution.mode', type: 'enum', values: ['host', 'container'], default: 'host',
  category: 'Mesos: cluster mode', since: '2.4.0',
  doc: 'Cluster mode: a `local://` application file is taken from the host (`host`) or from inside the container image (`container`).' });

export const MESOS_DISPATCHER_REST_TOKEN = entry({ key: 'spark.mesos.dispatcher.rest.token', type: 'string', secret: true, category: 'Mesos: cluster mode',
  defaultDoc: 'env `SPARK_MESOS_DISPATCHER_TOKEN`',
  doc: 'Bearer token for the dispatcher\'s REST server; required by a dispatcher listening beyond loopback, sent by `submit` in cluster mode and with --kill/--status.' });

/** Families of keys under a prefix. */
export const PREFIXES: readonly PrefixEntry[] = [
  { prefix: 'spark.executorEnv.', category: 'Execution', doc: '`spark.executorEnv.NAME=value` sets environment variable NAME in every executor.' },
  { prefix: 'spark.mesos.driverEnv.', category: 'Mesos: cluster mode', doc: 'Cluster mode: `spark.mesos.driverEnv.NAME=value` sets NAME in the driver task.' },
  { prefix: 'spark.mesos.dispatcher.driverDefault.', category: 'Mesos: cluster mode', doc: 'Dispatcher: `spark.mesos.dispatcher.driverDefault.KEY=value` is a default for KEY in every submitted driver.' },
  { prefix: 'spark.mesos.dispatcher.queue.', category: 'Mesos: cluster mode', doc: 'Dispatcher: `spark.mesos.dispatcher.queue.NAME=priority` declares a queue; higher priorities launch first.' },
];

// The module's own namespace holds every exported entry, so no hand-kept list can drift. Read lazily: the
// namespace is complete only once this module has finished evaluating.
let cached: { all: ConfigEntry<unknown>[]; byKey: Map<string, ConfigEntry<unknown>> } | undefined;

function index() {
  if (!cached) {
    const all: ConfigEntry<unknown>[] = [];
    const visit = (v: unknown) => {
      if (v instanceof ConfigEntry) all.push(v);
      else if (v && typeof v === 'object' && !Array.isArray(v)) for (const x of Object.values(v)) visit(x);
    };
    for (const v of Object.values(self)) visit(v);
    all.sort((a, b) => a.key.localeCompare(b.key));
    cached = { all, byKey: new Map(all.map((e) => [e.key, e])) };
  }
  return cached;
}

/** Every entry, sorted by key. */
export function allEntries(): readonly ConfigEntry<unknown>[] {
  return index().all;
}

/** Entries by key. */
export function registry(): ReadonlyMap<string, ConfigEntry<unknown>> {
  return index().byKey;
}

export function findEntry(key: string): ConfigEntry<unknown> | undefined {
  return index().byKey.get(key);
}

export function findPrefix(key: string): PrefixEntry | undefined {
  return PREFIXES.find((p) => key.startsWith(p.prefix));
}
