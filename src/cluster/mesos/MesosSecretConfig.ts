import type { ConfigEntry } from '../../conf/ConfigEntry.js';
import { MESOS_DRIVER_SECRETS, MESOS_EXECUTOR_SECRETS } from '../../conf/catalog.js';
import { IllegalArgumentException } from '../../util/errors.js';

export type SecretTaskType = 'driver' | 'executor';

/**
 * The four secret settings of one task type: `spark.mesos.<type>.secret.{names,values,envkeys,filenames}`.
 * Names are REFERENCE secrets (resolved by the agent's secret store), values are VALUE secrets (the literal
 * bytes); env keys and file names say where each secret goes.
 */
export class MesosSecretConfig {
  readonly taskType: SecretTaskType;
  readonly secretNames: ConfigEntry<string[] | undefined>;
  readonly secretValues: ConfigEntry<string[] | undefined>;
  readonly secretEnvKeys: ConfigEntry<string[] | undefined>;
  readonly secretFilenames: ConfigEntry<string[] | undefined>;

  constructor(taskType: SecretTaskType) {
    if (taskType !== 'driver' && taskType !== 'executor') {
      throw new IllegalArgumentException(`MesosSecretConfig: taskType should be 'driver' or 'executor', but was '${String(taskType)}'`);
    }
    const entries = taskType === 'driver' ? MESOS_DRIVER_SECRETS : MESOS_EXECUTOR_SECRETS;
    this.taskType = taskType;
    this.secretNames = entries.names;
    this.secretValues = entries.values;
    this.secretEnvKeys = entries.envKeys;
    this.secretFilenames = entries.filenames;
  }
}
