import { IllegalArgumentException } from '../util/errors.js';
import type { SparkConf } from '../conf/SparkConf.js';

/** Commander collector for a repeatable option. */
export function collect(v: string, prev: string[]): string[] {
  return [...prev, v];
}

/** Applies `--conf key=value` flags; a flag without `=` or without a key is an error naming it. */
export function applyConfFlags(conf: SparkConf, flags: readonly string[]): SparkConf {
  for (const kv of flags) {
    const i = kv.indexOf('=');
    if (i <= 0) throw new IllegalArgumentException(`--conf expects key=value, but got '${kv}'`);
    conf.set(kv.slice(0, i), kv.slice(i + 1));
  }
  return conf;
}
