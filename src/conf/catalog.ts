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
export const DRIVER_HOST = entry({ key: 'spark.driver.host', type: 'string', category: 'Application',
  defaultDoc: '`SPARK_LOCAL_HOSTNAME`, else `SPARK_LOCAL_IP`, else this host\'s address (a non-loopback one when the host name resolves to loopback)',
  doc: 'Address executors use to reach the driver; also the framework hostname when `SPARK_PUBLIC_DNS` is unset.' });
export const DRIVER_BIND_ADDRESS = entry({ key: 'spark.driver.bindAddress', type: 'string', category: 'Application', defaultDoc: 'value of `spark.driver.host`',
  doc: 'Address the driver\'s executor endpoint and status server listen on (e.g. `0.0.0.0` behind NAT), while executors are told `spark.driver.host`.' });
export const DRIVER_PORT = entry({ key: 'spark.driver.port', type: 'int', default: '0', min: 0, category: 'Application',
  doc: 'Port of the driver\'s executor endpoint; 0 picks a free port.' });
export const DRIVER_CORES = entry({ key: 'spark.driver.cores', type: 'double', default: '1', min: 0, category: 'Application',
  doc: 'CPUs for the driver task in cluster mode.' });
export const DRIVER_MEMORY = entry({ key: 'spark.driver.memory', type: 'bytes', unit: 'm', default: '1g', category: 'Application',
  doc: 'Driver memory in MiB (cluster mode sizes the driver task with it).' });
export const DRIVER_MEMORY_OVERHEAD = entry({ key: 'spark.driver.memoryOverhead', type: 'bytes', unit: 'm', category: 'Application',
  defaultDoc: 'max(384, `spark.driver.memoryOverheadFactor` × driver memory)',
  doc: 'Cluster mode: MiB added to the driver memory in the driver task\'s `mem`, when `spark.mesos.driver.memoryOverhead` is unset (that key wins).' });
export const DRIVER_MEMORY_OVERHEAD_FACTOR = entry({ key: 'spark.driver.memoryOverheadFactor', type: 'double', default: '0.1', min: 0, category: 'Application',
  doc: 'Fraction of driver memory added as overhead (at least 384 MiB) when neither `spark.mesos.driver.memoryOverhead` nor `spark.driver.memoryOverhead` is set.' });
export const DRIVER_EXTRA_NODE_OPTIONS = entry({ key: 'spark.driver.extraNodeOptions', type: 'string', category: 'Application',
  doc: 'Options for the driver\'s Node process, in the form of `spark.executor.extraNodeOptions`. `spark-mesos submit` in client mode starts the application in a new Node process with them unless they are already in effect; in cluster mode the dispatcher starts the driver with them. Give them to `submit` (`--conf`, properties file): set inside a running application they come too late.' });
export const DRIVER_EXTRA_JAVA_OPTIONS = entry({ key: 'spark.driver.extraJavaOptions', type: 'string', category: 'Application',
  doc: 'Java only: ignored, as Node takes no JVM options; setting it logs a warning. Use `spark.driver.extraNodeOptions`.' });
export const DRIVER_EXTRA_CLASSPATH = entry({ key: 'spark.driver.extraClassPath', type: 'string', category: 'Application',
  doc: 'Java only: ignored, as Node has no class path; setting it logs a warning. For `require` search paths set `NODE_PATH` in the driver\'s environment (`spark.mesos.driverEnv.NODE_PATH` in cluster mode).' });
export const DRIVER_SUPERVISE = entry({ key: 'spark.driver.supervise', type: 'boolean', default: 'false', category: 'Application',
  doc: 'Cluster mode: relaunch the driver when it fails (TASK_FAILED or TASK_LOST), with backoff.' });
export const SPARK_HOME = entry({ key: 'spark.home', type: 'string', category: 'Application', defaultDoc: 'env `SPARK_HOME`',
  doc: 'Installation directory of spark-mesos on the machines that run executors, when no executor URI is set.' });
export const LOCAL_DIR = entry({ key: 'spark.local.dir', type: 'string', default: '/tmp', category: 'Application',
  doc: 'Directory for shuffle files and spills, of the driver and (passed to them) of executors. On executors, `SPARK_LOCAL_DIRS` wins, and on Mesos the task sandbox is used instead unless the external shuffle service is on, as in Spark.' });
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

