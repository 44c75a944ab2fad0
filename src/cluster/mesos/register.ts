/** Registers the Mesos cluster manager: `mesos://host:port` and `mesos://zk://...` masters. */
import { registerClusterManager } from '../../scheduler/clusterManagers.js';
import * as config from '../../conf/catalog.js';
import { MesosCoarseGrainedSchedulerBackend } from './MesosCoarseGrainedSchedulerBackend.js';
import { MesosFineGrainedSchedulerBackend } from './MesosFineGrainedSchedulerBackend.js';
import { SparkException } from '../../util/errors.js';

registerClusterManager({
  canCreate: (master) => master.startsWith('mesos'),
  create: (master, conf) => {
    const m = /^mesos:\/\/(.+)$/.exec(master);
    if (!m) throw new SparkException(`Could not parse Master URL: '${master}' (expected mesos://host:port or mesos://zk://host:port/path)`);
    // spark.mesos.coarse=false: every task its own Mesos task (Spark's fine-grained mode).
    if (!conf.get(config.MESOS_COARSE)) return new MesosFineGrainedSchedulerBackend(m[1]!, conf);
    return new MesosCoarseGrainedSchedulerBackend(m[1]!, conf);
  },
});
