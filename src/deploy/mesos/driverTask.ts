/**
 * The Mesos task that runs a submitted driver (Spark's `MesosClusterScheduler.createTaskInfo`): our submit CLI in
 * client mode in the sandbox, the application file and URIs fetched there, the driver's environment, container,
 * labels and secrets. Sensitive properties travel as a Mesos secret, never on the command line.
 */
import { SparkConf } from '../../conf/SparkConf.js';
import { driverNodeOptions } from '../../conf/nodeOptions.js';
import * as config from '../../conf/catalog.js';
import { isSensitive } from '../../conf/redaction.js';
import type { CommandURI, Environment } from '../../mesos/wire/container.js';
import type { Resource } from '../../mesos/wire/resources.js';
import type { TaskInfo } from '../../mesos/wire/task.js';
import { MesosProtoUtils } from '../../cluster/mesos/MesosProtoUtils.js';
import { MesosSchedulerBackendUtil } from '../../cluster/mesos/MesosSchedulerBackendUtil.js';
import { MesosSecretConfig } from '../../cluster/mesos/MesosSecretConfig.js';
import { libraryPathPrefix, nodeOptionArgs, uriBasename } from '../../cluster/mesos/executorTask.js';
import { SparkException } from '../../util/errors.js';
import { driverConf, type MesosDriverDescription } from './MesosDriverDescription.js';
import { shellEscape } from './shellEscape.js';

/** The environment variable carrying the driver's sensitive properties (a Mesos VALUE secret, JSON). */
export const SECRET_CONF_ENV = 'SPARK_MESOS_SECRET_CONF';

export interface DriverTaskContext {
  taskId: string;
  agentId: string;
  resources: Resource[];
  /** The dispatcher's Mesos master, without `mesos://`. */
  master: string;
  /** The id the driver registers its own framework with: `<dispatcher framework id>-<task id>`. */
  driverFrameworkId: string;
  /** The dispatcher's configuration (defaults, URIs, Spark home). */
  dispatcherConf: SparkConf;
  /** This installation's root, when neither `spark.mesos.executor.home` nor `spark.home` is set. */
  defaultHome: string;
}

const NOT_FORWARDED = new Set(['spark.jars', 'spark.submit.deployMode', 'spark.master', 'spark.submit.appFile']);

function lastSegment(url: string): string {
  return url.replace(/\/+$/, '').split('/').pop() ?? url;
}

/** Where `bin/spark-mesos` comes from and where the sandbox is, relative to its working directory. */
function launcher(d: MesosDriverDescription, conf: SparkConf, ctx: DriverTaskContext): { run: string; sandbox: string; executorUri?: string } {
  if (conf.get(config.MESOS_EXECUTOR_DOCKER_IMAGE) !== undefined) return { run: './bin/spark-mesos', sandbox: '$MESOS_SANDBOX' };
  const uri = conf.get(config.EXECUTOR_URI) ?? d.environment.SPARK_EXECUTOR_URI;
  if (uri !== undefined) {
    const lib = ctx.dispatcherConf.get(config.EXECUTOR_EXTRA_LIBRARY_PATH);
    const prefix = lib !== undefined ? `${libraryPathPrefix(lib)} ` : '';
    return { run: `cd ${shellEscape(uriBasename(uri))}*; ${prefix}bin/spark-mesos`, sandbox: '..', executorUri: uri };
  }
  const home = conf.get(config.MESOS_EXECUTOR_HOME) ?? ctx.dispatcherConf.get(config.SPARK_HOME) ?? process.env.SPARK_HOME ?? ctx.defaultHome;
  if (!home) throw new SparkException('Executor Spark home `spark.mesos.executor.home` is not set!');
  return { run: shellEscape(`${home.replace(/\/$/, '')}/bin/spark-mesos`), sandbox: '.' };
}

/** The driver's properties after the dispatcher's `spark.mesos.dispatcher.driverDefault.*`, split by sensitivity. */
export function driverProperties(d: MesosDriverDescription, dispatcherConf: SparkConf, driverFrameworkId: string): { plain: [string, string][]; secret: Record<string, string> } {
  const merged = new Map<string, string>(dispatcherConf.getAllWithPrefix('spark.mesos.dispatcher.driverDefault.'));
  for (const [k, v] of Object.entries(d.conf)) merged.set(k, v);
  merged.set('spark.mesos.driver.frameworkId', driverFrameworkId);
  const plain: [string, string][] = [];
  const secret: Record<string, string> = {};
  for (const [k, v] of [...merged].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (NOT_FORWARDED.has(k)) continue;
    if (isSensitive(k, v)) secret[k] = v;
    else plain.push([k, v]);
  }
  return { plain, secret };
}

