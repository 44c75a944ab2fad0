/**
 * The `spark.hadoop.*` settings remote stores read, with the prefix removed (`fs.s3a.endpoint`), as Spark hands
 * them to Hadoop. They travel with the tasks that read or write a remote store.
 */
import type { SparkConf } from '../conf/SparkConf.js';
import { HADOOP_PREFIX } from '../conf/catalog.js';

export function ioSettings(conf: SparkConf): Record<string, string> {
  return Object.fromEntries(conf.getAllWithPrefix(HADOOP_PREFIX));
}