// ---------------------------------------------------------------------------------------------- Execution
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
  doc: 'Options for the Node process of every executor (Mesos coarse and fine-grained, local-cluster), e.g. `--max-old-space-size=4096 --max-semi-space-size=64`: split like a shell command line, each must start with `-` (write values as `--flag=value`); `{{APP_ID}}` and `{{EXECUTOR_ID}}` are substituted. Node\'s counterpart of `spark.executor.extraJavaOptions`.' });
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
export const BLOCK_MANAGER_PORT = entry({ key: 'spark.blockManager.port', type: 'int', default: '0', min: 0, category: 'Shuffle and network',
  doc: 'Port each executor serves blocks on. Non-zero: the port must be in a Mesos offer\'s `ports`, so at most one executor per host.' });
export const IO_ENCRYPTION_ENABLED = entry({ key: 'spark.io.encryption.enabled', type: 'boolean', default: 'false', category: 'Security',
  doc: 'Encrypt what executors write to local disk: shuffle files, spill files and blocks cached on disk (AES-GCM, each block sealed on its own, after compression). The driver makes a key per application and gives it to executors as a Mesos secret (Spark refuses this setting on Mesos).' });
export const IO_ENCRYPTION_KEY_SIZE_BITS = entry({ key: 'spark.io.encryption.keySizeBits', type: 'int', default: '128', category: 'Security',
  doc: 'Size of the I/O encryption key: 128, 192 or 256.' });
export const IO_ENCRYPTION_KEY = entry({ key: 'spark.io.encryption.key', type: 'string', secret: true, category: 'Security', defaultDoc: 'made by the driver',
  doc: 'Internal: the application\'s I/O encryption key (base64), set by the driver when `spark.io.encryption.enabled`; never shown.' });

// ---------------------------------------------------------------------------------------------- Dynamic allocation
export const DYN_ALLOC_ENABLED = entry({ key: 'spark.dynamicAllocation.enabled', type: 'boolean', default: 'false', category: 'Dynamic allocation',
  doc: 'Grow and shrink the number of executors with the workload. Needs the external shuffle service or `spark.dynamicAllocation.shuffleTracking.enabled`.' });
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
export const DYN_ALLOC_SHUFFLE_TRACKING_ENABLED = entry({ key: 'spark.dynamicAllocation.shuffleTracking.enabled', type: 'boolean', default: 'true', category: 'Dynamic allocation',
  doc: 'Without the external shuffle service: dynamic allocation keeps idle executors holding shuffle output of active jobs (until `spark.dynamicAllocation.shuffleTracking.timeout`), so their output is not lost. Ignored when `spark.shuffle.service.enabled`.' });
export const DYN_ALLOC_SHUFFLE_TRACKING_TIMEOUT = entry({ key: 'spark.dynamicAllocation.shuffleTracking.timeout', type: 'time', unit: 'ms', min: 0, category: 'Dynamic allocation',
  defaultDoc: 'none: kept while a job uses their shuffle output',
  doc: 'With shuffle tracking: an idle executor holding shuffle output of an active job is released after this long anyway (its output is then recomputed if needed).' });
export const DYN_ALLOC_TESTING = entry({ key: 'spark.dynamicAllocation.testing', type: 'boolean', default: 'false', category: 'Dynamic allocation',
  doc: 'Internal: allow dynamic allocation in local modes for tests.' });

// ---------------------------------------------------------------------------------------------- Shuffle and network
export const SHUFFLE_SERVICE_ENABLED = entry({ key: 'spark.shuffle.service.enabled', type: 'boolean', default: 'false', category: 'Shuffle and network',
  doc: 'Executors write shuffle output where the per-host external shuffle service serves it, so it outlives them.' });
export const SHUFFLE_SERVICE_PORT = entry({ key: 'spark.shuffle.service.port', type: 'int', default: '7337', min: 0, category: 'Shuffle and network',
  doc: 'Port of the external shuffle service on every host.' });
export const SHUFFLE_SERVICE_HOST = entry({ key: 'spark.shuffle.service.host', type: 'string', category: 'Shuffle and network',
  defaultDoc: 'this host\'s address, as for `spark.driver.host`',
  doc: 'Address the `shuffle-service` daemon binds to; executors on the same host reach it at their own host address.' });
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
  alternatives: ['spark.storage.blockManagerSlaveTimeoutMs'], fallback: 'spark.network.timeout', category: 'Shuffle and network', defaultDoc: '`spark.network.timeout`',
  doc: 'Heartbeat timeout told to the external shuffle service: an application silent this long has its shuffle files removed.' }) as ConfigEntry<number>;
export const NETWORK_TIMEOUT = entry({ key: 'spark.network.timeout', type: 'time', unit: 's', default: '120s', min: 1, category: 'Shuffle and network',
  doc: 'Default timeout for network interactions; an executor silent this long is considered lost, and a shuffle block fetch unanswered this long fails (the map output is then recomputed).' });
