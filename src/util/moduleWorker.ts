/**
 * Worker threads on a module of this package, from TypeScript sources (tests, `tsx`) or from `dist`. From sources
 * the worker first registers tsx's loader itself: `--import tsx` in `execArgv` does not reach a worker's entry
 * module on Node 20.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** The module `name` (without extension) next to the calling module, as `.ts` under tsx or `.js` in dist. */
export function siblingModule(callerUrl: string, name: string): URL {
  return new URL(`${name}.${callerUrl.endsWith('.ts') ? 'ts' : 'js'}`, callerUrl);
}

export function startModuleWorker(url: URL, workerData: unknown, options: Omit<WorkerOptions, 'eval' | 'workerData'> = {}): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url, { ...options, workerData });
  const api = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(code, { ...options, eval: true, workerData });
}
