/**
 * The package as users run it: the built `dist`. Benchmarks load it rather than `src` because under tsx every worker
 * thread (task threads, the UI's listener thread) first registers tsx's loader, a development-only cost that showed in
 * the figures (bench/engine section 4 read 0.82-0.86 from `src` against 0.93-0.94 from `dist`, same code, same hour).
 * The bench scripts in package.json build first; types come from `src`, which `dist` is compiled from.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/index.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) throw new Error(`${fileURLToPath(entry)} is missing: run "npm run build" first (the npm bench scripts do)`);
const pkg = (await import(entry.href)) as typeof import('../src/index.js');

export const { SparkConf, SparkContext, MiniCluster } = pkg;
export type SparkConf = import('../src/index.js').SparkConf;
export type SparkContext = import('../src/index.js').SparkContext;
export type MiniCluster = import('../src/index.js').MiniCluster;
