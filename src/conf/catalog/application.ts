/**
 * Application keys: master, name, deploy mode, the driver process and its UI.
 * The catalog's `Application` category; `../catalog.ts` re-exports it.
 */
import { entry } from '../ConfigEntry.js';

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
