/**
 * `/metrics/executors/prometheus` (Spark's PrometheusResource, `spark.ui.prometheus.enabled`): one line per metric of
 * each active executor, the driver included, labelled with the application and executor, with no HELP/TYPE lines.
 */
import type { AppStatusStore } from '../status/AppStatusStore.js';
import { SPARK_VERSION } from '../version.js';

const label = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

export function executorPrometheus(store: AppStatusStore): string {
  const app = store.app;
  const lines = [`spark_info{version="${SPARK_VERSION}", revision=""} 1.0`];
  for (const x of [...store.executors.values()].filter((e) => e.isActive)) {
    const labels = `{application_id="${label(app?.id ?? '')}", application_name="${label(app?.name ?? '')}", executor_id="${label(x.id)}"}`;
    const used = store.storage.usageOf(x.id);
    const metrics: [string, number][] = [
      ['rddBlocks', used.blocks], ['memoryUsed_bytes', used.mem], ['diskUsed_bytes', used.disk], ['totalCores', x.totalCores], ['maxTasks', x.maxTasks],
      ['activeTasks', x.activeTasks], ['failedTasks_total', x.failedTasks], ['completedTasks_total', x.completedTasks], ['totalTasks_total', store.totalTasks(x)],
      ['totalDuration_seconds_total', x.totalDuration * 0.001], ['totalGCTime_seconds_total', x.totalGCTime * 0.001],
      ['totalInputBytes_bytes_total', x.totalInputBytes], ['totalShuffleRead_bytes_total', x.totalShuffleRead], ['totalShuffleWrite_bytes_total', x.totalShuffleWrite],
      ['maxMemory_bytes', x.maxMemory],
    ];
    if (x.maxOnHeapMemory !== undefined) {
      metrics.push(['usedOnHeapStorageMemory_bytes', used.mem], ['usedOffHeapStorageMemory_bytes', 0], ['totalOnHeapStorageMemory_bytes', x.maxOnHeapMemory], ['totalOffHeapStorageMemory_bytes', 0]);
    }
    for (const [name, v] of metrics) lines.push(`metrics_executor_${name}${labels} ${v}`);
  }
  return lines.join('\n') + '\n';
}