export const SHUFFLE_SPILL_THRESHOLD = entry({ key: 'spark.shuffle.spill.numElementsForceSpillThreshold', type: 'int', default: '1000000', min: 1, category: 'Shuffle and network',
  doc: 'A map task spills its shuffle buffers to disk once it holds this many records (Spark\'s default is unbounded; a bound keeps memory in check).' });
export const MEMORY_FRACTION = entry({ key: 'spark.memory.fraction', type: 'double', default: '0.6', min: 0.0001, category: 'Shuffle and network',
  doc: 'Fraction of (executor memory − 300 MiB) shared by execution (shuffle, sort and aggregation buffers, which spill when it runs out) and storage (cached blocks), as Spark\'s unified memory manager (docs/memory.md).' });
export const MEMORY_STORAGE_FRACTION = entry({ key: 'spark.memory.storageFraction', type: 'double', default: '0.5', min: 0, category: 'Shuffle and network',
  doc: 'Part of the `spark.memory.fraction` pool whose cached blocks execution cannot evict (must be below 1).' });
export const SHUFFLE_SPILL_INITIAL_MEMORY_THRESHOLD = entry({ key: 'spark.shuffle.spill.initialMemoryThreshold', type: 'bytes', unit: 'b', default: '5m', min: 0, category: 'Shuffle and network',
  doc: 'Memory each reduce-side aggregation or sort buffer may use before asking the memory manager for more (and spilling when refused).' });
export const SHUFFLE_SPILL_COMPRESS = entry({ key: 'spark.shuffle.spill.compress', type: 'boolean', default: 'true', category: 'Shuffle and network',
  doc: 'Compress reduce-side spill files (deflate, fastest level).' });
export const TESTING_RESERVED_MEMORY = entry({ key: 'spark.testing.reservedMemory', type: 'bytes', unit: 'b', default: '300m', min: 0, category: 'Shuffle and network',
  doc: 'Memory kept out of the unified pool for the engine itself; for tests only (Spark\'s internal key).' });
export const REDUCER_MAX_SIZE_IN_FLIGHT = entry({ key: 'spark.reducer.maxSizeInFlight', type: 'bytes', unit: 'm', default: '48m', min: 1, category: 'Shuffle and network',
  doc: 'Most shuffle data a reducer fetches at once from remote executors.' });

// ---------------------------------------------------------------------------------------------- Security
export const AUTHENTICATE = entry({ key: 'spark.authenticate', type: 'boolean', default: 'false', category: 'Security',
  doc: 'Executors, the driver and the shuffle service prove they share `spark.authenticate.secret` before talking.' });
export const AUTHENTICATE_SECRET = entry({ key: 'spark.authenticate.secret', type: 'string', secret: true, category: 'Security',
  doc: 'The shared secret for `spark.authenticate`.' });
export const NETWORK_CRYPTO_ENABLED = entry({ key: 'spark.network.crypto.enabled', type: 'boolean', default: 'false', category: 'Security',
  doc: 'With `spark.authenticate`: encrypt and authenticate every frame between driver, executors and the shuffle service after the handshake (AES-256-GCM with per-connection keys from an X25519 exchange). Either side asking is enough; nobody in the middle can switch it off.' });
export const NETWORK_AUTH_RPC_TIMEOUT = entry({ key: 'spark.network.auth.rpcTimeout', type: 'time', unit: 's', default: '30s', min: 1, category: 'Security',
  doc: 'How long an accepted connection (driver, executors\' block servers, shuffle service) may take to complete the authentication handshake before it is closed; at least 1 s (0 would close every connection).' });

