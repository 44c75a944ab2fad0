/** Local (and mounted shared) files: listing follows Hadoop's rules (hidden `_`/`.` names skipped, in globs too). */
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import fg from 'fast-glob';
import type { FileStatus, FileSystem } from './FileSystem.js';
import { hasGlob, isHidden } from './uri.js';

/** The visible (not `_`/`.`) files directly in `dir`, sorted. */
function visibleFiles(dir: string): string[] {
  return readdirSync(dir).filter((n) => !isHidden(n)).sort().map((n) => join(dir, n)).filter((f) => statSync(f).isFile());
}

/**
 * Synchronous listing (the driver plans local splits without an event-loop turn). A glob matches files, or
 * directories whose visible files are then taken; hidden matches are skipped: the rules of the S3 listing.
 */
export function listLocal(path: string): FileStatus[] {
  let matched: string[];
  if (hasGlob(path)) {
    const files = new Set<string>();
    for (const hit of fg.sync(path, { onlyFiles: false, absolute: true, dot: false })) {
      if (isHidden(basename(hit))) continue;
      const st = statSync(hit, { throwIfNoEntry: false });
      if (st?.isDirectory()) for (const f of visibleFiles(hit)) files.add(f);
      else if (st?.isFile()) files.add(hit);
    }
    matched = [...files].sort();
  } else if (existsSync(path) && statSync(path).isDirectory()) matched = visibleFiles(path);
  else if (existsSync(path)) matched = [resolve(path)];
  else matched = [];
  return matched.map((f) => ({ path: resolve(f), size: statSync(f).size, rangeable: true }));
}

export class LocalFileSystem implements FileSystem {
  async list(path: string): Promise<FileStatus[]> {
    return listLocal(path);
  }

  async open(path: string, start: number, end?: number): Promise<Readable> {
    return createReadStream(path, { start, ...(end !== undefined ? { end: end - 1 } : {}), highWaterMark: 1024 * 1024 });
  }
}
