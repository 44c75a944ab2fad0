import { existsSync } from 'node:fs';
import { sslClientOptions } from '../conf/sslOptions.js';
import { restToken } from '../deploy/rest/restToken.js';
import { register } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import { SparkConf } from '../conf/SparkConf.js';
import * as config from '../conf/catalog.js';
import { RestSubmissionClient } from '../deploy/rest/RestSubmissionClient.js';
import { IllegalArgumentException } from '../util/errors.js';
import { applyConfFlags, collect } from './confFlags.js';
import { SECRET_CONF_ENV } from '../deploy/mesos/driverTask.js';
import { driverNodeOptions, executorNodeOptions } from '../conf/nodeOptions.js';
import { missingNodeOptions, reexecWithNodeOptions, takeReexecMarker } from './nodeOptionsReexec.js';
import { MIN_DRIVER_HEAP_MIB, withHeapCap } from '../memory/heapLimit.js';
import { getLogger } from '../util/logging.js';
import { runMainExport } from './mainExport.js';

const log = getLogger('submit');

function checked(entry: { parse(raw: string): unknown }, flag: string) {
  return (v: string) => {
    try {
      entry.parse(v);
    } catch (err) {
      throw new InvalidArgumentError(`${flag}: ${(err as Error).message}`);
    }
    return v;
  };
}

export interface SubmitOptions {
  master?: string;
  deployMode?: 'client' | 'cluster';
  name?: string;
  /** Spark's main class; for a JavaScript/TypeScript application, the exported function to run (if it has one). */
  class?: string;
  conf: string[];
  propertiesFile?: string;
  driverMemory?: string;
  driverCores?: string;
  executorMemory?: string;
  executorCores?: string;
  totalExecutorCores?: string;
  supervise?: boolean;
  kill?: string;
  status?: string;
  verbose?: boolean;
}

