/**
 * Shuffle and network keys: the external shuffle service, timeouts, memory pools and spills, block fetches.
 * The catalog's `Shuffle and network` category; `../catalog.ts` re-exports it.
 */
import { entry, type ConfigEntry } from '../ConfigEntry.js';

export const BLOCK_MANAGER_PORT = entry({ key: 'spark.blockManager.port', type: 'int', default: '0', min: 0, category: 'Shuffle and network',
  doc: 'Port each executor serves blocks on. Non-zero: the port must be in a Mesos offer\'s `ports`, so at most one executor per host.' });
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
  doc: 'Compress spill files: zstd at level 1 (deflate at its fastest level for batches over 16 MiB, or where zstd\'s WebAssembly has not loaded).' });
export const TESTING_RESERVED_MEMORY = entry({ key: 'spark.testing.reservedMemory', type: 'bytes', unit: 'b', default: '300m', min: 0, category: 'Shuffle and network',
  doc: 'Memory kept out of the unified pool for the engine itself; for tests only (Spark\'s internal key).' });
export const REDUCER_MAX_SIZE_IN_FLIGHT = entry({ key: 'spark.reducer.maxSizeInFlight', type: 'bytes', unit: 'm', default: '48m', min: 1, category: 'Shuffle and network',
  doc: 'Most shuffle data a reducer fetches at once from remote executors.' });
