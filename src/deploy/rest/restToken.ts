import { readFileSync } from 'node:fs';
import type { SparkConf } from '../../conf/SparkConf.js';
import * as config from '../../conf/catalog.js';

/**
 * The dispatcher's REST token, from (in order) `spark.mesos.dispatcher.rest.token`, the file named by
 * `spark.mesos.dispatcher.rest.token.file` or `SPARK_MESOS_DISPATCHER_TOKEN_FILE`, or `SPARK_MESOS_DISPATCHER_TOKEN`.
 * A file or the environment keeps it off command lines, where any local user sees it with `ps`.
 */
export function restToken(conf: SparkConf, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const direct = conf.get(config.MESOS_DISPATCHER_REST_TOKEN);
  if (direct) return direct;
  const file = conf.get(config.MESOS_DISPATCHER_REST_TOKEN_FILE) ?? env.SPARK_MESOS_DISPATCHER_TOKEN_FILE;
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new Error(`spark.mesos.dispatcher.rest.token.file: cannot read '${file}' (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    const token = text.replace(/\r?\n$/, '');
    if (!token) throw new Error(`spark.mesos.dispatcher.rest.token.file: '${file}' is empty`);
    return token;
  }
  return env.SPARK_MESOS_DISPATCHER_TOKEN || undefined;
}