/** The effective configuration of a submission: properties file, then --conf, then the dedicated flags. */
export function submissionConf(o: SubmitOptions, appFile: string | undefined): SparkConf {
  const conf = new SparkConf({});
  if (o.propertiesFile) conf.loadPropertiesFile(o.propertiesFile);
  applyConfFlags(conf, o.conf);
  // A driver launched by the dispatcher gets its sensitive properties this way, never on its command line.
  const secretConf = process.env[SECRET_CONF_ENV];
  if (secretConf) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(secretConf);
    } catch {
      throw new IllegalArgumentException(`${SECRET_CONF_ENV} should hold a JSON object of settings`);
    }
    for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) conf.set(k, String(v));
  }
  const flags: [string | undefined, string][] = [
    [o.master, 'spark.master'], [o.deployMode, 'spark.submit.deployMode'], [o.name, 'spark.app.name'],
    [o.driverMemory, 'spark.driver.memory'], [o.driverCores, 'spark.driver.cores'], [o.executorMemory, 'spark.executor.memory'],
    [o.executorCores, 'spark.executor.cores'], [o.totalExecutorCores, 'spark.cores.max'],
  ];
  for (const [v, k] of flags) if (v !== undefined) conf.set(k, v);
  if (o.supervise) conf.set('spark.driver.supervise', 'true');
  conf.setIfMissing('spark.master', 'local[*]');
  if (appFile) {
    conf.setIfMissing('spark.app.name', appFile.replace(/^.*\//, '').replace(/\.[cm]?[jt]s$/, ''));
    conf.set('spark.submit.appFile', resolve(appFile));
  }
  // Catch bad values now, with the key named, rather than in the middle of the job.
  for (const e of [config.DRIVER_MEMORY, config.EXECUTOR_MEMORY, config.EXECUTOR_CORES, config.CORES_MAX, config.DRIVER_SUPERVISE, config.SUBMIT_DEPLOY_MODE]) {
    if (conf.contains(e.key)) conf.get(e as config.ConfigEntryLike);
  }
  driverNodeOptions(conf);
  executorNodeOptions(conf, { appId: '', executorId: '' });
  return conf;
}

function printResponse(r: unknown): void {
  process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
}

/**
 * Applications import 'spark-mesos'; wherever the file is (a Mesos sandbox has no node_modules), that name resolves
 * to this installation, so the application and this command share one engine. The application file itself is an
 * ES module even where no package.json says so (a sandbox), so top-level await works.
 */
function resolveSelf(appUrl: string): void {
  const here = import.meta.url;
  const index = new URL(`../index.${here.endsWith('.ts') ? 'ts' : 'js'}`, here).href;
  const hooks = `
    export async function resolve(s, c, next) { return next(s === 'spark-mesos' ? ${JSON.stringify(index)} : s, c); }
    export async function load(u, c, next) { return u === ${JSON.stringify(appUrl)} ? next(u, { ...c, format: 'module' }) : next(u, c); }`;
  register(`data:text/javascript,${encodeURIComponent(hooks)}`);
}

async function runClientMode(appFile: string, args: string[], conf: SparkConf, mainClass: string | undefined): Promise<void> {
  const path = resolve(appFile);
  if (!existsSync(path)) throw new IllegalArgumentException(`application file '${appFile}' does not exist`);
  process.env.SPARK_MESOS_CONF = JSON.stringify(Object.fromEntries(conf.getAll()));
  process.argv = [process.argv[0]!, path, ...args];
  if (/\.[cm]?ts$/.test(path)) {
    const tsx = await import('tsx/esm/api');
    tsx.register();
  }
  const url = pathToFileURL(path).href;
  resolveSelf(url);
  const mod = (await import(url)) as Record<string, unknown>;
  if (mainClass) await runMainExport(mod, mainClass, args, (line) => log.info(line));
}

export function submitCommand(name = 'submit'): Command {
  return new Command(name)
    .description('Run an application (a JavaScript or TypeScript module) on local threads, a local cluster or Mesos')
    .argument('[app]', 'the application module')
    .argument('[args...]', 'arguments for the application')
    .option('--master <url>', 'local[N], local-cluster[N,cores,mem], mesos://host:port or mesos://zk://... (default local[*])')
    .addOption(new Option('--deploy-mode <mode>', 'run the driver here (client) or on the cluster through the dispatcher (cluster)').choices(['client', 'cluster']))
    .option('--name <name>', 'application name')
    .option('--class <name>', "the application's main class (Spark); for a JS/TS module, the exported function to run with the arguments, ignored if it has no such export")
    .option('--conf <key=value>', 'a configuration property (repeatable)', collect, [])
    .option('--properties-file <file>', 'a spark-defaults.conf-style file of properties')
    .option('--driver-memory <mem>', 'driver memory, e.g. 1g', checked(config.DRIVER_MEMORY, '--driver-memory'))
    .option('--driver-cores <n>', 'driver cores (cluster mode)', checked(config.DRIVER_CORES, '--driver-cores'))
    .option('--executor-memory <mem>', 'memory per executor, e.g. 2g', checked(config.EXECUTOR_MEMORY, '--executor-memory'))
    .option('--executor-cores <n>', 'cores per executor', checked(config.EXECUTOR_CORES, '--executor-cores'))
    .option('--total-executor-cores <n>', 'cores across all executors (spark.cores.max)', checked(config.CORES_MAX, '--total-executor-cores'))
    .option('--supervise', 'cluster mode: restart the driver when it fails')
    .option('--kill <submissionId>', 'kill a driver submitted in cluster mode')
    .option('--status <submissionId>', 'show the state of a driver submitted in cluster mode')
    .option('--verbose', 'print the effective configuration (secrets redacted)')
    // Everything after the application file belongs to the application.
    .passThroughOptions()
    .exitOverride()
    .action(async (app: string | undefined, args: string[], o: SubmitOptions) => {
      const conf = submissionConf(o, app);
      if (o.verbose) process.stderr.write(`${conf.toDebugString()}\n`);
      const token = restToken(conf);
      if (o.kill !== undefined || o.status !== undefined) {
        if (o.kill !== undefined && o.status !== undefined) throw new IllegalArgumentException('--kill and --status cannot be used together');
        const client = new RestSubmissionClient(conf.get('spark.master'), token, undefined, sslClientOptions(conf, 'standalone'));
        const r = o.kill !== undefined ? await client.killSubmission(o.kill) : await client.requestSubmissionStatus(o.status!);
        printResponse(r);
        if (r.action === 'ErrorResponse') process.exitCode = 1;
        return;
      }
      if (!app) throw new IllegalArgumentException('missing the application file (or --kill / --status)');
      if (conf.get(config.SUBMIT_DEPLOY_MODE) === 'cluster') {
        const client = new RestSubmissionClient(conf.get('spark.master'), token, undefined, sslClientOptions(conf, 'standalone'));
        const env = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => v !== undefined && (/^MESOS_/.test(k) || (/^SPARK_/.test(k) && !['SPARK_ENV_LOADED', 'SPARK_HOME', 'SPARK_CONF_DIR', 'SPARK_MESOS_CONF'].includes(k))))) as Record<string, string>;
        const props = Object.fromEntries(conf.getAll());
        delete props['spark.submit.appFile'];
        props['spark.driver.supervise'] ??= 'false';
        // A local file is fetched by the agent: send it as an absolute file URL (URLs such as http:// go as they are).
        const appResource = /^[a-z][a-z0-9+.-]*:/i.test(app) ? app : pathToFileURL(resolve(app)).href;
        const r = await client.createSubmission({ appResource, mainClass: o.class ?? '', appArgs: args, sparkProperties: props, environmentVariables: env });
        printResponse(r);
        if (r.action === 'ErrorResponse' || r.success === false) process.exitCode = 1;
        return;
      }
      // Node options cannot be applied to this running process: run the application in a new one that has them.
      const restarted = takeReexecMarker();
      // An explicit spark.driver.memory caps the driver's heap (at least Spark's 450 MiB minimum; docs/memory.md).
      const wanted = conf.contains(config.DRIVER_MEMORY.key) ? withHeapCap(driverNodeOptions(conf), Math.max(MIN_DRIVER_HEAP_MIB, conf.get(config.DRIVER_MEMORY))) : driverNodeOptions(conf);
      const missing = missingNodeOptions(wanted, process.execArgv);
      if (missing.length > 0 && !restarted) process.exit(await reexecWithNodeOptions(missing));
      await runClientMode(app, args, conf, o.class);
      // The application's main module has finished: the application ends here, as a JVM's does when main returns.
      process.exit(process.exitCode ?? 0);
    });
}
