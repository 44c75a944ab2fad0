/**
 * Recovery keys: where and how the cluster dispatcher persists its state.
 * The catalog's `Recovery` category; `../catalog.ts` re-exports it.
 */
import { entry } from '../ConfigEntry.js';

export const RECOVERY_MODE = entry({ key: 'spark.deploy.recoveryMode', type: 'enum', values: ['NONE', 'ZOOKEEPER', 'FILESYSTEM'], default: 'FILESYSTEM', category: 'Recovery',
  doc: 'Where the cluster dispatcher persists submissions so a restart loses none: `ZOOKEEPER` (`spark.deploy.zookeeper.*`), `FILESYSTEM` (`spark.deploy.recoveryDirectory`; our default for one machine, where Spark defaults to `NONE`) or `NONE` (nothing survives a restart).' });
export const ZOOKEEPER_URL = entry({ key: 'spark.deploy.zookeeper.url', type: 'string', category: 'Recovery',
  doc: 'ZooKeeper connect string (`host:port,host:port`) for `ZOOKEEPER` recovery.' });
export const ZOOKEEPER_DIR = entry({ key: 'spark.deploy.zookeeper.dir', type: 'string', default: '/spark_mesos_dispatcher', category: 'Recovery',
  doc: 'ZooKeeper path under which the dispatcher keeps its state.' });
export const ZOOKEEPER_AUTH = entry({ key: 'spark.deploy.zookeeper.auth', type: 'string', secret: true, category: 'Recovery', defaultDoc: 'env `SPARK_DEPLOY_ZOOKEEPER_AUTH`',
  doc: 'Digest credentials `user:password` for the dispatcher\'s znodes: they are created (and their existing ACLs replaced) so that only these credentials can read or change them. Unset, the znodes are open to anyone who reaches ZooKeeper, as in Spark.' });
export const ZOOKEEPER_SESSION_TIMEOUT = entry({ key: 'spark.deploy.zookeeper.sessionTimeout', type: 'time', unit: 's', default: '60s', min: 1, category: 'Recovery',
  doc: 'ZooKeeper session timeout of the dispatcher. When its store session expires (a long partition), it opens a new session and carries on; writes wait for it. With several dispatchers on one store (high availability), it is also how long a dead leader goes unnoticed before a standby takes over, and a leader whose election session expires or that is cut off from ZooKeeper this long exits.' });
export const RECOVERY_DIRECTORY = entry({ key: 'spark.deploy.recoveryDirectory', type: 'string', category: 'Recovery', defaultDoc: '`~/.spark-mesos/recovery/<master>--<framework name>-<hash>`',
  doc: 'Directory for `FILESYSTEM` recovery: one JSON file per driver, written atomically and fsynced before the submission is acknowledged. The default is one directory per Mesos master URL and framework name, so dispatchers of different clusters on one machine never share state.' });
export const MESOS_DISPATCHER_RECOVERY_ALLOW_MASTER_CHANGE = entry({ key: 'spark.mesos.dispatcher.recovery.allowMasterChange', type: 'boolean', default: 'false', category: 'Recovery',
  doc: 'Let the dispatcher recover state (drivers and framework id) stored by a dispatcher registered with a different Mesos master URL, e.g. after the master\'s address changed. Without it, such a store is refused at start.' });
