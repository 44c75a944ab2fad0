import { Command, InvalidArgumentError } from 'commander';
import { runExecutor } from '../executor/ExecutorBackend.js';

const positive = (flag: string) => (v: string) => {
  if (!/^[0-9]+$/.test(v) || Number(v) < 1) throw new InvalidArgumentError(`${flag} should be a whole number of at least 1.`);
  return Number(v);
};

/** `spark-mesos executor`: an executor process, as cluster managers start it (Spark's executor backend arguments). */
export function executorCommand(): Command {
  return new Command('executor')
    .description('Run an executor that connects to a driver (started by cluster managers, not by hand)')
    .requiredOption('--driver-url <url>', 'spark://CoarseGrainedScheduler@host:port of the driver')
    .requiredOption('--executor-id <id>', 'this executor\'s id')
    .requiredOption('--hostname <host>', 'the address other executors reach this one at')
    .requiredOption('--cores <n>', 'task threads', positive('--cores'))
    .requiredOption('--app-id <id>', 'the application id')
    .exitOverride()
    .action(async (o: { driverUrl: string; executorId: string; hostname: string; cores: number; appId: string }) => {
      const code = await runExecutor({ driverUrl: o.driverUrl, executorId: o.executorId, hostname: o.hostname, cores: o.cores, appId: o.appId });
      process.exit(code);
    });
}
