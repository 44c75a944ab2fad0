import { readFileSync } from 'node:fs';
import type { SparkConf } from '../../conf/SparkConf.js';
import {
  BLOCK_MANAGER_PORT, EXECUTOR_MEMORY, EXECUTOR_MEMORY_OVERHEAD_FACTOR, MESOS_EXECUTOR_MEMORY_OVERHEAD, MESOS_PRINCIPAL,
  MESOS_PRINCIPAL_FILE, MESOS_REJECT_OFFER_DURATION, MESOS_REJECT_OFFER_DURATION_MAX_CORES,
  MESOS_REJECT_OFFER_DURATION_UNMET_CONSTRAINTS, MESOS_SECRET, MESOS_SECRET_FILE, DRIVER_MEMORY,
  DRIVER_MEMORY_OVERHEAD_FACTOR, MESOS_DRIVER_MEMORY_OVERHEAD, EXECUTOR_MEMORY_OVERHEAD, DRIVER_MEMORY_OVERHEAD,
} from '../../conf/catalog.js';
import type { Attribute, Range, Resource } from '../../mesos/wire/resources.js';
import { IllegalArgumentException, SparkException } from '../../util/errors.js';
import { javaSplit } from './javaSplit.js';

/** Smallest memory overhead Spark adds to a container, in MiB. */
export const MEMORY_OVERHEAD_MINIMUM = 384;

/**
 * Parses `attr:v1,v2;attr2:v` into attribute name → required values. An empty value list (`attr:`) only asks
 * for the attribute to be present. Entries without exactly one `:`, empty entries and repeated names are
 * errors ("Bad constraint string: ...").
 */
function parseConstraintString(s: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  if (s === '') return out;
  for (const raw of s.split(';')) {
    const entry = raw.trim();
    const kv = entry.split(':');
    let why: string | undefined;
    if (kv.length !== 2) why = `entry '${entry}' should be name:value[,value...]`;
    else if (out.has(kv[0]!)) why = `attribute '${kv[0]}' is given twice`;
    if (why !== undefined) {
      throw new IllegalArgumentException(`Bad constraint string: ${s}`, { cause: new IllegalArgumentException(why) });
    }
    const [name, values] = kv as [string, string];
    out.set(name, new Set(values === '' ? [] : javaSplit(values, ',')));
  }
  return out;
}

function number(v: string, attribute: string, kind: string, integer: boolean): number {
  const n = Number(v.trim());
  if (v.trim() === '' || Number.isNaN(n) || (integer && !Number.isInteger(n))) {
    throw new IllegalArgumentException(
      `Constraint value '${v}' for attribute '${attribute}' should be ${integer ? 'a whole number' : 'a number'}, as the offered attribute is ${kind}`,
    );
  }
  return n;
}

/**
 * Whether an offer's attributes satisfy every constraint: TEXT equals one required value; SCALAR is at least one
 * required value; RANGES contain one required value (Spark only matched a single Range, so range constraints
 * never matched real offers; this one does); SET holds all required values. A missing attribute fails.
 */
function matchesAttributeRequirements(constraints: Map<string, Set<string>>, offerAttributes: readonly Attribute[]): boolean {
  const byName = new Map(offerAttributes.map((a) => [a.name, a]));
  for (const [name, required] of constraints) {
    const attr = byName.get(name);
    if (!attr) return false;
    if (required.size === 0) continue;
    const want = [...required];
    let ok: boolean;
    switch (attr.type) {
      case 'SCALAR':
        ok = want.some((v) => number(v, name, 'a SCALAR', false) <= (attr.scalar?.value ?? 0));
        break;
      case 'RANGES': {
        const ranges = attr.ranges?.range ?? [];
        ok = want.some((v) => {
          const n = number(v, name, 'RANGES', true);
          return ranges.some((r) => r.begin <= n && n <= r.end);
        });
        break;
      }
      case 'SET': {
        const items = new Set(attr.set?.item ?? []);
        ok = want.every((v) => items.has(v));
        break;
      }
      case 'TEXT':
        ok = required.has(attr.text?.value ?? '');
        break;
      default:
        ok = false;
    }
    if (!ok) return false;
  }
  return true;
}

/**
 * Container memory overhead in MiB: the Mesos-specific key, else Spark's generic key (the Mesos one wins when both
 * are set), else max(384, factor × heap).
 */
