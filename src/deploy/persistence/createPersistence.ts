import { homedir } from 'node:os';
import { join } from 'node:path';
import type { SparkConf } from '../../conf/SparkConf.js';
import * as config from '../../conf/catalog.js';
import { BlackHolePersistenceEngine, type PersistenceEngine } from './PersistenceEngine.js';
import { FileSystemPersistenceEngine } from './FileSystemPersistenceEngine.js';
import { ZooKeeperPersistenceEngine } from './ZooKeeperPersistenceEngine.js';

/** The engine `spark.deploy.recoveryMode` names, with its settings checked (the key named when one is missing). */
export async function createPersistenceEngine(conf: SparkConf): Promise<PersistenceEngine> {
  const mode = conf.get(config.RECOVERY_MODE);
  if (mode === 'ZOOKEEPER') {
    const url = conf.get(config.ZOOKEEPER_URL);
    if (!url) throw new Error('spark.deploy.recoveryMode is ZOOKEEPER, but spark.deploy.zookeeper.url (or --zk) is not set');
    return ZooKeeperPersistenceEngine.open(url, conf.get(config.ZOOKEEPER_DIR));
  }
  if (mode === 'FILESYSTEM') return new FileSystemPersistenceEngine(conf.get(config.RECOVERY_DIRECTORY) ?? join(homedir(), '.spark-mesos', 'recovery'));
  return new BlackHolePersistenceEngine();
}