// ---------------------------------------------------------------------------------------------- TLS
/** One `spark.ssl[.ns]` namespace: each key falls back to the same key of `spark.ssl`, as Spark's SSLOptions do. */
function sslEntries(ns: string, what: string) {
  const k = (name: string) => (ns ? `spark.ssl.${ns}.${name}` : `spark.ssl.${name}`);
  const fb = (name: string) => (ns ? { fallback: `spark.ssl.${name}` } : {});
  const def = (name: string, d: string) => (ns ? {} : { default: d });
  return {
    enabled: entry({ key: k('enabled'), type: 'boolean', ...def('enabled', 'false'), ...fb('enabled'), category: 'Security',
      doc: ns ? `Serve ${what} over TLS.` : 'Default for every `spark.ssl.<namespace>.enabled`: `ui` (driver HTTP server), `standalone` (dispatcher UI and REST server), `historyServer`.' }),
    privateKey: entry({ key: k('privateKey'), type: 'string', ...fb('privateKey'), category: 'Security',
      doc: `PEM file of the private key${ns ? ` for ${what}` : ''}.` }),
    certChain: entry({ key: k('certChain'), type: 'string', ...fb('certChain'), category: 'Security',
      doc: `PEM file of the certificate chain${ns ? ` for ${what}` : ''}, the server's certificate first.` }),
    privateKeyPassword: entry({ key: k('privateKeyPassword'), type: 'string', secret: true, ...fb('privateKeyPassword'), category: 'Security',
      doc: 'Passphrase of an encrypted private key.' }),
    trustStore: entry({ key: k('trustStore'), type: 'string', ...fb('trustStore'), category: 'Security',
      doc: 'PEM file of the certificate authorities trusted for client certificates (servers) or for the server (clients such as `submit`).' }),
    needClientAuth: entry({ key: k('needClientAuth'), type: 'boolean', ...def('needClientAuth', 'false'), ...fb('needClientAuth'), category: 'Security',
      doc: 'Require clients to present a certificate signed by `trustStore` (mutual TLS).' }),
    protocol: entry({ key: k('protocol'), type: 'enum', values: ['TLSv1.2', 'TLSv1.3'], ...def('protocol', 'TLSv1.2'), ...fb('protocol'), category: 'Security',
      doc: 'Lowest TLS version accepted.' }),
    enabledAlgorithms: entry({ key: k('enabledAlgorithms'), type: 'string', ...fb('enabledAlgorithms'), category: 'Security', defaultDoc: 'Node\'s defaults',
      doc: 'Comma-separated cipher suites (OpenSSL names).' }),
  };
}
export const SSL = sslEntries('', '');
export const SSL_UI = sslEntries('ui', 'the driver\'s HTTP server (UI, API, metrics)');
export const SSL_STANDALONE = sslEntries('standalone', 'the dispatcher\'s UI and REST submission server');
export const SSL_HISTORY_SERVER = sslEntries('historyServer', 'the history server');

// ---------------------------------------------------------------------------------------------- Recovery
export const RECOVERY_MODE = entry({ key: 'spark.deploy.recoveryMode', type: 'enum', values: ['NONE', 'ZOOKEEPER', 'FILESYSTEM'], default: 'FILESYSTEM', category: 'Recovery',
  doc: 'Where the cluster dispatcher persists submissions so a restart loses none: `ZOOKEEPER` (`spark.deploy.zookeeper.*`), `FILESYSTEM` (`spark.deploy.recoveryDirectory`; our default for one machine, where Spark defaults to `NONE`) or `NONE` (nothing survives a restart).' });
export const ZOOKEEPER_URL = entry({ key: 'spark.deploy.zookeeper.url', type: 'string', category: 'Recovery',
  doc: 'ZooKeeper connect string (`host:port,host:port`) for `ZOOKEEPER` recovery.' });
export const ZOOKEEPER_DIR = entry({ key: 'spark.deploy.zookeeper.dir', type: 'string', default: '/spark_mesos_dispatcher', category: 'Recovery',
  doc: 'ZooKeeper path under which the dispatcher keeps its state.' });
export const ZOOKEEPER_AUTH = entry({ key: 'spark.deploy.zookeeper.auth', type: 'string', secret: true, category: 'Recovery', defaultDoc: 'env `SPARK_DEPLOY_ZOOKEEPER_AUTH`',
  doc: 'Digest credentials `user:password` for the dispatcher\'s znodes: they are created (and their existing ACLs replaced) so that only these credentials can read or change them. Unset, the znodes are open to anyone who reaches ZooKeeper, as in Spark.' });
export const ZOOKEEPER_SESSION_TIMEOUT = entry({ key: 'spark.deploy.zookeeper.sessionTimeout', type: 'time', unit: 's', default: '60s', min: 1, category: 'Recovery',
  doc: 'ZooKeeper session timeout of the dispatcher. When its store session expires (a long partition), it opens a new session and carries on; writes wait for it. With several dispatchers on one store (high availability), it is also how long a dead leader goes unnoticed before a standby takes over, and a leader whose election session expires or that is cut off from ZooKeeper this long exits.' });
export const RECOVERY_DIRECTORY = entry({ key: 'spark.deploy.recoveryDirectory', type: 'string', category: 'Recovery', defaultDoc: '`~/.spark-mesos/recovery/<master>--<framework name>-<hash>`',
  doc: 'Directory for `FILESYSTEM` recovery: one JSON file per driver, written atomically and fsynced before the submission is acknowledged. The default is one directory per Mesos master URL and framework name, so dispatchers of different clusters on one machine never share state.' });

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
export const MESOS_DECOMMISSION_ENABLED = entry({ key: 'spark.mesos.decommission.enabled', type: 'boolean', default: 'true', category: 'Mesos: framework and offers',
  doc: 'Coarse mode, beyond Spark: answer Mesos maintenance. Offers carrying `unavailability` are declined; on an inverse offer the executors of that agent get no new tasks, finish their running ones, hand their shuffle output (without an external shuffle service) to another executor, are killed, and the inverse offer is accepted. Off: inverse offers are declined and nothing is drained.' });
