import { IllegalArgumentException } from '../util/errors.js';
import { parseBytes, parseTime, UnitFormatError, type ByteUnit, type TimeUnit, BYTE_FORM, TIME_FORM } from './units.js';

/** How a raw string value is read. */
export type ConfigType = 'boolean' | 'int' | 'double' | 'string' | 'bytes' | 'time' | 'list' | 'enum';

/** Where a key is used; groups the generated reference. */
export type ConfigCategory =
  | 'Application'
  | 'Mesos: framework and offers'
  | 'Mesos: executors and containers'
  | 'Mesos: secrets and labels'
  | 'Mesos: cluster mode'
  | 'Execution'
  | 'Dynamic allocation'
  | 'Shuffle and network'
  | 'Security'
  | 'Recovery'
  | 'Web UI and history'
  | 'Input and output';

/** Anything that can hand back raw values by key; SparkConf implements it. */
export interface RawConfigSource {
  getRaw(key: string): string | undefined;
}

interface EntrySpec {
  key: string;
  type: ConfigType;
  doc: string;
  category: ConfigCategory;
  /** The default as a user would write it; absent means "unset" (optional entry). */
  default?: string;
  /** For defaults computed from other settings: prose shown in the reference instead of a literal. */
  defaultDoc?: string;
  /** Another key whose value is used when this one is unset (Spark's `fallbackConf`). */
  fallback?: string;
  unit?: ByteUnit | TimeUnit;
  values?: readonly string[];
  /** Smallest accepted numeric value (after unit conversion). */
  min?: number;
  /** Older spellings read when the key itself is unset. */
  alternatives?: readonly string[];
  /** Values are credentials: never printed. */
  secret?: boolean;
  since?: string;
}

/** Parsed value type of each kind of entry. */
export type ValueOf<K extends ConfigType> = K extends 'boolean'
  ? boolean
  : K extends 'int' | 'double' | 'bytes' | 'time'
    ? number
    : K extends 'list'
      ? string[]
      : string;

/**
 * One typed configuration key: its grammar, default, unit and documentation. `T` is the value `read` returns;
 * entries without a default return `undefined` when unset.
 */
export class ConfigEntry<T> {
  readonly key: string;
  readonly type: ConfigType;
  readonly doc: string;
  readonly category: ConfigCategory;
  readonly default: string | undefined;
  readonly defaultDoc: string | undefined;
  readonly fallback: string | undefined;
  readonly unit: ByteUnit | TimeUnit | undefined;
  readonly values: readonly string[] | undefined;
  readonly min: number | undefined;
  readonly alternatives: readonly string[];
  readonly secret: boolean;
  readonly since: string | undefined;

  constructor(spec: EntrySpec) {
    this.key = spec.key;
    this.type = spec.type;
    this.doc = spec.doc;
    this.category = spec.category;
    this.default = spec.default;
    this.defaultDoc = spec.defaultDoc;
    this.fallback = spec.fallback;
    this.unit = spec.unit;
    this.values = spec.values;
    this.min = spec.min;
    this.alternatives = spec.alternatives ?? [];
    this.secret = spec.secret ?? false;
    this.since = spec.since;
  }

  /**
   * The raw string in force: the key, its older spellings, then the fallback key's value, then the default. A bare
   * number taken from the fallback gets the fallback's unit attached, so it keeps its meaning under this entry's
   * grammar (`spark.network.timeout=120` is 120 s, not 120 ms, when read for a key whose bare numbers are ms).
   */
  rawFrom(source: RawConfigSource, registry: ReadonlyMap<string, ConfigEntry<unknown>>): string | undefined {
    const own = source.getRaw(this.key) ?? firstDefined(this.alternatives.map((k) => source.getRaw(k)));
    if (own !== undefined) return own;
    if (this.fallback !== undefined) {
      const fb = registry.get(this.fallback);
      const v = fb ? fb.rawFrom(source, registry) : source.getRaw(this.fallback);
      if (v !== undefined) return fb ? fb.withUnit(v) : v;
    }
    return this.default;
  }

  /** `raw` with this entry's unit spelled out when it is a bare number of a size or duration entry. */
  withUnit(raw: string): string {
    const t = raw.trim();
    if ((this.type !== 'bytes' && this.type !== 'time') || !/^-?[0-9]+$/.test(t)) return raw;
    // The same default units as parseTyped.
    return `${t}${this.unit ?? (this.type === 'bytes' ? 'b' : 'ms')}`;
  }

