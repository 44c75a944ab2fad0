/**
 * Mesos agent flag syntax for `--resources` and `--attributes`:
 *   resources  `cpus:4;mem:4096;disk:10000;ports:[31000-32000];gpus:1;cpus(prod):2`
 *   attributes `os:centos7;zone:us-east-1a;rack:[1-10];level:3.5;tags:{a,b}`
 * A `name(role):value` resource is statically reserved for `role`.
 */
import type { Attribute, Range, Resource } from '../mesos/wire/resources.js';
import { IllegalArgumentException } from '../util/errors.js';

function parseRanges(text: string, what: string): Range[] {
  const inner = text.slice(1, -1).trim();
  if (inner === '') return [];
  return inner.split(',').map((piece) => {
    const m = /^\s*([0-9]+)\s*-\s*([0-9]+)\s*$/.exec(piece) ?? /^\s*([0-9]+)\s*$/.exec(piece);
    if (!m) throw new IllegalArgumentException(`${what}: bad range '${piece}', expected begin-end`);
    const begin = Number(m[1]);
    const end = Number(m[2] ?? m[1]);
    if (end < begin) throw new IllegalArgumentException(`${what}: range '${piece}' ends before it begins`);
    return { begin, end };
  });
}

function parseSet(text: string): string[] {
  return text.slice(1, -1).split(',').map((s) => s.trim()).filter((s) => s !== '');
}

function entries(spec: string, flag: string): [string, string][] {
  return spec
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((e) => {
      const i = e.indexOf(':');
      if (i <= 0) throw new IllegalArgumentException(`${flag}: bad entry '${e}', expected name:value`);
      return [e.slice(0, i).trim(), e.slice(i + 1).trim()];
    });
}

export function parseResourcesSpec(spec: string): Resource[] {
  return entries(spec, '--resources').map(([nameRole, value]) => {
    const m = /^([A-Za-z0-9_.-]+)(?:\(([^)]*)\))?$/.exec(nameRole);
    if (!m) throw new IllegalArgumentException(`--resources: bad resource name '${nameRole}'`);
    const name = m[1]!;
    const role = m[2] ?? '*';
    const what = `--resources ${name}`;
    if (value.startsWith('[')) return { name, type: 'RANGES', ranges: { range: parseRanges(value, what) }, role };
    if (value.startsWith('{')) return { name, type: 'SET', set: { item: parseSet(value) }, role };
    const n = Number(value);
    if (value === '' || Number.isNaN(n) || n < 0) throw new IllegalArgumentException(`${what}: expected a non-negative number, [ranges] or {set}, got '${value}'`);
    if (name === 'gpus' && !Number.isInteger(n)) throw new IllegalArgumentException(`--resources gpus: expected a whole number, got '${value}'`);
    return { name, type: 'SCALAR', scalar: { value: n }, role };
  });
}

export function parseAttributesSpec(spec: string): Attribute[] {
  return entries(spec, '--attributes').map(([name, value]) => {
    if (value.startsWith('[')) return { name, type: 'RANGES', ranges: { range: parseRanges(value, `--attributes ${name}`) } };
    if (value.startsWith('{')) return { name, type: 'SET', set: { item: parseSet(value) } };
    if (/^-?[0-9]+(\.[0-9]+)?$/.test(value)) return { name, type: 'SCALAR', scalar: { value: Number(value) } };
    return { name, type: 'TEXT', text: { value } };
  });
}

/** Default agent resources when none are given. */
export const DEFAULT_AGENT_RESOURCES = 'cpus:4;mem:4096;disk:10000;ports:[31000-32000]';