export const MESOS_DECOMMISSION_GRACE_PERIOD = entry({ key: 'spark.mesos.decommission.gracePeriod', type: 'time', unit: 'ms', default: '60s', min: 0, category: 'Mesos: framework and offers',
  doc: 'Longest a draining executor is given, from the inverse offer, to finish its running tasks and hand over its shuffle output; it is killed then (what it still holds is recomputed). A maintenance window starting sooner shortens it.' });

// ---------------------------------------------------------------------------------------------- Mesos: executors and containers
export const MESOS_EXTRA_CORES = entry({ key: 'spark.mesos.extra.cores', type: 'int', default: '0', min: 0, category: 'Mesos: executors and containers', since: '0.6.0',
  doc: 'Cores each executor advertises beyond what it takes from Mesos (coarse mode); not counted toward `spark.cores.max`.' });
export const MESOS_EXECUTOR_CORES = entry({ key: 'spark.mesos.mesosExecutor.cores', type: 'double', default: '1.0', min: 0, category: 'Mesos: executors and containers', since: '1.4.0',
  doc: 'Fine-grained mode: CPUs held by each agent\'s long-lived executor, beside the CPUs of its tasks. May be fractional.' });
export const MESOS_EXECUTOR_HOME = entry({ key: 'spark.mesos.executor.home', type: 'string', category: 'Mesos: executors and containers', defaultDoc: '`spark.home`', since: '1.1.1',
  doc: 'Where spark-mesos is installed on the agents; used when no executor URI is set.' });
export const MESOS_EXECUTOR_MEMORY_OVERHEAD = entry({ key: 'spark.mesos.executor.memoryOverhead', type: 'bytes', unit: 'm', min: 0, category: 'Mesos: executors and containers',
  defaultDoc: '`spark.executor.memoryOverhead`, else max(384, `spark.executor.memoryOverheadFactor` × executor memory)', since: '1.1.1',
  doc: 'MiB added to executor memory in the Mesos `mem` request.' });
export const MESOS_DRIVER_MEMORY_OVERHEAD = entry({ key: 'spark.mesos.driver.memoryOverhead', type: 'bytes', unit: 'm', min: 0, category: 'Mesos: cluster mode',
  defaultDoc: '`spark.driver.memoryOverhead`, else max(384, `spark.driver.memoryOverheadFactor` × driver memory)', since: '3.0.0',
  doc: 'Cluster mode: MiB added to driver memory in the driver task\'s `mem` (once: unlike Spark, the dispatcher does not add a second overhead).' });
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
export const MESOS_DISPATCHER_QUEUE = entry({ key: 'spark.mesos.dispatcher.queue', type: 'string', category: 'Mesos: cluster mode', defaultDoc: '`default`', since: '3.1.0',
  doc: 'Dispatcher queue a submitted driver joins; queues are declared with `spark.mesos.dispatcher.queue.<name>=<weight>` (`default` weighs 0 unless `spark.mesos.dispatcher.queue.default` is set); a submission naming an undeclared queue is refused.' });
export const MESOS_PROXY_BASE_URL = entry({ key: 'spark.mesos.proxy.baseURL', type: 'string', category: 'Mesos: cluster mode', since: '2.3.0',
  doc: 'Base URL of a proxy to the Mesos UI; the dispatcher UI links driver sandboxes through it.' });
export const MESOS_APP_JAR_LOCAL_RESOLUTION_MODE = entry({ key: 'spark.mesos.appJar.local.resolution.mode', type: 'enum', values: ['host', 'container'], default: 'host',
  category: 'Mesos: cluster mode', since: '2.4.0',
  doc: 'Cluster mode: a `local://` application file is taken from the host (`host`) or from inside the container image (`container`).' });

export const MESOS_DISPATCHER_REST_TOKEN = entry({ key: 'spark.mesos.dispatcher.rest.token', type: 'string', secret: true, category: 'Mesos: cluster mode',
  defaultDoc: 'env `SPARK_MESOS_DISPATCHER_TOKEN`',
  doc: 'Bearer token for the dispatcher\'s REST server; required by a dispatcher listening beyond loopback (unless `spark.mesos.dispatcher.rest.allowUnauthenticated`), sent by `submit` in cluster mode and with --kill/--status.' });