function memoryOverhead(mesosKey: number | undefined, genericKey: number | undefined, factor: number, heap: number): number {
  return mesosKey ?? genericKey ?? Math.trunc(Math.max(factor * heap, MEMORY_OVERHEAD_MINIMUM));
}

/**
 * Executor container memory in MiB: heap plus `spark.mesos.executor.memoryOverhead`, else
 * `spark.executor.memoryOverhead`, else max(384, factor × heap).
 */
function executorMemory(conf: SparkConf): number {
  const envMem = process.env.SPARK_EXECUTOR_MEMORY;
  const heap = conf.contains(EXECUTOR_MEMORY.key) || envMem === undefined ? conf.get(EXECUTOR_MEMORY) : EXECUTOR_MEMORY.parse(envMem);
  return heap + memoryOverhead(conf.get(MESOS_EXECUTOR_MEMORY_OVERHEAD), conf.get(EXECUTOR_MEMORY_OVERHEAD), conf.get(EXECUTOR_MEMORY_OVERHEAD_FACTOR), heap);
}

/**
 * Driver task memory in MiB for cluster mode: the same rule with the driver's settings
 * (`spark.mesos.driver.memoryOverhead`, else `spark.driver.memoryOverhead`), added once.
 */
function driverContainerMemory(conf: SparkConf): number {
  const heap = conf.get(DRIVER_MEMORY);
  return heap + memoryOverhead(conf.get(MESOS_DRIVER_MEMORY_OVERHEAD), conf.get(DRIVER_MEMORY_OVERHEAD), conf.get(DRIVER_MEMORY_OVERHEAD_FACTOR), heap);
}

/** Sum of the scalar resources named `name`, across all roles. */
function getResource(resources: readonly Resource[], name: string): number {
  let sum = 0;
  for (const r of resources) if (r.name === name && r.type === 'SCALAR') sum += r.scalar?.value ?? 0;
  return sum;
}

/** All ranges of the range resources named `name`, as inclusive [begin, end] pairs. */
function getRangeResource(resources: readonly Resource[], name: string): [number, number][] {
  const out: [number, number][] = [];
  for (const r of resources) {
    if (r.name === name && r.type === 'RANGES') for (const x of r.ranges?.range ?? []) out.push([x.begin, x.end]);
  }
  return out;
}

/** The reservation fields a piece taken from `r` keeps (so a launch uses the same role and reservation). */
function reservationOf(r: Resource): Partial<Resource> {
  const out: Partial<Resource> = {};
  if (r.reservations !== undefined) out.reservations = r.reservations;
  else {
    out.role = r.role ?? '*';
    if (out.role !== '*' && r.reservation !== undefined) out.reservation = r.reservation;
  }
  if (r.allocation_info !== undefined) out.allocation_info = r.allocation_info;
  return out;
}

function scalar(name: string, value: number, from: Resource): Resource {
  return { name, type: 'SCALAR', scalar: { value }, ...reservationOf(from) };
}

/**
 * Takes `amount` of scalar resource `name` from `resources`, in their order, splitting across roles when one
 * piece is not enough. Returns what is left (zero-valued scalars removed) and the pieces taken.
 */
function partitionResources(resources: readonly Resource[], name: string, amount: number): [remaining: Resource[], used: Resource[]] {
  let need = amount;
  const used: Resource[] = [];
  const next = resources.map((r) => {
    const value = r.scalar?.value ?? 0;
    if (need > 0 && r.type === 'SCALAR' && r.name === name && value > 0) {
      const take = Math.min(need, value);
      need = roundScalar(need - take);
      used.push(scalar(name, take, r));
      return scalar(name, roundScalar(value - take), r);
    }
    return r;
  });
  return [next.filter((r) => !(r.type === 'SCALAR' && (r.scalar?.value ?? 0) <= 0)), used];
}

/** Mesos keeps three decimal digits of scalars; rounding avoids 0.30000000000000004 leftovers. */
function roundScalar(v: number): number {
  return Math.round(v * 1000) / 1000;
}

/**
 * Assigns each requested port to the first offered `ports` range containing it. Returns the non-port resources
 * (unassigned port ranges are dropped, as Spark does) and one single-port range resource per assigned port.
 */
