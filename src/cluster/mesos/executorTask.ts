/**
 * The Mesos task that starts one coarse-grained executor (Spark's `createCommand` and TaskInfo building): command,
 * environment, URIs, container, labels and secrets, all from the configuration.
 */
import { IO_KEY_ENV } from '../../util/ioEncryption.js';
import { ioKey } from '../../scheduler/clusterManagers.js';
import { fileURLToPath } from 'node:url';
import type { SparkConf } from '../../conf/SparkConf.js';
import * as config from '../../conf/catalog.js';
import { executorNodeOptions } from '../../conf/nodeOptions.js';
import { shellEscape } from '../../util/shellEscape.js';
import type { CommandInfo, CommandURI, Environment } from '../../mesos/wire/container.js';
import type { TaskInfo } from '../../mesos/wire/task.js';
import { SparkException } from '../../util/errors.js';
import { CONF_LOCAL_DIR_ENV } from '../../executor/localDirs.js';
import { AUTH_TIMEOUT_ENV, CRYPTO_ENV } from '../../executor/cryptoEnv.js';
import { MesosProtoUtils } from './MesosProtoUtils.js';
import { MesosSchedulerBackendUtil } from './MesosSchedulerBackendUtil.js';
import { MesosSecretConfig } from './MesosSecretConfig.js';
import type { PlannedExecutor } from './CoarseOfferPlanner.js';

export interface ExecutorTaskContext {
  taskId: string;
  appId: string;
  appName: string;
  driverUrl: string;
  /** This installation's root, used when neither `spark.mesos.executor.home` nor `spark.home` is set. */
  defaultHome: string;
  /** Values only this process knows (the shared secret for `spark.authenticate`, travelling as a Mesos secret). */
  authSecret?: string;
  user: string;
}

/** This installation's root (where `bin/spark-mesos` is): three folders above this module in src or dist. */
export function installationRoot(): string {
  return fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');
}

/** `spark.executor.uri`'s file name up to its first dot: the folder the archive unpacks to (Spark's rule). */
export function uriBasename(uri: string): string {
  return uri.split('/').pop()!.split('.')[0]!;
}

/** `LD_LIBRARY_PATH=<path>:$LD_LIBRARY_PATH ` with the path quoted (`spark.executor.extraLibraryPath`). */
export function libraryPathPrefix(libPath: string): string {
  return `LD_LIBRARY_PATH=${shellEscape(libPath)}:"$LD_LIBRARY_PATH"`;
}

export function executorUri(conf: SparkConf): string | undefined {
  return conf.get(config.EXECUTOR_URI) ?? process.env.SPARK_EXECUTOR_URI;
}

/**
 * `bin/spark-mesos` arguments that become options of the executor's Node process (`spark.executor.extraNodeOptions`),
 * each quoted for the shell; empty, or starting with a space.
 */
export function nodeOptionArgs(options: readonly string[]): string {
  return options.map((o) => ` ${shellEscape(`--node-option=${o}`)}`).join('');
}

/**
 * How an executor starts on an agent: from `spark.executor.uri`'s archive or an installed home, plus `spark.mesos.uris`.
 * `taskId` is the executor id substituted in `spark.executor.extraNodeOptions` (fine-grained mode: the agent id).
 */
export function executorLauncher(conf: SparkConf, ctx: Pick<ExecutorTaskContext, 'defaultHome' | 'appId' | 'taskId'>): { run: string; uris: CommandURI[] } {
  const cache = conf.get(config.MESOS_FETCHER_CACHE_ENABLE);
  const libPath = conf.get(config.EXECUTOR_EXTRA_LIBRARY_PATH);
  const prefix = libPath !== undefined ? libraryPathPrefix(libPath) : '';
  const nodeArgs = nodeOptionArgs(executorNodeOptions(conf, { appId: ctx.appId, executorId: ctx.taskId }));
  const uri = executorUri(conf);
  const uris: CommandURI[] = [];
  let run: string;
  if (uri !== undefined) {
    run = `cd ${shellEscape(uriBasename(uri))}*; ${prefix} ./bin/spark-mesos${nodeArgs} executor`;
    uris.push({ value: uri, cache });
  } else {
    const home = conf.get(config.MESOS_EXECUTOR_HOME) ?? conf.get(config.SPARK_HOME) ?? process.env.SPARK_HOME ?? ctx.defaultHome;
    if (!home) throw new SparkException('Executor Spark home `spark.mesos.executor.home` is not set!');
    run = `${prefix} ${shellEscape(`${home.replace(/\/$/, '')}/bin/spark-mesos`)}${nodeArgs} executor`;
  }
  for (const u of conf.get(config.MESOS_URIS)) uris.push({ value: u, cache });
  return { run, uris };
}

