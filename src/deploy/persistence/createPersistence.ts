import { homedir } from 'node:os';
import { join } from 'node:path';
import type { SparkConf } from '../../conf/SparkConf.js';
import * as config from '../../conf/catalog.js';
import { BlackHolePersistenceEngine, type PersistenceEngine } from './PersistenceEngine.js';
import { FileSystemPersistenceEngine } from './FileSystemPersistenceEngine.js';
import { ZooKeeperPersistenceEngine } from './ZooKeeperPersistenceEngine.js';
import type { ZooKeeperOptions } from './zkClient.js';
import { chooseDefaultRecoveryDirectory, type StoreIdentity } from './storeIdentity.js';
import { existsSync } from 'node:fs';
import { getLogger } from '../../util/logging.js';

const log = getLogger('createPersistence');

/** The dispatcher's ZooKeeper settings (the store and the leader election share them). */
export function zooKeeperSettings(conf: SparkConf): { url: string; dir: string; opts: ZooKeeperOptions } {
  const url = conf.get(config.ZOOKEEPER_URL);
  if (!url) throw new Error('spark.deploy.recoveryMode is ZOOKEEPER, but spark.deploy.zookeeper.url (or --zk) is not set');
  const auth = conf.get(config.ZOOKEEPER_AUTH) ?? process.env.SPARK_DEPLOY_ZOOKEEPER_AUTH;
  return { url, dir: conf.get(config.ZOOKEEPER_DIR), opts: { auth, sessionTimeoutMs: conf.get(config.ZOOKEEPER_SESSION_TIMEOUT) * 1000 } };
}

/**
 * The engine `spark.deploy.recoveryMode` names, with its settings checked (the key named when one is missing). The
 * default FILESYSTEM directory is scoped to the dispatcher's Mesos master and framework name.
 */
export async function createPersistenceEngine(conf: SparkConf, identity: StoreIdentity): Promise<PersistenceEngine> {
  const mode = conf.get(config.RECOVERY_MODE);
  if (mode === 'ZOOKEEPER') {
    const zk = zooKeeperSettings(conf);
    return ZooKeeperPersistenceEngine.open(zk.url, zk.dir, zk.opts);
  }
  if (mode === 'FILESYSTEM') {
    const explicit = conf.get(config.RECOVERY_DIRECTORY);
    if (explicit !== undefined) return new FileSystemPersistenceEngine(explicit);
    const { dir, legacy } = chooseDefaultRecoveryDirectory(join(homedir(), '.spark-mesos', 'recovery'), identity, existsSync);
    if (legacy) log.warn({ dir }, 'recovering from the unscoped store of an earlier version; set spark.deploy.recoveryDirectory to keep using it explicitly');
    return new FileSystemPersistenceEngine(dir);
  }
  return new BlackHolePersistenceEngine();
}
