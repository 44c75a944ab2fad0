/**
 * Client mode with `spark.driver.extraNodeOptions`: Node options cannot be applied to a running process, so
 * `spark-mesos submit` starts itself again under Node with them (same arguments, environment and terminal) and ends
 * with the new process's exit status. A marker in the environment keeps this from happening twice.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

/** Set in the environment of the restarted process. */
export const NODE_OPTIONS_APPLIED_ENV = 'SPARK_MESOS_DRIVER_NODE_OPTIONS_APPLIED';

/** The options not already in effect in a process started with `execArgv`. */
export function missingNodeOptions(wanted: readonly string[], execArgv: readonly string[]): string[] {
  return wanted.filter((o) => !execArgv.includes(o));
}

/** Whether this process is the restarted one; removes the marker so that processes it starts do not inherit it. */
export function takeReexecMarker(env: NodeJS.ProcessEnv = process.env): boolean {
  const restarted = env[NODE_OPTIONS_APPLIED_ENV] !== undefined;
  delete env[NODE_OPTIONS_APPLIED_ENV];
  return restarted;
}

/** Runs this command again as `node <options> <this process's node options> <script> <args>`; resolves with its exit code. */
export function reexecWithNodeOptions(options: readonly string[]): Promise<number> {
  const child = spawn(process.execPath, [...options, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, [NODE_OPTIONS_APPLIED_ENV]: '1' },
  });
  // The new process is the application: signals meant for it are passed on.
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const forward = (s: NodeJS.Signals) => child.kill(s);
  for (const s of signals) process.on(s, forward);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      for (const s of signals) process.off(s, forward);
      // Killed by a signal: the shell's convention, 128 + its number.
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  });
}
