/**
 * The driver of bench/mesos.ts' executor-launch measurement, run as a process of its own (on a simulated host in
 * `--hosts` mode, on this host otherwise): prints `LAUNCH <json>` with the time from `new SparkContext` to each
 * executor's registration and to the first task run on all of them.
 *   tsx bench/mesos-launch-driver.ts mesos://<master> <executors>
 */
import { performance } from 'node:perf_hooks';
import { SparkConf, SparkContext } from '../src/index.js';

const [master, n] = [process.argv[2]!, Number(process.argv[3] ?? 4)];
const t0 = performance.now();
const sc = new SparkContext(new SparkConf().setMaster(master).setAppName('bench-launch')
  .set('spark.executor.cores', '1').set('spark.executor.memory', '256m').set('spark.cores.max', String(n)).set('spark.ui.enabled', 'false'));
const registered: number[] = [];
sc.addSparkListener((e) => {
  if (e.type === 'executorAdded') registered.push(performance.now() - t0);
});
try {
  await sc.ready();
  while (sc.executorIds.length < n) await new Promise((r) => setTimeout(r, 5));
  const all = performance.now() - t0;
  await sc.parallelize(Array.from({ length: n }, (_, i) => i), n).count();
  const firstJob = performance.now() - t0;
  console.log(`LAUNCH ${JSON.stringify({ registered: registered.sort((a, b) => a - b), all, firstJob })}`);
} finally {
  await sc.stop();
}
