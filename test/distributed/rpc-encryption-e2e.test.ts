/** spark.network.crypto.enabled end to end: executors' driver connections and block servers are encrypted, and a shuffle works. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SparkConf, SparkContext } from '../../src/index.js';
import type { LocalClusterBackend } from '../../src/scheduler/cluster/LocalClusterBackend.js';
import { Connection } from '../../src/rpc/Connection.js';

for (const crypto of [true, false]) {
  test(`local-cluster with spark.network.crypto.enabled=${crypto}: a shuffle across executors, and every connection ${crypto ? 'encrypted' : 'in the clear'}`, async () => {
    const sc = new SparkContext(new SparkConf().setMaster('local-cluster[2,1,512]').setAppName('crypto')
      .set('spark.authenticate', 'true').set('spark.authenticate.secret', 'correct horse').set('spark.network.crypto.enabled', String(crypto)));
    try {
      await sc.ready();
      const counts = await sc.parallelize(Array.from({ length: 1000 }, (_, i) => i), 4).map((x) => [x % 7, 1] as [number, number]).reduceByKey((a, b) => a + b, 3).collect();
      assert.equal(counts.reduce((s, [, n]) => s + n, 0), 1000);
      const driver = (sc.schedulerBackend as LocalClusterBackend).driver;
      assert.equal(driver.executors.size, 2);
      for (const e of driver.executors.values()) {
        assert.equal(e.conn.encrypted, crypto, `executor ${e.id}'s driver connection`);
        // A client that does not ask for encryption still gets it from an executor's block server that requires it.
        const probe = await Connection.connect(e.host, e.blockPort, { secret: 'correct horse', encrypt: false }, 'probe');
        assert.equal(probe.encrypted, crypto, `executor ${e.id}'s block server`);
        probe.close();
      }
    } finally {
      await sc.stop();
    }
  });
}
