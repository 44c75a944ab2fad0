/** Recovery stores belong to one Mesos cluster: the default directory is scoped, and another master's state is refused. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkStoreIdentity, defaultRecoveryDirectory, normalizeMaster } from '../../src/deploy/persistence/storeIdentity.js';

test('the default FILESYSTEM directory is one per Mesos master and framework name', () => {
  const dir = (master: string, frameworkName = 'Spark Cluster') => defaultRecoveryDirectory('/home/u/.spark-mesos/recovery', { master, frameworkName });
  assert.match(dir('127.0.0.1:5050'), /^\/home\/u\/\.spark-mesos\/recovery\/127\.0\.0\.1_5050--Spark_Cluster-[0-9a-f]{10}$/);
  assert.match(dir('zk://zk1:2181,zk2:2181/mesos'), /^\/home\/u\/\.spark-mesos\/recovery\/zk_zk1_2181_zk2_2181_mesos--Spark_Cluster-[0-9a-f]{10}$/);
  const all = [dir('127.0.0.1:5050'), dir('127.0.0.1:5051'), dir('127.0.0.1:5050', 'Other'), dir('zk://zk1:2181/mesos'), dir('zk://zk1:2181/mesos2'), dir('zk://zk1:2181/mesos_2'), dir('zk://zk1:2181/mesos.2')];
  assert.equal(new Set(all).size, all.length, 'distinct stores');
  // The same dispatcher finds its store again, however the master URL is spelled.
  assert.equal(dir('mesos://127.0.0.1:5050/'), dir('127.0.0.1:5050'));
  assert.equal(normalizeMaster('mesos://zk://a:2181/mesos/'), 'zk://a:2181/mesos');
});

test('state registered with another master is refused unless spark.mesos.dispatcher.recovery.allowMasterChange', () => {
  const me = { master: 'zk://zk1:2181/mesos', frameworkName: 'Spark Cluster' };
  const table: [unknown, boolean, string][] = [
    [undefined, false, 'claim'],
    [{}, false, 'claim'],
    [{ master: 'zk://zk1:2181/mesos', frameworkName: 'Spark Cluster' }, false, 'keep'],
    [{ master: 'zk://zk1:2181/mesos/', frameworkName: 'Old name' }, false, 'keep'],
    [{ master: '10.0.0.9:5050', frameworkName: 'Spark Cluster' }, false, 'refuse'],
    [{ master: '10.0.0.9:5050', frameworkName: 'Spark Cluster' }, true, 'adopt'],
  ];
  for (const [stored, allow, want] of table) {
    const what = `${JSON.stringify(stored)} allow=${allow}`;
    if (want === 'refuse') {
      assert.throws(() => checkStoreIdentity(stored as never, me, allow, 'directory /s'),
        /^Error: The recovery store directory \/s holds the state \(drivers and framework id\) of a dispatcher registered with Mesos master '10\.0\.0\.9:5050', but this dispatcher's master is 'zk:\/\/zk1:2181\/mesos'\. Refusing .*spark\.deploy\.recoveryDirectory.*spark\.mesos\.dispatcher\.recovery\.allowMasterChange=true/, what);
      continue;
    }
    const d = checkStoreIdentity(stored as never, me, allow, 'directory /s');
    assert.equal(d.action, want, what);
    if (d.action === 'adopt') assert.match(d.warning, /10\.0\.0\.9:5050.*zk:\/\/zk1:2181\/mesos/);
  }
});

test('the default store: scoped, unless only an earlier version\'s unscoped store exists', async () => {
  const { chooseDefaultRecoveryDirectory, defaultRecoveryDirectory } = await import('../../src/deploy/persistence/storeIdentity.js');
  const id = { master: '127.0.0.1:5050', frameworkName: 'Spark Cluster' };
  const scoped = defaultRecoveryDirectory('/h/r', id);
  const cases: [string[], string, boolean][] = [
    [[], scoped, false],
    [['/h/r/scheduler'], '/h/r', true],
    [['/h/r/scheduler', scoped], scoped, false],
    [[scoped], scoped, false],
  ];
  for (const [present, dir, legacy] of cases) {
    assert.deepEqual(chooseDefaultRecoveryDirectory('/h/r', id, (p) => present.includes(p)), { dir, legacy }, present.join(','));
  }
});