export const MESOS_DISPATCHER_REST_TOKEN_FILE = entry({ key: 'spark.mesos.dispatcher.rest.token.file', type: 'string', category: 'Mesos: cluster mode', defaultDoc: 'env `SPARK_MESOS_DISPATCHER_TOKEN_FILE`',
  doc: 'A file holding the REST token (trailing newline ignored), so the token never appears on a command line where `ps` shows it. Read by the dispatcher and by `submit`. The environment variable `SPARK_MESOS_DISPATCHER_TOKEN` is the other way.' });
export const MESOS_DISPATCHER_REST_MAX_REQUEST_SIZE = entry({ key: 'spark.mesos.dispatcher.rest.maxRequestSize', type: 'bytes', unit: 'b', default: '1m', min: 1024, category: 'Mesos: cluster mode',
  doc: 'Largest REST request body the dispatcher accepts; larger ones are answered 413 without being read. Credentials are checked before any byte of a body is read.' });
export const MESOS_DISPATCHER_REST_ALLOW_UNAUTHENTICATED = entry({ key: 'spark.mesos.dispatcher.rest.allowUnauthenticated', type: 'boolean', default: 'false', category: 'Mesos: cluster mode',
  doc: 'Let a dispatcher without `spark.mesos.dispatcher.rest.token` listen beyond loopback, accepting submissions from anyone who can reach it (a stock Spark client cannot send a token). The dispatcher logs a warning at start and shows one on its UI.' });
export const MESOS_DISPATCHER_RECOVERY_ALLOW_MASTER_CHANGE = entry({ key: 'spark.mesos.dispatcher.recovery.allowMasterChange', type: 'boolean', default: 'false', category: 'Recovery',
  doc: 'Let the dispatcher recover state (drivers and framework id) stored by a dispatcher registered with a different Mesos master URL, e.g. after the master\'s address changed. Without it, such a store is refused at start.' });

// ---------------------------------------------------------------------------------------------- Web UI, event logs, history server
export const UI_KILL_ENABLED = entry({ key: 'spark.ui.killEnabled', type: 'boolean', default: 'true', category: 'Web UI and history',
  doc: 'Show kill links for active jobs and stages on the driver UI, and accept them (`/jobs/job/kill/?id=N`, `/stages/stage/kill/?id=N`).' });
export const UI_PROXY_BASE = entry({ key: 'spark.ui.proxyBase', type: 'string', category: 'Web UI and history', defaultDoc: 'env `APPLICATION_WEB_PROXY_BASE`, else the `X-Forwarded-Context` request header, else none',
  doc: 'Path prefix of every link the driver UI and the history server generate, for serving them behind a proxy (e.g. `/proxy/app-1`).' });
export const UI_PROMETHEUS_ENABLED = entry({ key: 'spark.ui.prometheus.enabled', type: 'boolean', default: 'false', category: 'Web UI and history',
  doc: 'Serve `/metrics/executors/prometheus` on the driver UI: each active executor\'s totals in Spark\'s metric names (`metrics_executor_memoryUsed_bytes{application_id=..., executor_id=...}`).' });
export const UI_RETAINED_JOBS = entry({ key: 'spark.ui.retainedJobs', type: 'int', default: '1000', min: 1, category: 'Web UI and history',
  doc: 'Finished jobs the UI and `/api/v1` remember; older ones are forgotten (a tenth of the limit at a time).' });
export const UI_RETAINED_STAGES = entry({ key: 'spark.ui.retainedStages', type: 'int', default: '1000', min: 1, category: 'Web UI and history',
  doc: 'Finished stage attempts the UI and `/api/v1` remember.' });
export const UI_RETAINED_TASKS = entry({ key: 'spark.ui.retainedTasks', type: 'int', default: '100000', min: 1, category: 'Web UI and history',
  doc: 'Tasks remembered per stage attempt (stage totals keep counting every task).' });
export const UI_RETAINED_DEAD_EXECUTORS = entry({ key: 'spark.ui.retainedDeadExecutors', type: 'int', default: '100', min: 0, category: 'Web UI and history',
  doc: 'Removed executors the Executors page and `/allexecutors` remember.' });
export const EVENT_LOG_ENABLED = entry({ key: 'spark.eventLog.enabled', type: 'boolean', default: 'false', category: 'Web UI and history',
  doc: 'Write the application\'s events to `spark.eventLog.dir` in Spark\'s JSON-lines format, for the history server (ours or Spark\'s).' });
export const EVENT_LOG_DIR = entry({ key: 'spark.eventLog.dir', type: 'string', default: '/tmp/spark-events', category: 'Web UI and history',
  doc: 'Existing directory (a path or `file:` URI) the event logs go to; the log is `<dir>/<app id>.inprogress` until the application ends.' });
