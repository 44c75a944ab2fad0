/** Local (and mounted shared) files: listing follows Hadoop's rules (hidden `_`/`.` names skipped in directories). */
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import fg from 'fast-glob';
import type { FileStatus, FileSystem } from './FileSystem.js';
import { hasGlob, isHidden } from './uri.js';

/** Synchronous listing (the driver plans local splits without an event-loop turn). */
export function listLocal(path: string): FileStatus[] {
  let matched: string[];
  if (hasGlob(path)) matched = fg.sync(path, { onlyFiles: true, absolute: true, dot: false }).sort();
  else if (existsSync(path) && statSync(path).isDirectory()) {
    matched = readdirSync(path).filter((n) => !isHidden(n)).sort().map((n) => join(path, n)).filter((f) => statSync(f).isFile());
  } else if (existsSync(path)) matched = [resolve(path)];
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
