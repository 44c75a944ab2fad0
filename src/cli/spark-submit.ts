#!/usr/bin/env node
// `spark-submit`: the same as `spark-mesos submit`.
import { CommanderError } from 'commander';
import { submitCommand } from './submit.js';
import '../scheduler/cluster/register.js';
import '../cluster/mesos/register.js';

try {
  await submitCommand('spark-submit').showHelpAfterError().parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 1);
  process.stderr.write(`spark-submit: ${(err as Error).message}\n`);
  process.exit(1);
}