export const EVENT_LOG_COMPRESS = entry({ key: 'spark.eventLog.compress', type: 'boolean', default: 'false', category: 'Web UI and history',
  doc: 'Compress event logs with `spark.eventLog.compression.codec`.' });
export const EVENT_LOG_COMPRESSION_CODEC = entry({ key: 'spark.eventLog.compression.codec', type: 'enum', values: ['zstd', 'lz4', 'lzf', 'snappy'], default: 'zstd', category: 'Web UI and history',
  doc: 'Codec of compressed event logs, also their file extension. Only `zstd` can be written, and only on a Node with zstd in `node:zlib` (22.15 or later); otherwise compression fails at start naming the key.' });
export const EVENT_LOG_OVERWRITE = entry({ key: 'spark.eventLog.overwrite', type: 'boolean', default: 'false', category: 'Web UI and history',
  doc: 'Replace an existing event log of the same application; without it an existing log is an error at start.' });
export const EVENT_LOG_ROLLING_ENABLED = entry({ key: 'spark.eventLog.rolling.enabled', type: 'boolean', default: 'false', category: 'Web UI and history',
  doc: 'Write the log as a directory `eventlog_v2_<app id>/` of numbered `events_<N>_<app id>` files, starting a new one past `spark.eventLog.rolling.maxFileSize`.' });
export const EVENT_LOG_ROLLING_MAX_FILE_SIZE = entry({ key: 'spark.eventLog.rolling.maxFileSize', type: 'bytes', unit: 'b', default: '128m', min: 10 * 1024 * 1024, category: 'Web UI and history',
  doc: 'Size (before compression) at which a rolling event log starts its next file; at least 10m.' });
export const EVENT_LOG_LOG_BLOCK_UPDATES = entry({ key: 'spark.eventLog.logBlockUpdates.enabled', type: 'boolean', default: 'false', category: 'Web UI and history',
  doc: 'Also log every cached block update, so the history server\'s Storage tab shows cached RDDs.' });
export const LISTENER_BUS_EVENT_QUEUE_CAPACITY = entry({ key: 'spark.scheduler.listenerbus.eventqueue.capacity', type: 'int', default: '10000', min: 1, category: 'Web UI and history',
  doc: 'Events the driver\'s listener thread (UI status and event log) may be behind by; past it events are dropped, counted and warned about, so listeners never slow scheduling.' });
export const HISTORY_LOG_DIRECTORY = entry({ key: 'spark.history.fs.logDirectory', type: 'string', default: 'file:/tmp/spark-events', category: 'Web UI and history',
  doc: 'Directory (a path or `file:` URI) the history server lists and replays event logs from.' });
export const HISTORY_UI_PORT = entry({ key: 'spark.history.ui.port', type: 'int', default: '18080', min: 0, category: 'Web UI and history',
  doc: 'Port of the history server.' });
export const HISTORY_UPDATE_INTERVAL = entry({ key: 'spark.history.fs.update.interval', type: 'time', unit: 's', default: '10s', min: 0, category: 'Web UI and history',
  doc: 'How often the history server looks for new and grown event logs.' });
export const HISTORY_RETAINED_APPLICATIONS = entry({ key: 'spark.history.retainedApplications', type: 'int', default: '50', min: 1, category: 'Web UI and history',
  doc: 'Replayed applications the history server keeps in memory; the least recently used one is dropped (and replayed again when asked for).' });
export const HISTORY_CLEANER_ENABLED = entry({ key: 'spark.history.fs.cleaner.enabled', type: 'boolean', default: 'false', category: 'Web UI and history',
  doc: 'Delete old event logs from the log directory.' });
export const HISTORY_CLEANER_INTERVAL = entry({ key: 'spark.history.fs.cleaner.interval', type: 'time', unit: 's', default: '1d', min: 1, category: 'Web UI and history',
  doc: 'How often the cleaner runs.' });
export const HISTORY_CLEANER_MAX_AGE = entry({ key: 'spark.history.fs.cleaner.maxAge', type: 'time', unit: 's', default: '7d', min: 0, category: 'Web UI and history',
  doc: 'Logs not modified for this long are deleted by the cleaner.' });
export const HISTORY_CLEANER_MAX_NUM = entry({ key: 'spark.history.fs.cleaner.maxNum', type: 'int', default: '2147483647', min: 0, category: 'Web UI and history',
  doc: 'Most event logs kept: the cleaner deletes the oldest completed ones beyond it.' });

