/**
 * Mesos framework and offer keys: role, credentials, constraints, refuse durations, failover, maintenance.
 * The catalog's `Mesos: framework and offers` category; `../catalog.ts` re-exports it.
 */
import { entry, type ConfigEntry } from '../ConfigEntry.js';

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
