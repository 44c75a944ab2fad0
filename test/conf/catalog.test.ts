import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SparkConf, config } from '../../src/index.js';
import { renderConfigurationReference } from '../../src/conf/configDocs.js';

/** The spec's "Configuration Reference", with its documented defaults ('' where it documents none). */
const SPEC_REFERENCE: Record<string, string | undefined> = {
  'spark.mesos.coarse': 'true',
  'spark.cores.max': undefined,
  'spark.mesos.mesosExecutor.cores': '1.0',
  'spark.mesos.extra.cores': '0',
  'spark.mesos.executor.memoryOverhead': undefined,
  'spark.mesos.gpus.max': '0',
  'spark.mesos.constraints': '',
  'spark.mesos.driver.constraints': '',
  'spark.mesos.role': undefined,
  'spark.mesos.executor.docker.image': undefined,
  'spark.mesos.executor.docker.forcePullImage': undefined,
  'spark.mesos.executor.docker.volumes': undefined,
  'spark.mesos.executor.docker.portmaps': undefined,
  'spark.mesos.executor.docker.parameters': undefined,
  'spark.mesos.containerizer': 'docker',
  'spark.mesos.principal': undefined,
  'spark.mesos.principal.file': undefined,
  'spark.mesos.secret': undefined,
  'spark.mesos.secret.file': undefined,
  'spark.mesos.driver.secret.names': undefined,
  'spark.mesos.driver.secret.values': undefined,
  'spark.mesos.driver.secret.envkeys': undefined,
  'spark.mesos.driver.secret.filenames': undefined,
  'spark.mesos.executor.secret.names': undefined,
  'spark.mesos.executor.secret.values': undefined,
  'spark.mesos.executor.secret.envkeys': undefined,
  'spark.mesos.executor.secret.filenames': undefined,
  'spark.mesos.network.name': undefined,
  'spark.mesos.network.labels': undefined,
  'spark.mesos.driver.webui.url': undefined,
  'spark.mesos.dispatcher.webui.url': undefined,
  'spark.mesos.proxy.baseURL': undefined,
  'spark.mesos.dispatcher.historyServer.url': undefined,
  'spark.mesos.rejectOfferDuration': '120s',
  'spark.mesos.rejectOfferDurationForUnmetConstraints': '120s',
  'spark.mesos.rejectOfferDurationForReachedMaxCores': '120s',
  'spark.mesos.task.labels': '',
  'spark.mesos.driver.labels': undefined,
  'spark.mesos.uris': '',
  'spark.executor.uri': undefined,
  'spark.mesos.executor.home': undefined,
  'spark.mesos.fetcherCache.enable': 'false',
  'spark.mesos.appJar.local.resolution.mode': 'host',
  'spark.mesos.maxDrivers': '200',
  'spark.mesos.retainedDrivers': '200',
  'spark.mesos.driver.failoverTimeout': '0.0',
  'spark.mesos.dispatcher.queue': undefined,
  'spark.mesos.cluster.retry.wait.max': '60',
};

test('every key of the spec reference resolves through SparkConf with its documented default', () => {
  const conf = new SparkConf();
  for (const [key, dflt] of Object.entries(SPEC_REFERENCE)) {
    const e = config.findEntry(key);
    assert.ok(e, `${key} is in the catalog`);
    if (dflt === undefined) {
      assert.equal(conf.get(e), undefined, `${key} is unset by default`);
      assert.equal(conf.get(key, 'fallback'), 'fallback');
    } else {
      assert.equal(conf.get(key), dflt, `${key} default`);
      assert.doesNotThrow(() => conf.get(e), `${key} default parses`);
    }
  }
});

test('the core keys the backends read are in the catalog', () => {
  for (const key of [
    'spark.executor.cores', 'spark.executor.memory', 'spark.task.cpus', 'spark.dynamicAllocation.enabled',
    'spark.dynamicAllocation.minExecutors', 'spark.dynamicAllocation.maxExecutors', 'spark.dynamicAllocation.initialExecutors',
    'spark.dynamicAllocation.executorIdleTimeout', 'spark.dynamicAllocation.cachedExecutorIdleTimeout',
    'spark.dynamicAllocation.schedulerBacklogTimeout', 'spark.shuffle.service.enabled', 'spark.shuffle.service.port',
    'spark.authenticate', 'spark.authenticate.secret', 'spark.deploy.recoveryMode', 'spark.deploy.zookeeper.url',
    'spark.deploy.zookeeper.dir', 'spark.network.timeout', 'spark.executor.heartbeatInterval', 'spark.blockManager.port',
    'spark.scheduler.minRegisteredResourcesRatio', 'spark.scheduler.maxRegisteredResourcesWaitingTime',
  ]) assert.ok(config.findEntry(key), key);
  const c = new SparkConf();
  assert.equal(c.get(config.DYN_ALLOC_INITIAL_EXECUTORS), 0, 'initialExecutors falls back to minExecutors');
  c.set('spark.dynamicAllocation.minExecutors', '2');
  assert.equal(c.get(config.DYN_ALLOC_INITIAL_EXECUTORS), 2);
  assert.equal(c.get(config.BLOCK_MANAGER_HEARTBEAT_TIMEOUT), 120_000, 'falls back to spark.network.timeout in ms');
});

test('every entry is documented and its default parses', () => {
  const conf = new SparkConf();
  for (const e of config.allEntries()) {
    assert.ok(e.doc.length > 10, `${e.key} has a doc`);
    assert.ok(e.key.startsWith('spark.'), e.key);
    if (e.default !== undefined) assert.doesNotThrow(() => conf.get(e), e.key);
  }
});

test('docs/configuration.md is generated from the catalog and up to date', () => {
  const onDisk = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
  assert.equal(onDisk, renderConfigurationReference(), 'run `npm run docs` to regenerate docs/configuration.md');
  for (const e of config.allEntries()) assert.ok(onDisk.includes(`\`${e.key}\``), `${e.key} listed`);
  for (const key of Object.keys(SPEC_REFERENCE)) assert.ok(onDisk.includes(`\`${key}\``), `${key} listed`);
});