function partitionPortResources(ports: readonly number[], offered: readonly Resource[]): [left: Resource[], used: Resource[]] {
  if (ports.length === 0) return [[...offered], []];
  const isPorts = (r: Resource) => r.name === 'ports' && r.type === 'RANGES';
  const portResources = offered.filter(isPorts);
  const used: Resource[] = [];
  for (const p of ports) {
    const from = portResources.find((r) => (r.ranges?.range ?? []).some((x: Range) => x.begin <= p && p <= x.end));
    if (from) used.push({ name: 'ports', type: 'RANGES', ranges: { range: [{ begin: p, end: p }] }, ...reservationOf(from) });
  }
  return [offered.filter((r) => !isPorts(r)), used];
}

/** Ports the configuration fixes (`spark.blockManager.port` when non-zero). */
function nonZeroPortValuesFromConfig(conf: SparkConf): number[] {
  return [conf.get(BLOCK_MANAGER_PORT)].filter((p) => p !== 0);
}

/** Whether every fixed port lies in an offered range, and there are enough ports. */
function checkPorts(conf: SparkConf, ranges: readonly [number, number][]): boolean {
  const wanted = nonZeroPortValuesFromConfig(conf);
  if (wanted.length === 0) return true;
  const total = ranges.reduce((n, [b, e]) => n + (e - b + 1), 0);
  return total >= wanted.length && wanted.every((p) => ranges.some(([b, e]) => b <= p && p <= e));
}

function getRejectOfferDuration(conf: SparkConf): number {
  return conf.get(MESOS_REJECT_OFFER_DURATION);
}

function getRejectOfferDurationForUnmetConstraints(conf: SparkConf): number {
  return conf.get(MESOS_REJECT_OFFER_DURATION_UNMET_CONSTRAINTS);
}

function getRejectOfferDurationForReachedMaxCores(conf: SparkConf): number {
  return conf.get(MESOS_REJECT_OFFER_DURATION_MAX_CORES);
}

function readWhole(path: string, key: string): string {
  try {
    // Read verbatim, as Spark does: a trailing newline is part of the value.
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new SparkException(`${key}: cannot read file '${path}' (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
  }
}

/**
 * The framework's credentials. Principal: `spark.mesos.principal`, env `SPARK_MESOS_PRINCIPAL`, the file named by
 * `spark.mesos.principal.file`, the file named by env `SPARK_MESOS_PRINCIPAL_FILE`; the secret likewise. A secret
 * without a principal is an error.
 */
function buildCredentials(conf: SparkConf, env: Record<string, string | undefined> = process.env): { principal?: string; secret?: string } {
  const resolve = (key: string, envKey: string, fileKey: string, envFileKey: string): string | undefined => {
    const direct = conf.getOption(key) ?? env[envKey];
    if (direct !== undefined) return direct;
    const file = conf.getOption(fileKey);
    if (file !== undefined) return readWhole(file, fileKey);
    const envFile = env[envFileKey];
    return envFile !== undefined ? readWhole(envFile, envFileKey) : undefined;
  };
  const principal = resolve(MESOS_PRINCIPAL.key, 'SPARK_MESOS_PRINCIPAL', MESOS_PRINCIPAL_FILE.key, 'SPARK_MESOS_PRINCIPAL_FILE');
  const secret = resolve(MESOS_SECRET.key, 'SPARK_MESOS_SECRET', MESOS_SECRET_FILE.key, 'SPARK_MESOS_SECRET_FILE');
  if (secret !== undefined && principal === undefined) {
    throw new SparkException(`${MESOS_PRINCIPAL.key} must be configured when ${MESOS_SECRET.key} is set`);
  }
  const out: { principal?: string; secret?: string } = {};
  if (principal !== undefined) out.principal = principal;
  if (secret !== undefined) out.secret = secret;
  return out;
}

/** Offer-matching, resource and credential helpers shared by the Mesos backends and the dispatcher. */
export const MesosSchedulerUtils = {
  parseConstraintString,
  matchesAttributeRequirements,
  executorMemory,
  driverContainerMemory,
  getResource,
  getRangeResource,
  partitionResources,
  partitionPortResources,
  nonZeroPortValuesFromConfig,
  checkPorts,
  getRejectOfferDuration,
  getRejectOfferDurationForUnmetConstraints,
  getRejectOfferDurationForReachedMaxCores,
  buildCredentials,
};
