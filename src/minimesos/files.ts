/** The agent's `/files/browse` and `/files/read` endpoints over sandboxes, shaped as Mesos returns them. */
import type { ServerResponse } from 'node:http';
import { closeSync, openSync, readSync, readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { json, text } from './http.js';

const PAGE = 4096;
const MAX_READ = 16 * PAGE;

function modeString(st: Stats): string {
  const t = st.isDirectory() ? 'd' : st.isSymbolicLink() ? 'l' : '-';
  const bits = 'rwxrwxrwx';
  let s = '';
  for (let i = 0; i < 9; i++) s += st.mode & (1 << (8 - i)) ? bits[i] : '-';
  return t + s;
}

function entry(path: string, st: Stats) {
  return { path, nlink: st.nlink, size: st.size, mtime: Math.floor(st.mtimeMs / 1000), mode: modeString(st), uid: String(st.uid), gid: String(st.gid) };
}

/** Maps a requested path to a real one inside the work directory (virtual sandbox paths included), or undefined. */
function resolvePath(requested: string, workDir: string, virtual: Map<string, string>): string | undefined {
  let real: string | undefined;
  for (const [v, dir] of virtual) {
    if (requested === v || requested.startsWith(`${v}/`)) real = join(dir, requested.slice(v.length));
  }
  real ??= resolve(requested);
  try {
    const r = realpathSync(real);
    const root = realpathSync(workDir);
    return r === root || r.startsWith(root + sep) ? r : undefined;
  } catch {
    return undefined;
  }
}

export function browse(res: ServerResponse, url: URL, workDir: string, virtual: Map<string, string>): void {
  const path = url.searchParams.get('path');
  if (!path) return text(res, 400, "Expecting 'path=value' in query.");
  const real = resolvePath(path, workDir, virtual);
  if (!real) return text(res, 404);
  const st = statSync(real);
  if (!st.isDirectory()) return json(res, 200, [entry(path, st)]);
  const base = path.replace(/\/+$/, '');
  json(res, 200, readdirSync(real).sort().map((name) => entry(`${base}/${name}`, statSync(join(real, name)))));
}

export function readFileChunk(res: ServerResponse, url: URL, workDir: string, virtual: Map<string, string>): void {
  const path = url.searchParams.get('path');
  if (!path) return text(res, 400, "Expecting 'path=value' in query.");
  const offRaw = url.searchParams.get('offset') ?? '0';
  const lenRaw = url.searchParams.get('length');
  if (!/^-?[0-9]+$/.test(offRaw) || (lenRaw !== null && !/^-?[0-9]+$/.test(lenRaw))) return text(res, 400, `Failed to parse offset or length`);
  const offset = Number(offRaw);
  const length = lenRaw === null ? MAX_READ : Number(lenRaw);
  if (offset < -1 || length < -1) return text(res, 400, 'Negative offset or length provided');
  const real = resolvePath(path, workDir, virtual);
  if (!real) return text(res, 404);
  const st = statSync(real);
  if (st.isDirectory()) return text(res, 400, 'Cannot read a directory');
  if (offset === -1) return json(res, 200, { data: '', offset: st.size });
  if (offset >= st.size) return json(res, 200, { data: '', offset });
  const n = Math.min(length === -1 ? MAX_READ : length, MAX_READ, st.size - offset);
  const buf = Buffer.alloc(n);
  const fd = openSync(real, 'r');
  try {
    readSync(fd, buf, 0, n, offset);
  } finally {
    closeSync(fd);
  }
  json(res, 200, { data: buf.toString('utf8'), offset });
}
