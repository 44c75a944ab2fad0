/** Registers the `local-cluster[N,cores,mem]` cluster manager. */
import { registerClusterManager } from '../clusterManagers.js';
import { LocalClusterBackend, parseLocalCluster } from './LocalClusterBackend.js';

registerClusterManager({
  canCreate: (master) => master.startsWith('local-cluster'),
  create: (master, conf) => {
    if (!parseLocalCluster(master)) throw new Error(`Could not parse Master URL: '${master}' (expected local-cluster[N,cores,memMB])`);
    return new LocalClusterBackend(master, conf);
  },
});
