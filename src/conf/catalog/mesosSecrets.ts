/**
 * Mesos secret and label keys: task labels and the driver and executor secrets.
 * The catalog's `Mesos: secrets and labels` category; `../catalog.ts` re-exports it.
 */
import { entry } from '../ConfigEntry.js';

export const MESOS_NETWORK_LABELS = entry({ key: 'spark.mesos.network.labels', type: 'string', category: 'Mesos: secrets and labels', since: '2.3.0',
  doc: 'Labels `k:v,k2:v2` handed to the CNI plugin with the named network.' });
export const MESOS_TASK_LABELS = entry({ key: 'spark.mesos.task.labels', type: 'string', default: '', category: 'Mesos: secrets and labels', since: '2.2.0',
  doc: 'Labels `k:v,k2:v2` on every executor task; `\\,` and `\\:` escape.' });
export const MESOS_DRIVER_LABELS = entry({ key: 'spark.mesos.driver.labels', type: 'string', category: 'Mesos: secrets and labels', since: '2.3.0',
  doc: 'Cluster mode: labels `k:v,k2:v2` on the driver task.' });

function secretEntries(kind: 'driver' | 'executor') {
  const who = kind === 'driver' ? 'the driver (cluster mode)' : 'executors';
  return {
    names: entry({ key: `spark.mesos.${kind}.secret.names`, type: 'list', category: 'Mesos: secrets and labels', since: '2.3.0',
      doc: `Reference secrets for ${who}, comma-separated secret-store names. Exclusive with \`spark.mesos.${kind}.secret.values\`.` }),
    values: entry({ key: `spark.mesos.${kind}.secret.values`, type: 'list', secret: true, category: 'Mesos: secrets and labels', since: '2.3.0',
      doc: `Value secrets for ${who}, comma-separated literal values.` }),
    envKeys: entry({ key: `spark.mesos.${kind}.secret.envkeys`, type: 'list', category: 'Mesos: secrets and labels', since: '2.3.0',
      doc: `Environment variables that receive the ${kind} secrets, one per secret.` }),
    filenames: entry({ key: `spark.mesos.${kind}.secret.filenames`, type: 'list', category: 'Mesos: secrets and labels', since: '2.3.0',
      doc: `Files (relative to the sandbox unless absolute) that receive the ${kind} secrets, one per secret.` }),
  };
}
export const MESOS_DRIVER_SECRETS = secretEntries('driver');
export const MESOS_EXECUTOR_SECRETS = secretEntries('executor');
