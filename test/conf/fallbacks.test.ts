/**
 * Entries that fall back to another key must read the fallback's value as the fallback entry reads it: a bare
 * number keeps the fallback's unit (`spark.network.timeout=120` is 120 s for every key that falls back to it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SparkConf, config } from '../../src/index.js';
import { parseBytes, parseTime, type ByteUnit, type TimeUnit } from '../../src/conf/units.js';

const withFallback = config.allEntries().filter((e) => e.fallback !== undefined);

/** `n` in the fallback entry's unit, expressed in the entry's unit (by the grammar, not by the code under test). */
function expected(e: config.ConfigEntryLike, fb: config.ConfigEntryLike, n: string): unknown {
  if (fb.type === 'time') return parseTime(`${n}${fb.unit ?? 'ms'}`, (e.unit ?? 'ms') as TimeUnit);
  if (fb.type === 'bytes') return parseBytes(`${n}${fb.unit ?? 'b'}`, (e.unit ?? 'b') as ByteUnit);
  return fb.parse(n);
}

test('the catalog has fallback entries, each to a catalogued key of the same type', () => {
  assert.ok(withFallback.length >= 4, withFallback.map((e) => e.key).join(', '));
  for (const e of withFallback) {
    const fb = config.findEntry(e.fallback!);
    assert.ok(fb, `${e.key} falls back to ${e.fallback}, which is in the catalog`);
    assert.equal(fb.type, e.type, `${e.key} and its fallback ${fb.key} have the same type`);
  }
});

/** A value of the fallback's own type that differs from its default. */
function sample(fb: config.ConfigEntryLike): string {
  if (fb.type === 'boolean') return fb.default === 'true' ? 'false' : 'true';
  if (fb.type === 'enum') return [...(fb.values ?? [])].reverse().find((v) => v !== fb.default) ?? fb.values![0]!;
  return 'some-value';
}

test('every non-numeric fallback entry reads its fallback\'s value as it is', () => {
  for (const e of withFallback.filter((x) => !['time', 'bytes', 'int', 'double'].includes(x.type))) {
    const fb = config.findEntry(e.fallback!)!;
    const v = sample(fb);
    assert.equal(new SparkConf({ [fb.key]: v }).get(e), fb.parse(v), `${e.key} with ${fb.key}=${v}`);
  }
});

test('every fallback entry reads a bare number on its fallback key in the fallback\'s unit', () => {
  for (const e of withFallback.filter((x) => ['time', 'bytes', 'int', 'double'].includes(x.type))) {
    const fb = config.findEntry(e.fallback!)!;
    for (const n of ['7200', '3']) {
      const conf = new SparkConf({ [fb.key]: n });
      const want = expected(e, fb, n);
      assert.equal(conf.get(e), want, `${e.key} with ${fb.key}=${n}`);
      // The string getters agree with the typed read.
      if (e.type === 'time') assert.equal(conf.getTimeAsMs(e.key), expected({ ...e, unit: 'ms' } as config.ConfigEntryLike, fb, n), `getTimeAsMs(${e.key})`);
      if (e.type === 'bytes') assert.equal(conf.getSizeAsBytes(e.key), expected({ ...e, unit: 'b' } as config.ConfigEntryLike, fb, n), `getSizeAsBytes(${e.key})`);
    }
    // A value with its own unit, and the entry's own setting, are unaffected.
    if (e.type === 'time') {
      assert.equal(new SparkConf({ [fb.key]: '90s' }).get(e), parseTime('90s', (e.unit ?? 'ms') as TimeUnit), `${e.key} with ${fb.key}=90s`);
      assert.equal(new SparkConf({ [fb.key]: '90s', [e.key]: '5' }).get(e), 5, `${e.key} set itself`);
    }
  }
});

test('spark.network.timeout=120 tells the shuffle service 120 s, not 120 ms', () => {
  const conf = new SparkConf({ 'spark.network.timeout': '120' });
  assert.equal(conf.get(config.BLOCK_MANAGER_HEARTBEAT_TIMEOUT), 120_000);
  assert.equal(conf.get('spark.storage.blockManagerHeartbeatTimeoutMs'), '120s', 'the raw value carries the fallback\'s unit');
  assert.equal(new SparkConf().get(config.BLOCK_MANAGER_HEARTBEAT_TIMEOUT), 120_000, 'default');
  assert.equal(new SparkConf({ 'spark.storage.blockManagerSlaveTimeoutMs': '30000' }).get(config.BLOCK_MANAGER_HEARTBEAT_TIMEOUT), 30_000, 'Spark\'s older spelling');
  // Seconds-valued fallbacks of the same unit read the same either way.
  assert.equal(new SparkConf({ 'spark.mesos.rejectOfferDuration': '30' }).get(config.MESOS_REJECT_OFFER_DURATION_UNMET_CONSTRAINTS), 30);
});
