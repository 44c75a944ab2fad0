import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { chooseLocalRoots, createExecutorLocalDir, localDirInputs, removeExecutorLocalDir, type LocalDirInputs } from '../../src/executor/localDirs.js';

const base: LocalDirInputs = { shuffleServiceEnabled: false, tmpdir: '/os-tmp' };

// Spark's Utils.getConfiguredLocalDirs for executors outside YARN.
const table: [string, Partial<LocalDirInputs>, string[], string][] = [
  ['nothing set: the temporary directory', {}, ['/os-tmp'], 'tmpdir'],
  ['spark.local.dir', { confLocalDir: '/data/spark' }, ['/data/spark'], 'spark.local.dir'],
  ['spark.local.dir lists several', { confLocalDir: '/d1, /d2,,' }, ['/d1', '/d2'], 'spark.local.dir'],
  ['on Mesos: the sandbox', { mesosSandbox: '/sandbox' }, ['/sandbox'], 'MESOS_SANDBOX'],
  ['on Mesos the sandbox overrides spark.local.dir', { mesosSandbox: '/sandbox', confLocalDir: '/data/spark' }, ['/sandbox'], 'MESOS_SANDBOX'],
  ['on Mesos with the shuffle service: not the sandbox', { mesosSandbox: '/sandbox', confLocalDir: '/data/spark', shuffleServiceEnabled: true }, ['/data/spark'], 'spark.local.dir'],
  ['on Mesos with the shuffle service and no spark.local.dir', { mesosSandbox: '/sandbox', shuffleServiceEnabled: true }, ['/os-tmp'], 'tmpdir'],
  ['SPARK_LOCAL_DIRS wins over all', { sparkLocalDirs: '/e1,/e2', mesosSandbox: '/sandbox', confLocalDir: '/data/spark' }, ['/e1', '/e2'], 'SPARK_LOCAL_DIRS'],
  ['SPARK_LOCAL_DIRS wins with the shuffle service too', { sparkLocalDirs: '/e1', shuffleServiceEnabled: true }, ['/e1'], 'SPARK_LOCAL_DIRS'],
  ['an empty SPARK_LOCAL_DIRS counts as unset', { sparkLocalDirs: ' , ', confLocalDir: '/data/spark' }, ['/data/spark'], 'spark.local.dir'],
  ['an empty MESOS_SANDBOX counts as unset', { mesosSandbox: '', confLocalDir: '/data/spark' }, ['/data/spark'], 'spark.local.dir'],
];

for (const [name, inputs, roots, source] of table) {
  test(`local directory choice: ${name}`, () => {
    assert.deepEqual(chooseLocalRoots({ ...base, ...inputs }), { roots, source });
  });
}

test('the inputs come from the executor environment; the shuffle service variables turn the sandbox off', () => {
  assert.deepEqual(localDirInputs({ SPARK_LOCAL_DIRS: '/a', MESOS_SANDBOX: '/s', SPARK_CONF_LOCAL_DIR: '/c' }, '/t'),
    { sparkLocalDirs: '/a', mesosSandbox: '/s', confLocalDir: '/c', shuffleServiceEnabled: false, tmpdir: '/t' });
  assert.equal(localDirInputs({ SPARK_SHUFFLE_SERVICE_PORT: '7337' }, '/t').shuffleServiceEnabled, true);
  assert.equal(localDirInputs({ SPARK_SHUFFLE_SERVICE_DIR: '/ess' }, '/t').shuffleServiceEnabled, true);
});

test('per-application and per-executor folders, removed with the application folder once empty', () => {
  const root = mkdtempSync(join(tmpdir(), 'local-dirs-'));
  try {
    const a = createExecutorLocalDir([root], 'app/1', '0');
    const b = createExecutorLocalDir([root], 'app/1', '1');
    assert.equal(basename(dirname(a)), 'spark-mesos-app_1');
    assert.match(basename(a), /^executor-0-/);
    assert.equal(dirname(a), dirname(b));
    mkdirSync(join(a, 'shuffle'));
    removeExecutorLocalDir(a);
    assert.ok(!existsSync(a));
    assert.deepEqual(readdirSync(dirname(b)), [basename(b)], 'the other executor\'s folder stays');
    removeExecutorLocalDir(b);
    assert.deepEqual(readdirSync(root), [], 'the application folder went with its last executor');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a root that is a file is skipped; none usable is an error naming them', () => {
  const root = mkdtempSync(join(tmpdir(), 'local-dirs-'));
  try {
    const file = join(root, 'file');
    writeFileSync(file, 'not a folder');
    const ok = join(root, 'ok');
    assert.equal(dirname(dirname(createExecutorLocalDir([file, ok], 'app', '3'))), ok);
    assert.throws(() => createExecutorLocalDir([file], 'app', '3'), /could not create a local directory for executor 3 under any of .*file/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