// ---------------------------------------------------------------------------------------------- Input and output
/** Spark hands `spark.hadoop.X` to Hadoop as `X`; our stores read them the same way (`src/io/ioSettings.ts`). */
export const HADOOP_PREFIX = 'spark.hadoop.';
export const S3A_ENDPOINT = entry({ key: 'spark.hadoop.fs.s3a.endpoint', type: 'string', category: 'Input and output', defaultDoc: 'AWS for the region',
  doc: 'S3 endpoint for `s3a://` and `s3://` paths: a URL (`http://127.0.0.1:9000`) or a host name (then `https` unless `spark.hadoop.fs.s3a.connection.ssl.enabled=false`).' });
export const S3A_ENDPOINT_REGION = entry({ key: 'spark.hadoop.fs.s3a.endpoint.region', type: 'string', category: 'Input and output', defaultDoc: 'env `AWS_REGION`, else `us-east-1`',
  doc: 'Region requests are signed for.' });
export const S3A_PATH_STYLE_ACCESS = entry({ key: 'spark.hadoop.fs.s3a.path.style.access', type: 'boolean', default: 'false', category: 'Input and output',
  doc: 'Address buckets as `endpoint/bucket/key` instead of `bucket.endpoint/key` (needed by most S3-compatible servers).' });
export const S3A_CONNECTION_SSL_ENABLED = entry({ key: 'spark.hadoop.fs.s3a.connection.ssl.enabled', type: 'boolean', default: 'true', category: 'Input and output',
  doc: 'Use https for an endpoint given without a scheme.' });
export const S3A_ACCESS_KEY = entry({ key: 'spark.hadoop.fs.s3a.access.key', type: 'string', secret: true, category: 'Input and output', defaultDoc: 'env `AWS_ACCESS_KEY_ID`, else the credentials file',
  doc: 'S3 access key id. With neither this nor the environment, the profile `AWS_PROFILE` (default `default`) of the credentials file (`AWS_SHARED_CREDENTIALS_FILE`, default `~/.aws/credentials`) is used, on the driver and on each executor.' });
export const S3A_SECRET_KEY = entry({ key: 'spark.hadoop.fs.s3a.secret.key', type: 'string', secret: true, category: 'Input and output', defaultDoc: 'env `AWS_SECRET_ACCESS_KEY`, else the credentials file',
  doc: 'S3 secret access key; never logged or shown in errors.' });
export const S3A_SESSION_TOKEN = entry({ key: 'spark.hadoop.fs.s3a.session.token', type: 'string', secret: true, category: 'Input and output', defaultDoc: 'env `AWS_SESSION_TOKEN`',
  doc: 'Session token of temporary credentials.' });
export const S3A_BLOCK_SIZE = entry({ key: 'spark.hadoop.fs.s3a.block.size', type: 'bytes', unit: 'b', default: '32m', min: 1024 * 1024, category: 'Input and output',
  doc: 'Largest input split of an S3 object (S3 has no blocks; Hadoop reports this size for splitting).' });
export const S3A_MULTIPART_SIZE = entry({ key: 'spark.hadoop.fs.s3a.multipart.size', type: 'bytes', unit: 'b', default: '64m', min: 5 * 1024 * 1024, category: 'Input and output',
  doc: 'Part size of the multipart uploads task output is written with (S3\'s minimum is 5m).' });
export const S3A_FAST_UPLOAD_ACTIVE_BLOCKS = entry({ key: 'spark.hadoop.fs.s3a.fast.upload.active.blocks', type: 'int', default: '4', min: 1, category: 'Input and output',
  doc: 'Parts of one task\'s output uploaded at the same time.' });

/** Families of keys under a prefix. */
export const PREFIXES: readonly PrefixEntry[] = [
  { prefix: 'spark.hadoop.', category: 'Input and output', doc: '`spark.hadoop.X=value` is Hadoop setting X for the file systems of `textFile`, `wholeTextFiles`, `binaryFiles` and `saveAsTextFile`; the `fs.s3a.*` keys listed above are read (see docs/io.md), others are ignored.' },
  { prefix: 'spark.executorEnv.', category: 'Execution', doc: '`spark.executorEnv.NAME=value` sets environment variable NAME in every executor.' },
  { prefix: 'spark.mesos.driverEnv.', category: 'Mesos: cluster mode', doc: 'Cluster mode: `spark.mesos.driverEnv.NAME=value` sets NAME in the driver task.' },
  { prefix: 'spark.mesos.dispatcher.driverDefault.', category: 'Mesos: cluster mode', doc: 'Dispatcher: `spark.mesos.dispatcher.driverDefault.KEY=value` is a default for KEY in every submitted driver.' },
  { prefix: 'spark.mesos.dispatcher.queue.', category: 'Mesos: cluster mode', doc: 'Dispatcher: `spark.mesos.dispatcher.queue.NAME=weight` declares a queue; drivers of heavier queues launch first. `spark.mesos.dispatcher.queue.default` sets the weight of the default queue (0 when unset).' },
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
