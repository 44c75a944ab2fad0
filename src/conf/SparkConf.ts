import { ConfigEntry, type ConfigType, type RawConfigSource, parseTyped } from './ConfigEntry.js';
import { findEntry, registry, REDACTION_REGEX } from './catalog.js';
import { compileRedactionRegex, redact } from './redaction.js';
import { loadPropertiesFile } from './propertiesFile.js';
import type { ByteUnit, TimeUnit } from './units.js';
import { NoSuchElementException, IllegalArgumentException } from '../util/errors.js';

type Settable = string | number | boolean;

/**
 * Spark's configuration object: string keys and values, typed getters that speak Spark's size and time grammars,
 * and typed reads of catalog entries (`conf.get(config.MESOS_COARSE)` is a boolean).
 */
export class SparkConf implements RawConfigSource {
  private readonly settings = new Map<string, string>();

  /**
   * With no argument, starts from the settings `spark-mesos submit` hands the application (the environment variable
   * `SPARK_MESOS_CONF`, a JSON object), as Spark's SparkConf starts from `spark.*` system properties.
   */
  constructor(initial?: Iterable<readonly [string, string]> | Record<string, string>) {
    if (initial) this.setAll(initial);
    else if (process.env.SPARK_MESOS_CONF) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(process.env.SPARK_MESOS_CONF);
      } catch {
        throw new IllegalArgumentException('SPARK_MESOS_CONF should hold a JSON object of settings');
      }
      this.setAll(parsed as Record<string, string>);
    }
  }

  set(key: string, value: Settable): this {
    if (typeof key !== 'string' || key === '') throw new IllegalArgumentException('SparkConf.set: key must be a non-empty string');
    if (value === null || value === undefined) throw new IllegalArgumentException(`SparkConf.set: null value for ${key}`);
    this.settings.set(key, String(value));
    return this;
  }

  setIfMissing(key: string, value: Settable): this {
    if (!this.settings.has(key)) this.set(key, value);
    return this;
  }

  setAll(pairs: Iterable<readonly [string, string]> | Record<string, string>): this {
    const it = Symbol.iterator in Object(pairs) ? (pairs as Iterable<readonly [string, string]>) : Object.entries(pairs);
    for (const [k, v] of it) this.set(k, v);
    return this;
  }

  setMaster(master: string): this {
    return this.set('spark.master', master);
  }

  setAppName(name: string): this {
    return this.set('spark.app.name', name);
  }

  setExecutorEnv(name: string, value: string): this {
    return this.set(`spark.executorEnv.${name}`, value);
  }

  remove(key: string): this {
    this.settings.delete(key);
    return this;
  }

  contains(key: string): boolean {
    return this.settings.has(key);
  }

  /** The value set for `key`, if any (no catalog default). */
  getRaw(key: string): string | undefined {
    return this.settings.get(key);
  }

  getOption(key: string): string | undefined {
    return this.settings.get(key);
  }

  /**
   * With an entry: its typed value (set, fallback, or default). With a key: the value set, else `defaultValue`,
   * else the catalog's default for that key; a key with none of these is an error naming it.
   */
  get<T>(entry: ConfigEntry<T>): T;
  get(key: string, defaultValue?: string): string;
  get(keyOrEntry: string | ConfigEntry<unknown>, defaultValue?: string): unknown {
    if (keyOrEntry instanceof ConfigEntry) {
      const raw = keyOrEntry.rawFrom(this, registry());
      return raw === undefined ? undefined : keyOrEntry.parse(raw);
    }
    const v = this.settings.get(keyOrEntry) ?? defaultValue;
    if (v !== undefined) return v;
    const e = findEntry(keyOrEntry);
    const fromCatalog = e?.rawFrom(this, registry());
    if (fromCatalog !== undefined) return fromCatalog;
    throw new NoSuchElementException(keyOrEntry);
  }

  getAll(): [string, string][] {
    return [...this.settings.entries()];
  }

  /** Every `prefix*` key with the prefix removed (`getAllWithPrefix('spark.executorEnv.')`). */
  getAllWithPrefix(prefix: string): [string, string][] {
    return this.getAll()
      .filter(([k]) => k.startsWith(prefix))
      .map(([k, v]) => [k.slice(prefix.length), v]);
  }

  clone(): SparkConf {
    return new SparkConf(this.settings);
  }

  getBoolean(key: string, defaultValue?: boolean): boolean {
    return this.typed(key, 'boolean', defaultValue) as boolean;
  }

  getInt(key: string, defaultValue?: number): number {
    const n = this.typed(key, 'int', defaultValue) as number;
    if (n > 2147483647 || n < -2147483648) throw new IllegalArgumentException(`${key} should be a 32-bit whole number, but was '${n}'`);
    return n;
  }

  getLong(key: string, defaultValue?: number): number {
    return this.typed(key, 'int', defaultValue) as number;
  }

  getDouble(key: string, defaultValue?: number): number {
    return this.typed(key, 'double', defaultValue) as number;
  }

  getSizeAsBytes(key: string, defaultValue?: string): number {
    return this.typed(key, 'bytes', defaultValue, 'b') as number;
  }

  getSizeAsKb(key: string, defaultValue?: string): number {
    return this.typed(key, 'bytes', defaultValue, 'k') as number;
  }

  getSizeAsMb(key: string, defaultValue?: string): number {
    return this.typed(key, 'bytes', defaultValue, 'm') as number;
  }

  getSizeAsGb(key: string, defaultValue?: string): number {
    return this.typed(key, 'bytes', defaultValue, 'g') as number;
  }

  getTimeAsMs(key: string, defaultValue?: string): number {
    return this.typed(key, 'time', defaultValue, 'ms') as number;
  }

  getTimeAsSeconds(key: string, defaultValue?: string): number {
    return this.typed(key, 'time', defaultValue, 's') as number;
  }

  /** Adds every `spark.*` property of a `spark-defaults.conf`-style file; keys already set are overwritten. */
  loadPropertiesFile(path: string): this {
    for (const [k, v] of loadPropertiesFile(path)) this.set(k, v);
    return this;
  }

  /** All settings, one `key=value` a line, sorted, with secrets redacted (Spark's `toDebugString`). */
  toDebugString(): string {
    return this.redacted()
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}=${v}`)
      .join('\n');
  }

  /** Settings with values of sensitive keys replaced, per `spark.redaction.regex`. */
  redacted(): [string, string][] {
    return redact(this.getAll(), compileRedactionRegex(this.get(REDACTION_REGEX)));
  }

  private typed(key: string, type: ConfigType, defaultValue: unknown, unit?: ByteUnit | TimeUnit): unknown {
    const e = findEntry(key);
    const spec = {
      key,
      type,
      unit: unit ?? e?.unit,
      secret: e?.secret ?? false,
      get expectedForm() {
        return new ConfigEntry({ key, type, unit: unit ?? e?.unit, doc: '', category: 'Application' }).expectedForm;
      },
    };
    const raw = this.settings.get(key);
    if (raw !== undefined) return parseTyped(spec, raw);
    if (defaultValue !== undefined) return typeof defaultValue === 'string' ? parseTyped(spec, defaultValue) : defaultValue;
    const fromCatalog = e?.rawFrom(this, registry());
    if (fromCatalog !== undefined) return parseTyped(spec, fromCatalog);
    throw new NoSuchElementException(key);
  }
}
