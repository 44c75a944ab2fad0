/**
 * The configuration catalog: one typed entry per key the project reads. Defaults follow Spark 3.5 unless the
 * doc says otherwise. `docs/configuration.md` is generated from it (`npm run docs`). The entries live in
 * `catalog/<area>.ts`, one file per category; this module re-exports them all and indexes them.
 */
import { ConfigEntry, type PrefixEntry } from './ConfigEntry.js';
import * as self from './catalog.js';

// Re-exported whole: the index below finds entries through this module's namespace, so a new entry in any
// category file is catalogued (and documented) without being listed here.
export * from './catalog/application.js';
export * from './catalog/execution.js';
export * from './catalog/dynamicAllocation.js';
export * from './catalog/shuffle.js';
export * from './catalog/security.js';
export * from './catalog/recovery.js';
export * from './catalog/webUi.js';
export * from './catalog/io.js';
export * from './catalog/mesosFramework.js';
export * from './catalog/mesosExecutors.js';
export * from './catalog/mesosSecrets.js';
export * from './catalog/mesosCluster.js';

/** Any catalog entry, whatever its value type. */
export type ConfigEntryLike = ConfigEntry<unknown>;

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
