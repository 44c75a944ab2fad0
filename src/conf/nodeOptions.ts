/**
 * Node's counterpart of Spark's JVM options: `spark.executor.extraNodeOptions` and `spark.driver.extraNodeOptions`
 * become options of the Node process that runs the executor or the driver. The Java-only keys (`extraJavaOptions`,
 * `extraClassPath`) have no effect on Node; setting them logs one warning per key and process.
 */
import type { SparkConf } from './SparkConf.js';
import {
  DRIVER_EXTRA_CLASSPATH, DRIVER_EXTRA_JAVA_OPTIONS, DRIVER_EXTRA_NODE_OPTIONS, EXECUTOR_EXTRA_CLASSPATH,
  EXECUTOR_EXTRA_JAVA_OPTIONS, EXECUTOR_EXTRA_NODE_OPTIONS,
} from './catalog.js';
import { IllegalArgumentException } from '../util/errors.js';
import { getLogger, warn } from '../util/logging.js';
import { splitCommandString } from '../util/splitCommandString.js';

const log = getLogger('nodeOptions');

/**
 * Splits a node-options value into arguments. Each must be an option (start with `-`): a bare word would be taken by
 * Node as the script to run, and `--` would end Node's options.
 */
export function parseNodeOptions(key: string, raw: string | undefined): string[] {
  if (raw === undefined) return [];
  let tokens: string[];
  try {
    tokens = splitCommandString(raw);
  } catch (err) {
    throw new IllegalArgumentException(`${key} should be Node options separated by spaces, but has an ${(err as Error).message}`);
  }
  const bad = tokens.find((t) => !t.startsWith('-') || t === '-' || t === '--');
  if (bad !== undefined) {
    throw new IllegalArgumentException(`${key} should be Node options, each starting with '-' (write a value as --flag=value), but '${bad}' is not one`);
  }
  return tokens;
}

/** The executor's Node options, with `{{APP_ID}}` and `{{EXECUTOR_ID}}` substituted. */
export function executorNodeOptions(conf: SparkConf, ids: { appId: string; executorId: string }): string[] {
  return parseNodeOptions(EXECUTOR_EXTRA_NODE_OPTIONS.key, conf.get(EXECUTOR_EXTRA_NODE_OPTIONS))
    .map((o) => o.replaceAll('{{APP_ID}}', ids.appId).replaceAll('{{EXECUTOR_ID}}', ids.executorId));
}

export function driverNodeOptions(conf: SparkConf): string[] {
  return parseNodeOptions(DRIVER_EXTRA_NODE_OPTIONS.key, conf.get(DRIVER_EXTRA_NODE_OPTIONS));
}

/** Java-only keys and what to use instead. */
const JAVA_ONLY: readonly [key: string, instead: string][] = [
  [EXECUTOR_EXTRA_JAVA_OPTIONS.key, `use ${EXECUTOR_EXTRA_NODE_OPTIONS.key} for options of the executors' Node processes`],
  [EXECUTOR_EXTRA_CLASSPATH.key, 'set spark.executorEnv.NODE_PATH for require() search paths'],
  [DRIVER_EXTRA_JAVA_OPTIONS.key, `use ${DRIVER_EXTRA_NODE_OPTIONS.key} for options of the driver's Node process`],
  [DRIVER_EXTRA_CLASSPATH.key, 'set NODE_PATH in the driver\'s environment for require() search paths'],
];

const warned = new Set<string>();

/** Warns, once per key and process, about each Java-only key that is set (the key only: values may be secret). */
export function warnJavaOnlySettings(conf: SparkConf): void {
  for (const [key, instead] of JAVA_ONLY) {
    if (!conf.contains(key) || warned.has(key)) continue;
    warned.add(key);
    warn(log, 'nodeOptions', `${key} is set, but it is a JVM setting and has no effect on Node: ${instead}`);
  }
}

/** Checks both node-option keys (a bad value fails here, naming the key) and warns about Java-only keys. */
export function checkNodeSettings(conf: SparkConf): void {
  executorNodeOptions(conf, { appId: '', executorId: '' });
  driverNodeOptions(conf);
  warnJavaOnlySettings(conf);
}