/** The executor's environment: class path, options, user, memory, `spark.executorEnv.*`, shuffle service, secrets. */
export function executorEnvironment(conf: SparkConf, ctx: Pick<ExecutorTaskContext, 'appId' | 'taskId' | 'user' | 'authSecret'>): Environment {
  const variables: Environment.Variable[] = [];
  const classPath = conf.get(config.EXECUTOR_EXTRA_CLASSPATH);
  if (classPath !== undefined) variables.push({ name: 'SPARK_EXECUTOR_CLASSPATH', value: classPath });
  const opts = (conf.get(config.EXECUTOR_EXTRA_JAVA_OPTIONS) ?? '').replaceAll('{{APP_ID}}', ctx.appId).replaceAll('{{EXECUTOR_ID}}', ctx.taskId);
  variables.push({ name: 'SPARK_EXECUTOR_OPTS', value: opts });
  variables.push({ name: 'SPARK_USER', value: ctx.user });
  variables.push({ name: 'SPARK_EXECUTOR_MEMORY', value: `${conf.get(config.EXECUTOR_MEMORY)}m` });
  // The executor picks its scratch folder from this, the sandbox and SPARK_LOCAL_DIRS (executor/localDirs.ts).
  // Only when set: unset, the executor uses its own machine's temporary directory (its TMPDIR), as Spark does.
  if (conf.contains(config.LOCAL_DIR.key)) variables.push({ name: CONF_LOCAL_DIR_ENV, value: conf.get(config.LOCAL_DIR) });
  for (const [k, v] of conf.getAllWithPrefix('spark.executorEnv.')) variables.push({ name: k, value: v });
  if (conf.get(config.SHUFFLE_SERVICE_ENABLED)) {
    const dir = conf.get(config.SHUFFLE_SERVICE_LOCAL_DIR);
    if (dir) variables.push({ name: 'SPARK_SHUFFLE_SERVICE_DIR', value: dir });
    variables.push({ name: 'SPARK_SHUFFLE_SERVICE_PORT', value: String(conf.get(config.SHUFFLE_SERVICE_PORT)) });
  }
  if (ctx.authSecret !== undefined) {
    variables.push({ name: 'SPARK_AUTHENTICATE_SECRET', type: 'SECRET', secret: { type: 'VALUE', value: { data: Buffer.from(ctx.authSecret).toString('base64') } } });
    if (conf.get(config.NETWORK_CRYPTO_ENABLED)) variables.push({ name: CRYPTO_ENV, value: 'true' });
    variables.push({ name: AUTH_TIMEOUT_ENV, value: String(conf.get(config.NETWORK_AUTH_RPC_TIMEOUT) * 1000) });
  }
  const key = ioKey(conf);
  if (key) variables.push({ name: IO_KEY_ENV, type: 'SECRET', secret: { type: 'VALUE', value: { data: Buffer.from(key).toString('base64') } } });
  variables.push(...MesosSchedulerBackendUtil.getSecretEnvVar(conf, new MesosSecretConfig('executor')));
  return { variables };
}

export function buildExecutorCommand(conf: SparkConf, e: PlannedExecutor, ctx: ExecutorTaskContext): CommandInfo {
  const { run, uris } = executorLauncher(conf, ctx);
  const cores = e.cpus + conf.get(config.MESOS_EXTRA_CORES);
  // Every value is quoted: ids, URLs and host names come from offers and settings, not from us.
  let value = `${run} --driver-url ${shellEscape(ctx.driverUrl)} --executor-id ${shellEscape(ctx.taskId)} --cores ${cores} --app-id ${shellEscape(ctx.appId)}`;
  // With a named (CNI) network the container has its own address; the executor finds it itself (SPARK-28778).
  if (conf.get(config.MESOS_NETWORK_NAME) === undefined) value += ` --hostname ${shellEscape(e.hostname)}`;
  const environment = executorEnvironment(conf, ctx);
  // The port taken from the offer for this executor: its block server binds exactly it (TaskThreads reads it).
  const blockPort = conf.get(config.BLOCK_MANAGER_PORT);
  if (blockPort !== 0) environment.variables!.push({ name: 'SPARK_BLOCK_MANAGER_PORT', value: String(blockPort) });
  return { value, environment, ...(uris.length > 0 ? { uris } : {}) };
}

/** The executor's container (`spark.mesos.executor.docker.*`, volumes, network) with its secret volumes. */
export function executorContainer(conf: SparkConf): NonNullable<TaskInfo['container']> {
  const container = MesosSchedulerBackendUtil.buildContainerInfo(conf);
  const secretVolumes = MesosSchedulerBackendUtil.getSecretVolume(conf, new MesosSecretConfig('executor'));
  if (secretVolumes.length > 0) container.volumes = [...(container.volumes ?? []), ...secretVolumes];
  return container;
}

export function buildExecutorTaskInfo(conf: SparkConf, e: PlannedExecutor, ctx: ExecutorTaskContext): TaskInfo {
  const container = executorContainer(conf);
  return {
    name: `${ctx.appName} ${ctx.taskId}`,
    task_id: { value: ctx.taskId },
    agent_id: { value: e.agentId },
    resources: e.resources,
    command: buildExecutorCommand(conf, e, ctx),
    container,
    labels: MesosProtoUtils.mesosLabels(conf.get(config.MESOS_TASK_LABELS)),
  };
}
