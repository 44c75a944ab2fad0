/**
 * Paths as Spark users write them: a local path (`/data/x`, `file:///data/x`, `file:/data/x`) or a URI of a remote
 * store (`s3a://bucket/key`, `https://host/file`). One parser, so driver and executors agree on what a path names.
 */
import { resolve } from 'node:path';
import { IllegalArgumentException } from '../util/errors.js';

export type Scheme = 'file' | 's3a' | 'http' | 'https' | 'webhdfs';

export interface ParsedPath {
  scheme: Scheme;
  /** Local: the absolute path. S3: the bucket. HTTP: `host[:port]`. */
  authority: string;
  /** Local: the absolute path; S3: the key (no leading `/`); HTTP: the path with its query. */
  path: string;
}

/** Schemes that name S3 (`s3n` is gone from Hadoop, `s3` is the name EMR and many users keep). */
const S3_SCHEMES = new Set(['s3a', 's3']);

export function parsePath(raw: string): ParsedPath {
  const text = raw.trim();
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(text);
  const scheme = m ? m[1]!.toLowerCase() : 'file';
  if (scheme === 'file') {
    // file:///x, file://localhost/x and file:/x all name /x.
    const rest = m ? text.slice(m[0].length).replace(/^\/\/(localhost)?(?=\/)/, '') : text;
    const abs = resolve(rest);
    return { scheme: 'file', authority: '', path: abs };
  }
  const u = /^[^:]+:\/\/([^/]*)(\/.*)?$/.exec(text);
  if (!u || u[1] === '') throw new IllegalArgumentException(`path '${text}' should be ${scheme}://authority/path`);
  if (S3_SCHEMES.has(scheme)) return { scheme: 's3a', authority: u[1]!, path: (u[2] ?? '/').replace(/^\/+/, '') };
  if (scheme === 'http' || scheme === 'https') return { scheme, authority: u[1]!, path: u[2] ?? '/' };
  if (scheme === 'webhdfs' || scheme === 'swebhdfs' || scheme === 'hdfs') {
    throw new IllegalArgumentException(`${scheme}:// paths are not supported (no well-kept WebHDFS client for Node exists): '${text}'. Read through an S3 gateway or HTTP instead.`);
  }
  throw new IllegalArgumentException(`path '${text}' has an unsupported scheme '${scheme}': expected a local path, file://, s3a://, s3://, http:// or https://`);
}

/** The path back as a string: local paths plain, S3 as `s3a://bucket/key`. */
export function formatPath(p: ParsedPath): string {
  if (p.scheme === 'file') return p.path;
  if (p.scheme === 's3a') return `s3a://${p.authority}/${p.path}`;
  return `${p.scheme}://${p.authority}${p.path}`;
}

/** `dir` joined with a child name, for any scheme. */
export function childPath(dir: ParsedPath, name: string): ParsedPath {
  if (dir.scheme === 'file') return { ...dir, path: resolve(dir.path, name) };
  const base = dir.path === '' || dir.path.endsWith('/') ? dir.path : `${dir.path}/`;
  return { ...dir, path: `${base}${name}` };
}

/** Whether a path has glob characters (`*`, `?`, `[...]`, `{a,b}`), as Hadoop's globStatus understands them. */
export function hasGlob(path: string): boolean {
  return /[*?[\]{}]/.test(path);
}

/** The last segment of a path (`part-00000` of `.../out/part-00000`). */
export function baseName(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** Hadoop's hidden-file rule for inputs: names starting with `_` or `.` (`_SUCCESS`, `.crc`) are not data. */
export function isHidden(name: string): boolean {
  return name.startsWith('_') || name.startsWith('.');
}

/** A comma-separated list of paths; commas inside `{a,b}` globs do not separate (Hadoop's getPathStrings). */
export function splitPaths(list: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of list) {
    if (ch === '{') depth++;
    else if (ch === '}' && depth > 0) depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter(Boolean);
}
