/**
 * Where an executor keeps its scratch data (spills, and shuffle files when no external shuffle service serves them),
 * chosen as Spark's `Utils.getConfiguredLocalDirs` does for non-YARN executors:
 *
 * 1. `SPARK_LOCAL_DIRS` (comma-separated), set by the cluster manager or the user (`spark.executorEnv.*`);
 * 2. on Mesos, the task's sandbox (`MESOS_SANDBOX`), so the agent removes the files with the sandbox, unless the
 *    external shuffle service is on (its files must outlive the executor);
 * 3. `spark.local.dir` (comma-separated), as the driver configured it (passed as `SPARK_CONF_LOCAL_DIR`);
 * 4. the temporary directory.
 *
 * Under the chosen root each executor makes `spark-mesos-<appId>/executor-<executorId>-<random>`, removed on a clean
 * exit (with the application folder once it is empty).
 */
import { mkdirSync, mkdtempSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** The environment variable that carries the driver's `spark.local.dir` to executors. */
export const CONF_LOCAL_DIR_ENV = 'SPARK_CONF_LOCAL_DIR';

export interface LocalDirInputs {
  sparkLocalDirs?: string | undefined;
  mesosSandbox?: string | undefined;
  confLocalDir?: string | undefined;
  shuffleServiceEnabled: boolean;
  tmpdir: string;
}

export type LocalDirSource = 'SPARK_LOCAL_DIRS' | 'MESOS_SANDBOX' | 'spark.local.dir' | 'tmpdir';

const list = (v: string | undefined): string[] => (v ?? '').split(',').map((d) => d.trim()).filter((d) => d !== '');

/** The root directories to use, in order of preference, and which rule chose them. */
export function chooseLocalRoots(i: LocalDirInputs): { roots: string[]; source: LocalDirSource } {
  const env = list(i.sparkLocalDirs);
  if (env.length > 0) return { roots: env, source: 'SPARK_LOCAL_DIRS' };
  const sandbox = i.mesosSandbox?.trim();
  if (sandbox && !i.shuffleServiceEnabled) return { roots: [sandbox], source: 'MESOS_SANDBOX' };
  const conf = list(i.confLocalDir);
  if (conf.length > 0) return { roots: conf, source: 'spark.local.dir' };
  return { roots: [i.tmpdir], source: 'tmpdir' };
}

/** The inputs as an executor process sees them in its environment. */
export function localDirInputs(env: NodeJS.ProcessEnv, tmpdir: string): LocalDirInputs {
  return {
    sparkLocalDirs: env.SPARK_LOCAL_DIRS,
    mesosSandbox: env.MESOS_SANDBOX,
    confLocalDir: env[CONF_LOCAL_DIR_ENV],
    // Executors learn of the service from the variables the backends set when it is on.
    shuffleServiceEnabled: Boolean(env.SPARK_SHUFFLE_SERVICE_DIR || env.SPARK_SHUFFLE_SERVICE_PORT),
    tmpdir,
  };
}

/** A folder name safe to build from an id (ids come from Mesos or the command line). */
const safe = (id: string): string => id.replace(/[^A-Za-z0-9._-]/g, '_');

/** An executor's own scratch folder under the first root it can write to. */
export function createExecutorLocalDir(roots: readonly string[], appId: string, executorId: string): string {
  const errors: string[] = [];
  for (const root of roots) {
    const appDir = join(root, `spark-mesos-${safe(appId)}`);
    // A second try covers another executor of the application removing the empty folder in between.
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        mkdirSync(appDir, { recursive: true, mode: 0o700 });
        return mkdtempSync(join(appDir, `executor-${safe(executorId)}-`));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT' && attempt === 0) continue;
        errors.push(`${root}: ${(err as Error).message}`);
        break;
      }
    }
  }
  throw new Error(`could not create a local directory for executor ${executorId} under any of ${roots.join(', ')}: ${errors.join('; ')}`);
}

/** Removes an executor's scratch folder, and its application folder when no other executor of the app uses it. */
export function removeExecutorLocalDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  try {
    rmdirSync(join(dir, '..'));
  } catch {
    // Not empty (another executor of the application on this host) or already gone.
  }
}