export function buildDriverCommandLine(d: MesosDriverDescription, ctx: DriverTaskContext): { value: string; uris: CommandURI[]; secretConf: Record<string, string> } {
  const conf = driverConf(d);
  const { run, sandbox, executorUri } = launcher(d, conf, ctx);
  const containerLocal = d.jarUrl.startsWith('local://') && conf.get(config.MESOS_APP_JAR_LOCAL_RESOLUTION_MODE) === 'container';
  const opts: string[] = [
    '--name', d.name,
    '--master', `mesos://${ctx.master}`,
    '--driver-cores', String(d.cores),
    '--driver-memory', `${d.mem}M`,
  ];
  if (d.mainClass) opts.push('--class', d.mainClass);
  if (conf.contains(config.EXECUTOR_MEMORY.key)) opts.push('--executor-memory', conf.getRaw(config.EXECUTOR_MEMORY.key)!);
  if (conf.contains(config.CORES_MAX.key)) opts.push('--total-executor-cores', conf.getRaw(config.CORES_MAX.key)!);
  const { plain, secret } = driverProperties(d, ctx.dispatcherConf, ctx.driverFrameworkId);
  for (const [k, v] of plain) opts.push('--conf', `${k}=${v}`);
  // The driver's Node options (with the dispatcher's defaults), unless sensitive: those stay off the command line,
  // and the driver's submit applies them itself from its secret configuration.
  const nodeArgs = nodeOptionArgs(driverNodeOptions(new SparkConf(plain)));
  const primary = containerLocal ? d.jarUrl.slice('local://'.length) : `${sandbox}/${lastSegment(d.jarUrl)}`;
  // `$MESOS_SANDBOX` must reach the shell unquoted to expand.
  const quotedPrimary = primary.startsWith('$MESOS_SANDBOX/') ? `"$MESOS_SANDBOX"/${shellEscape(primary.slice('$MESOS_SANDBOX/'.length))}` : shellEscape(primary);
  const value = [`${run}${nodeArgs} submit`, ...opts.map(shellEscape), quotedPrimary, ...d.arguments.map(shellEscape)].join(' ');
  const cache = conf.get(config.MESOS_FETCHER_CACHE_ENABLE) || ctx.dispatcherConf.get(config.MESOS_FETCHER_CACHE_ENABLE);
  const uris = [
    ...(containerLocal ? [] : [d.jarUrl.replace(/^local:/, 'file:')]),
    ...ctx.dispatcherConf.get(config.MESOS_URIS),
    ...conf.get(config.MESOS_URIS),
    ...(executorUri !== undefined ? [executorUri] : []),
  ].map((u) => ({ value: u.trim(), cache }));
  return { value, uris, secretConf: secret };
}

export function buildDriverTaskInfo(d: MesosDriverDescription, ctx: DriverTaskContext): TaskInfo {
  const conf = driverConf(d);
  const { value, uris, secretConf } = buildDriverCommandLine(d, ctx);
  const variables: Environment.Variable[] = [];
  const env = new Map<string, string>(conf.getAllWithPrefix('spark.mesos.driverEnv.'));
  for (const [k, v] of Object.entries(d.environment)) env.set(k, v);
  for (const [name, v] of env) variables.push({ name, value: v });
  if (Object.keys(secretConf).length > 0) {
    variables.push({ name: SECRET_CONF_ENV, type: 'SECRET', secret: { type: 'VALUE', value: { data: Buffer.from(JSON.stringify(secretConf)).toString('base64') } } });
  }
  const secrets = new MesosSecretConfig('driver');
  variables.push(...MesosSchedulerBackendUtil.getSecretEnvVar(conf, secrets));
  const container = MesosSchedulerBackendUtil.buildContainerInfo(conf);
  const volumes = MesosSchedulerBackendUtil.getSecretVolume(conf, secrets);
  if (volumes.length > 0) container.volumes = [...(container.volumes ?? []), ...volumes];
  return {
    name: `Driver for ${d.name}`,
    task_id: { value: ctx.taskId },
    agent_id: { value: ctx.agentId },
    resources: ctx.resources,
    command: { value, environment: { variables }, ...(uris.length > 0 ? { uris } : {}) },
    container,
    labels: MesosProtoUtils.mesosLabels(conf.get(config.MESOS_DRIVER_LABELS) ?? ''),
  };
}
