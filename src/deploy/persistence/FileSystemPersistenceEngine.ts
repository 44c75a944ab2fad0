/**
 * FILESYSTEM recovery (the dispatcher's default on one machine): `<dir>/<state dir>/<name>.json`, each written to a
 * temporary file, fsynced and renamed into place, so a crash leaves either the old or the new document.
 */
import { mkdirSync, openSync, closeSync, fsyncSync, writeFileSync, renameSync, rmSync, readdirSync, readFileSync, existsSync, chmodSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { getLogger } from '../../util/logging.js';
import { checkStateName, STATE_DIRS, type PersistenceEngine, type StateDir } from './PersistenceEngine.js';

const log = getLogger('FileSystemPersistenceEngine');

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export class FileSystemPersistenceEngine implements PersistenceEngine {
  private seq = 0;

  constructor(private readonly root: string) {
    // Submissions carry their Spark properties, secrets among them: only the dispatcher's user may read them.
    // The root may be a directory the operator chose (never chmod'ed: it could be shared); the folders inside are ours.
    if (!existsSync(root)) mkdirSync(root, { recursive: true, mode: 0o700 });
    else if ((statSync(root).mode & 0o077) !== 0) log.warn({ dir: root }, 'the recovery directory is accessible to other users; its state folders are not');
    for (const d of STATE_DIRS) {
      mkdirSync(join(root, d), { recursive: true, mode: 0o700 });
      chmodSync(join(root, d), 0o700);
    }
  }

  get location(): string {
    return `directory ${this.root}`;
  }

  private path(dir: StateDir, name: string): string {
    return join(this.root, dir, `${checkStateName(name)}.json`);
  }

  async persist(dir: StateDir, name: string, value: unknown): Promise<void> {
    const target = this.path(dir, name);
    const tmp = `${target}.tmp-${process.pid}-${this.seq++}`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeFileSync(fd, JSON.stringify(value));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, target);
    fsyncDir(join(this.root, dir));
  }

  async expunge(dir: StateDir, name: string): Promise<void> {
    rmSync(this.path(dir, name), { force: true });
  }

  async fetch<T>(dir: StateDir, name: string): Promise<T | undefined> {
    const p = this.path(dir, name);
    if (!existsSync(p)) return undefined;
    return this.read<T>(p);
  }

  private read<T>(p: string): T | undefined {
    try {
      return JSON.parse(readFileSync(p, 'utf8')) as T;
    } catch (err) {
      log.warn({ file: p, err: (err as Error).message }, 'removing an unreadable state document');
      rmSync(p, { force: true });
      return undefined;
    }
  }

  async fetchAll<T>(dir: StateDir): Promise<T[]> {
    const out: T[] = [];
    for (const f of readdirSync(join(this.root, dir))) {
      const p = join(this.root, dir, f);
      // Left by a crash between write and rename: the document it would have replaced is still there.
      if (f.includes('.json.tmp-')) {
        rmSync(p, { force: true });
        continue;
      }
      if (!f.endsWith('.json')) continue;
      const v = this.read<T>(p);
      if (v !== undefined) out.push(v);
    }
    return out;
  }

  async close(): Promise<void> {}
}
