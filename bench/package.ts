/**
 * The package as users run it: the built `dist`. Benchmarks load it rather than `src` because under tsx every worker
 * thread (task threads, the UI's listener thread) first registers tsx's loader, a development-only cost that showed in
 * the figures (bench/engine section 4 read 0.82-0.86 from `src` against 0.93-0.94 from `dist`, same code, same hour).
 * The bench scripts in package.json build first; types come from `src`, which `dist` is compiled from.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/index.js', import.meta.url);
const entryPath = fileURLToPath(entry);
if (!existsSync(entryPath)) throw new Error(`${entryPath} is missing: run "npm run build" first (the npm bench scripts do)`);

/** The newest modification time of a file under `dir`. */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}
// A build older than the sources would measure code that is no longer there.
if (newest(fileURLToPath(new URL('../src', import.meta.url))) > statSync(entryPath).mtimeMs) {
  throw new Error(`${entryPath} is older than src/: run "npm run build" first (the npm bench scripts do)`);
}
const pkg = (await import(entry.href)) as typeof import('../src/index.js');

export const { SparkConf, SparkContext, MiniCluster } = pkg;
export type SparkConf = import('../src/index.js').SparkConf;
export type SparkContext = import('../src/index.js').SparkContext;
export type MiniCluster = import('../src/index.js').MiniCluster;
