/**
 * Turns shipped functions back into callables on an executor: the env's values become variables in the
 * function's scope; broadcast, accumulator and module references in the env are resolved here.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import type { ShippedFunction } from '../core/closure.js';
import { TaskContext } from '../core/TaskContext.js';

export interface ExecutorServices {
  /** Broadcast values this executor holds. */
  broadcast(id: number): unknown;
  /** Records an accumulator update for the running task. */
  accumulate(id: number, value: unknown): void;
  appPath: string | undefined;
}

/** esbuild (used by tsx) wraps named functions in `__name(fn, "name")`; workers provide a no-op stand-in. */
const __name = <T>(f: T): T => f;

const moduleCache = new Map<string, unknown>();
const requireCache = new Map<string, NodeJS.Require>();

function requireFor(appPath: string | undefined): NodeJS.Require {
  const base = appPath ?? resolve(process.cwd(), 'index.js');
  let r = requireCache.get(base);
  if (!r) {
    r = createRequire(base);
    requireCache.set(base, r);
  }
  return r;
}

async function resolveValue(v: unknown, svc: ExecutorServices): Promise<unknown> {
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.__sparkBroadcast === 'number') {
      const id = o.__sparkBroadcast;
      return { id, get value() { return svc.broadcast(id); }, toString: () => `Broadcast(${id})` };
    }
    if (typeof o.__sparkAccumulator === 'number') {
      const id = o.__sparkAccumulator;
      return { id, add: (x: unknown) => svc.accumulate(id, x), toString: () => `Accumulator(${id})` };
    }
    if (o.__sparkFunction && typeof o.__sparkFunction === 'object') {
      return compile(o.__sparkFunction as ShippedFunction, svc);
    }
    if (typeof o.__sparkModule === 'string') {
      const spec = o.__sparkModule;
      const key = `${svc.appPath ?? ''}|${spec}`;
      if (!moduleCache.has(key)) {
        const target = spec.startsWith('.') || spec.startsWith('/') ? pathToFileURL(resolve(svc.appPath ? resolve(svc.appPath, '..') : process.cwd(), spec)).href : requireFor(svc.appPath).resolve(spec);
        moduleCache.set(key, await import(target.startsWith('/') ? pathToFileURL(target).href : target));
      }
      return moduleCache.get(key);
    }
  }
  return v;
}

/**
 * Compiled functions by source and env, so a job run again reuses code V8 has already optimized. Only small,
 * plain envs are cached (the key is their JSON); broadcast and accumulator markers are fine to share, since they
 * resolve through the running task's services.
 */
const compiled = new Map<string, { fn: unknown; svc: ExecutorServices }>();
const MAX_CACHE_KEY = 4096;

function cacheKey(f: ShippedFunction): string | undefined {
  let env: string;
  try {
    env = JSON.stringify(f.env);
  } catch {
    return undefined;
  }
  if (env === undefined || env.length > MAX_CACHE_KEY || /__sparkAccumulator/.test(env)) return undefined;
  return `${f.src}\u0000${env}`;
}

/** Compiles a shipped function with its env resolved. */
export async function compile<F extends (...args: any[]) => any>(f: ShippedFunction, svc: ExecutorServices): Promise<F> {
  const key = cacheKey(f);
  const hit = key !== undefined ? compiled.get(key) : undefined;
  if (hit && hit.svc.appPath === svc.appPath) return hit.fn as F;
  const fn = await compileFresh<F>(f, svc);
  if (key !== undefined) {
    if (compiled.size > 1000) compiled.clear();
    compiled.set(key, { fn, svc });
  }
  return fn;
}

async function compileFresh<F extends (...args: any[]) => any>(f: ShippedFunction, svc: ExecutorServices): Promise<F> {
  const names = Object.keys(f.env);
  const values = await Promise.all(names.map((n) => resolveValue(f.env[n], svc)));
  const factory = new Function(...names, '__name', 'require', 'TaskContext', `"use strict"; return (${f.src});`);
  const fn = factory(...values, __name, requireFor(svc.appPath), TaskContext) as F;
  if (typeof fn !== 'function') throw new Error('shipped source did not evaluate to a function');
  return fn;
}
