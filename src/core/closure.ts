/**
 * Shipping user functions to other threads and processes. A JavaScript closure cannot be serialized, so a function
 * travels as its source text, and the driver values it uses travel beside it in an explicit `env` object whose keys
 * become variables in the function's scope:
 *
 *     const factor = 3;
 *     rdd.map((x) => x * factor, { factor });
 *
 * Before any task runs, the driver parses each function and fails, naming the variable and the transformation,
 * if it uses a free variable that is neither in `env` nor a global (Spark's "Task not serializable").
 */
import { parse } from 'acorn';
import { SparkException } from '../util/errors.js';

export type Env = Record<string, unknown>;

/** Objects with a wire form (broadcasts, accumulators, module references) implement this. */
export const WIRE = Symbol.for('spark-mesos.wire');

export interface WireConvertible {
  [WIRE](): unknown;
}

/**
 * The env as it travels: broadcast variables, accumulators and module references become small markers the
 * executor resolves; shipped functions nested in an env (used by combinators built from user functions) too.
 */
export function wireEnv(env: Env): Env {
  const out: Env = {};
  for (const [k, v] of Object.entries(env)) {
    if (v && typeof v === 'object' && WIRE in v) out[k] = (v as WireConvertible)[WIRE]();
    else if (v instanceof FunctionRef) out[k] = { __sparkFunction: v.shipped };
    else if (typeof v === 'function') {
      throw new SparkException(`env value '${k}' is a function: functions cannot be shipped as values; list the values it uses in the env instead, or define it inside the shipped function`);
    } else out[k] = v;
  }
  return out;
}

/** A shipped function used as a value inside another function's env. */
export class FunctionRef {
  constructor(readonly shipped: ShippedFunction) {}
}

/** A function as it travels: its source and the names and values it may use. */
export interface ShippedFunction {
  src: string;
  env: Env;
}

/** Names a shipped function may use besides its `env`: helpers the worker provides. */
export const WORKER_PROVIDED = ['require', '__name', 'TaskContext'];

let globalNames: Set<string> | undefined;
function globals(): Set<string> {
  globalNames ??= new Set([
    ...Object.getOwnPropertyNames(globalThis),
    'undefined', 'NaN', 'Infinity', 'globalThis', 'arguments', 'this', 'console', 'process', 'Buffer', 'setTimeout',
    'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'queueMicrotask', 'structuredClone', 'URL',
    'URLSearchParams', 'TextEncoder', 'TextDecoder', 'AbortController', 'performance', 'fetch',
    ...WORKER_PROVIDED,
  ]);
  return globalNames;
}

type Node = { type: string; [k: string]: any };

/** Parses a function's source text, whatever form `toString` gave (arrow, function, method shorthand, async). */
function parseFunction(src: string): Node {
  const attempts = [`(${src})`, `({${src}})`];
  for (const text of attempts) {
    try {
      const program = parse(text, { ecmaVersion: 'latest', sourceType: 'script', allowAwaitOutsideFunction: true }) as unknown as Node;
      const expr = program.body[0].expression as Node;
      if (expr.type === 'ObjectExpression') {
        const prop = expr.properties[0];
        if (prop?.value?.type === 'FunctionExpression') return prop.value;
      } else if (expr.type === 'ArrowFunctionExpression' || expr.type === 'FunctionExpression') {
        return expr;
      }
    } catch {
      // try the next form
    }
  }
  throw new Error('not a plain function');
}

/** Identifiers a pattern declares (`a`, `{a, b: c}`, `[d, ...e]`, `f = 1`). */
function patternNames(p: Node | null | undefined, out: Set<string>): void {
  if (!p) return;
  switch (p.type) {
    case 'Identifier':
      out.add(p.name);
      break;
    case 'ObjectPattern':
      for (const prop of p.properties) patternNames(prop.type === 'RestElement' ? prop.argument : prop.value, out);
      break;
    case 'ArrayPattern':
      for (const el of p.elements) patternNames(el, out);
      break;
    case 'RestElement':
      patternNames(p.argument, out);
      break;
    case 'AssignmentPattern':
      patternNames(p.left, out);
      break;
    default:
  }
}

