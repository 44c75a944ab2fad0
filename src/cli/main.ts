#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { miniClusterCommand } from './miniCluster.js';
import { submitCommand } from './submit.js';
import { executorCommand } from './executor.js';
import { dispatcherCommand } from './dispatcher.js';
import { shuffleServiceCommand } from './shuffleService.js';
import { historyServerCommand } from './historyServer.js';
import '../scheduler/cluster/register.js';
import '../cluster/mesos/register.js';

const program = new Command('spark-mesos')
  .description('spark-mesos: Spark-style jobs on Apache Mesos')
  .exitOverride()
  .enablePositionalOptions()
  .showHelpAfterError()
  .addCommand(submitCommand())
  .addCommand(dispatcherCommand())
  .addCommand(miniClusterCommand().exitOverride())
  .addCommand(executorCommand())
  .addCommand(shuffleServiceCommand())
  .addCommand(historyServerCommand());

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 1);
  process.stderr.write(`spark-mesos: ${(err as Error).message}\n`);
  process.exit(1);
}
