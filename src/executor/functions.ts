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
 * Compiled factories by source and env names. The factory (`new Function`) is the costly part, and every closure it
 * makes shares V8's feedback and optimized code, so a job run again stays fast; the env's values are bound afresh
 * for each task, so a task never sees another job's values (Maps, Sets, NaN, -0 and the like included).
 */
type Factory = (...args: unknown[]) => unknown;
const factories = new Map<string, Factory>();
const MAX_FACTORIES = 1000;

function factoryFor(src: string, names: readonly string[]): Factory {
  const key = `${names.join(',')}\u0000${src}`;
  let factory = factories.get(key);
  if (!factory) {
    factory = new Function(...names, '__name', 'require', 'TaskContext', `"use strict"; return (${src});`) as Factory;
    if (factories.size >= MAX_FACTORIES) factories.clear();
    factories.set(key, factory);
  }
  return factory;
}

/** The factory each compiled function came from: functions with the same code share it, whatever their env. */
const codeOfFn = new WeakMap<object, object>();

/** An identity for a function's code (not its env): generated loops around it can be reused for the same code. */
export function codeOf(fn: object): object {
  return codeOfFn.get(fn) ?? fn;
}

/** Compiles a shipped function with its env resolved for the running task. */
export async function compile<F extends (...args: any[]) => any>(f: ShippedFunction, svc: ExecutorServices): Promise<F> {
  const names = Object.keys(f.env);
  const values = await Promise.all(names.map((n) => resolveValue(f.env[n], svc)));
  const factory = factoryFor(f.src, names);
  const fn = factory(...values, __name, requireFor(svc.appPath), TaskContext) as F;
  if (typeof fn !== 'function') throw new Error('shipped source did not evaluate to a function');
  codeOfFn.set(fn, factory);
  return fn;
}
