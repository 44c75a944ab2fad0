/**
 * Web UI and history keys: the driver UI, event logs and the history server.
 * The catalog's `Web UI and history` category; `../catalog.ts` re-exports it.
 */
import { entry } from '../ConfigEntry.js';

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