  /** Parses `raw` by this entry's grammar; the error names the key, the value and the expected form. */
  parse(raw: string): T {
    return parseTyped(this, raw) as T;
  }

  /** A short description of the accepted form, used in error messages and the reference. */
  get expectedForm(): string {
    switch (this.type) {
      case 'boolean':
        return 'true or false';
      case 'int':
        return 'a whole number';
      case 'double':
        return 'a number';
      case 'bytes':
        return `${BYTE_FORM}; a bare number is in ${unitName(this.unit)}`;
      case 'time':
        return `${TIME_FORM}; a bare number is in ${unitName(this.unit)}`;
      case 'list':
        return 'a comma-separated list';
      case 'enum':
        return `one of ${(this.values ?? []).join(', ')}`;
      default:
        return 'a string';
    }
  }
}

function firstDefined(values: (string | undefined)[]): string | undefined {
  return values.find((v) => v !== undefined);
}

function unitName(u: ByteUnit | TimeUnit | undefined): string {
  const names: Record<string, string> = {
    b: 'bytes', k: 'KiB', m: 'MiB', g: 'GiB', t: 'TiB', p: 'PiB',
    us: 'microseconds', ms: 'milliseconds', s: 'seconds', min: 'minutes', h: 'hours', d: 'days',
  };
  return u === undefined ? 'the default unit' : (names[u] ?? u);
}

export function badValue(key: string, raw: string, expected: string, secret = false): IllegalArgumentException {
  const shown = secret ? '*********(redacted)' : `'${raw}'`;
  return new IllegalArgumentException(`${key} should be ${expected}, but was ${shown}`);
}

/** Reads one raw string as `type`; shared with SparkConf's ad-hoc getters so both speak the same grammar. */
export function parseTyped(
  e: { key: string; type: ConfigType; unit?: ByteUnit | TimeUnit | undefined; values?: readonly string[] | undefined; min?: number | undefined; secret?: boolean; expectedForm: string },
  raw: string,
): unknown {
  const fail = () => badValue(e.key, raw, e.expectedForm, e.secret);
  let value: unknown;
  switch (e.type) {
    case 'boolean': {
      const t = raw.trim().toLowerCase();
      if (t !== 'true' && t !== 'false') throw fail();
      value = t === 'true';
      break;
    }
    case 'int': {
      const t = raw.trim();
      if (!/^[+-]?[0-9]+$/.test(t)) throw fail();
      const n = Number(t);
      if (!Number.isSafeInteger(n)) throw fail();
      value = n;
      break;
    }
    case 'double': {
      const t = raw.trim();
      const n = Number(t);
      if (t === '' || Number.isNaN(n)) throw fail();
      value = n;
      break;
    }
    case 'bytes':
    case 'time': {
      try {
        value = e.type === 'bytes' ? parseBytes(raw, (e.unit ?? 'b') as ByteUnit) : parseTime(raw, (e.unit ?? 'ms') as TimeUnit);
      } catch (err) {
        if (err instanceof UnitFormatError) {
          throw new IllegalArgumentException(`${e.key} should be ${e.expectedForm}, but was '${raw}': ${err.message}`);
        }
        throw err;
      }
      break;
    }
    case 'list':
      value = raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
      break;
    case 'enum': {
      if (!(e.values ?? []).includes(raw)) throw fail();
      value = raw;
      break;
    }
    default:
      value = raw;
  }
  if (e.min !== undefined && typeof value === 'number' && value < e.min) {
    throw new IllegalArgumentException(`${e.key} should be at least ${e.min}, but was '${raw}'`);
  }
  return value;
}

/** Builders that fix `T` from the entry kind, so `conf.get(config.MESOS_COARSE)` is typed `boolean`. */
type Spec<K extends ConfigType> = Omit<EntrySpec, 'type'> & { type: K };

export function entry<K extends ConfigType>(spec: Spec<K> & { default: string }): ConfigEntry<ValueOf<K>>;
export function entry<K extends ConfigType>(spec: Spec<K>): ConfigEntry<ValueOf<K> | undefined>;
export function entry<K extends ConfigType>(spec: Spec<K>): ConfigEntry<unknown> {
  return new ConfigEntry(spec);
}

/** A family of keys sharing a prefix (`spark.executorEnv.NAME`). */
export interface PrefixEntry {
  prefix: string;
  doc: string;
  category: ConfigCategory;
  secret?: boolean;
}