/**
 * The free variables of a function: identifiers read that no enclosing scope inside the function declares.
 * Declarations anywhere in the function count for all of it (a deliberate over-approximation: it can only miss
 * a shadowing mistake, never flag a correct function).
 */
export function freeVariables(src: string): Set<string> {
  const fn = parseFunction(src);
  const declared = new Set<string>();
  const used = new Set<string>();
  const visit = (n: Node | null | undefined, parent?: Node, key?: string): void => {
    if (!n || typeof n.type !== 'string') return;
    switch (n.type) {
      case 'Identifier': {
        // Property names and labels are not variable references.
        if (parent?.type === 'MemberExpression' && key === 'property' && !parent.computed) return;
        if ((parent?.type === 'Property' || parent?.type === 'PropertyDefinition' || parent?.type === 'MethodDefinition') && key === 'key' && !parent.computed) return;
        if (parent && /Statement$/.test(parent.type) && key === 'label') return;
        if (parent?.type === 'MetaProperty') return;
        used.add(n.name);
        return;
      }
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        if (n.id) declared.add(n.id.name);
        for (const p of n.params) patternNames(p, declared);
        break;
      case 'ClassDeclaration':
      case 'ClassExpression':
        if (n.id) declared.add(n.id.name);
        break;
      case 'VariableDeclarator':
        patternNames(n.id, declared);
        break;
      case 'CatchClause':
        patternNames(n.param, declared);
        break;
      case 'ImportExpression':
        break;
      default:
    }
    for (const [k, v] of Object.entries(n)) {
      if (k === 'type' || k === 'start' || k === 'end') continue;
      if (Array.isArray(v)) for (const c of v) visit(c as Node, n, k);
      else if (v && typeof v === 'object' && typeof (v as Node).type === 'string') visit(v as Node, n, k);
    }
  };
  visit(fn);
  for (const d of declared) used.delete(d);
  return used;
}

/**
 * Checks a user function for shipping and returns it as source plus env. `what` names the transformation in the
 * error, as Spark names the RDD operation.
 */
export function shipFunction(fn: unknown, env: Env | undefined, what: string): ShippedFunction {
  if (typeof fn !== 'function') throw new SparkException(`${what}: expected a function, got ${typeof fn}`);
  const src = Function.prototype.toString.call(fn);
  if (/\{\s*\[native code\]\s*\}$/.test(src)) {
    throw new SparkException(`Task not serializable: the function passed to ${what} is native or bound and has no source to ship; pass a plain arrow or function expression`);
  }
  if (/^class[\s{]/.test(src)) throw new SparkException(`Task not serializable: ${what} needs a function, not a class`);
  let free: Set<string>;
  try {
    free = freeVariables(src);
  } catch {
    throw new SparkException(`Task not serializable: the function passed to ${what} could not be parsed for shipping:\n${src.slice(0, 200)}`);
  }
  const e = env ?? {};
  const g = globals();
  const missing = [...free].filter((name) => !(name in e) && !g.has(name)).sort();
  if (missing.length > 0) {
    const list = missing.map((m) => `'${m}'`).join(', ');
    throw new SparkException(
      `Task not serializable: the function passed to ${what} uses ${missing.length === 1 ? 'the free variable' : 'free variables'} ${list}, ` +
        `which ${missing.length === 1 ? 'is' : 'are'} not available on executors. Pass ${missing.length === 1 ? 'it' : 'them'} explicitly: ` +
        `${what}(fn, { ${missing.join(', ')} })${missing.length > 0 ? ', or use sc.broadcast() for large values' : ''}.`,
    );
  }
  for (const k of Object.keys(e)) {
    if (!/^[A-Za-z_$][\w$]*$/.test(k)) throw new SparkException(`${what}: env key '${k}' is not a valid variable name`);
  }
  return { src, env: wireEnv(e) };
}

/** Ships a function written by the engine itself (no user-facing checks beyond parsing). */
export function internalFunction(src: string, env: Env = {}): ShippedFunction {
  return { src, env: wireEnv(env) };
}
