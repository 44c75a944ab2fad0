/**
 * Dynamic allocation keys: executor bounds, idle and backlog timeouts, shuffle tracking.
 * The catalog's `Dynamic allocation` category; `../catalog.ts` re-exports it.
 */
import { entry, type ConfigEntry } from '../ConfigEntry.js';

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
