import { Command, InvalidArgumentError } from 'commander';
import { runExecutor } from '../executor/ExecutorBackend.js';
import { runMesosExecutor } from '../cluster/mesos/MesosExecutorBackend.js';
import { hostFacts, localHostName } from '../conf/hostAddress.js';

const positive = (flag: string) => (v: string) => {
  if (!/^[0-9]+$/.test(v) || Number(v) < 1) throw new InvalidArgumentError(`${flag} should be a whole number of at least 1.`);
  return Number(v);
};

interface ExecutorOptions { mesos?: boolean; driverUrl?: string; executorId?: string; hostname?: string; cores?: number; appId?: string }

/**
 * `spark-mesos executor`: an executor process, as cluster managers start it. Coarse-grained executors connect to the
 * driver (Spark's executor backend arguments); with `--mesos` it is the fine-grained mode's Mesos executor, which
 * takes everything from the agent's `MESOS_*` environment.
 */
export function executorCommand(): Command {
  return new Command('executor')
    .description('Run an executor (started by cluster managers, not by hand)')
    .option('--mesos', 'run as a Mesos executor for fine-grained mode (spark.mesos.coarse=false), through the agent\'s executor API')
    .option('--driver-url <url>', 'spark://CoarseGrainedScheduler@host:port of the driver')
    .option('--executor-id <id>', 'this executor\'s id')
    .option('--hostname <host>', 'the address other executors reach this one at (default: this host\'s address: SPARK_LOCAL_HOSTNAME, SPARK_LOCAL_IP, ...)')
    .option('--cores <n>', 'task threads', positive('--cores'))
    .option('--app-id <id>', 'the application id')
    .exitOverride()
    .action(async (o: ExecutorOptions, cmd: Command) => {
      if (o.mesos) process.exit(await runMesosExecutor());
      const missing = (['driverUrl', 'executorId', 'cores', 'appId'] as const).filter((k) => o[k] === undefined);
      if (missing.length > 0) cmd.error(`error: required option(s) ${missing.map((k) => `'--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}'`).join(', ')} not specified (or use --mesos)`);
      const code = await runExecutor({ driverUrl: o.driverUrl!, executorId: o.executorId!, hostname: o.hostname ?? localHostName(process.env, hostFacts()), cores: o.cores!, appId: o.appId! });
      process.exit(code);
    });
}
