/** A `spark-mesos dispatcher` process for tests: started on 127.0.0.1 and free ports, stopped or SIGKILLed. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface DispatcherProcess {
  proc: ChildProcess;
  restUrl: string;
  uiUrl: string;
  stderr: () => string;
  /** SIGTERM, resolving with the exit code. */
  stop(): Promise<number | null>;
  kill(): Promise<void>;
}

/** `env` adds to (or overrides) this process's environment, e.g. HOME for the default recovery directory. */
export async function startDispatcher(master: string, extra: string[] = [], timeoutMs = 30_000, env: Record<string, string> = {}): Promise<DispatcherProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'dispatcher', '--host', '127.0.0.1', '--port', '0', '--webui-port', '0', '--master', master, ...extra], {
    cwd: root, env: { ...process.env, SPARK_MESOS_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  const ready = await new Promise<RegExpExecArray>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`dispatcher did not start: ${err}`)), timeoutMs);
    proc.stderr!.on('data', (d) => {
      err += d;
      const m = /REST server at mesos:\/\/([0-9.]+:[0-9]+), web UI at (http:\/\/[0-9.]+:[0-9]+)/.exec(err);
      if (m) {
        clearTimeout(t);
        resolve(m);
      }
    });
    void exited.then((code) => {
      clearTimeout(t);
      reject(new Error(`dispatcher exited with ${code}: ${err}`));
    });
  });
  return {
    proc,
    restUrl: `mesos://${ready[1]}`,
    uiUrl: ready[2]!,
    stderr: () => err,
    async stop() {
      proc.kill('SIGTERM');
      return exited;
    },
    async kill() {
      proc.kill('SIGKILL');
      await exited;
    },
  };
}
