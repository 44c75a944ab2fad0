/**
 * Mesos cluster-mode keys: the dispatcher's limits, queues, links and REST server, and the driver task.
 * The catalog's `Mesos: cluster mode` category; `../catalog.ts` re-exports it.
 */
import { entry } from '../ConfigEntry.js';

export const MESOS_DRIVER_MEMORY_OVERHEAD = entry({ key: 'spark.mesos.driver.memoryOverhead', type: 'bytes', unit: 'm', min: 0, category: 'Mesos: cluster mode',
  defaultDoc: '`spark.driver.memoryOverhead`, else max(384, `spark.driver.memoryOverheadFactor` × driver memory)', since: '3.0.0',
  doc: 'Cluster mode: MiB added to driver memory in the driver task\'s `mem` (once: unlike Spark, the dispatcher does not add a second overhead).' });
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
