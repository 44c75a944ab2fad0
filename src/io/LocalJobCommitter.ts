/**
 * The driver's side of a job writing to a local (or shared, mounted) directory: refuses an existing output, creates
 * the job's temporary area, and after every partition committed writes `_SUCCESS` (atomically, by rename) and
 * removes the temporary area, taking with it whatever killed or losing attempts left.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SparkException } from '../util/errors.js';
import { SUCCESS, TEMP_DIR, newJobId, type JobCommitter, type TaskCommitMessage } from './commitProtocol.js';
import { syncDir } from './LocalTaskOutput.js';

export class LocalJobCommitter implements JobCommitter {
  private jobId: string | undefined;
  private created = false;

  constructor(private readonly outDir: string) {}

  async setupJob(): Promise<string> {
    if (existsSync(this.outDir) && (!statSync(this.outDir).isDirectory() || readdirSync(this.outDir).length > 0)) {
      throw new SparkException(`Output directory file:${this.outDir} already exists`);
    }
    this.created = !existsSync(this.outDir);
    this.jobId = newJobId();
    mkdirSync(join(this.outDir, TEMP_DIR, this.jobId), { recursive: true });
    return this.jobId;
  }

  private get jobDir(): string {
    if (!this.jobId) throw new Error('setupJob() was not called');
    return join(this.outDir, TEMP_DIR, this.jobId);
  }

  async commitJob(messages: TaskCommitMessage[]): Promise<void> {
    for (const m of messages) {
      if (!existsSync(join(this.outDir, m.name))) throw new SparkException(`output of partition ${m.partition} (${m.name}) is missing from ${this.outDir} at job commit`);
    }
    const marker = join(this.jobDir, SUCCESS);
    writeFileSync(marker, '');
    renameSync(marker, join(this.outDir, SUCCESS));
    syncDir(this.outDir);
    this.cleanup();
  }

  async abortJob(): Promise<void> {
    if (!this.jobId) return;
    if (this.created) rmSync(this.outDir, { recursive: true, force: true });
    else {
      // The directory was there (empty) before: leave it empty again.
      for (const n of readdirSync(this.outDir)) rmSync(join(this.outDir, n), { recursive: true, force: true });
    }
  }

  private cleanup(): void {
    rmSync(this.jobDir, { recursive: true, force: true });
    try {
      rmdirSync(join(this.outDir, TEMP_DIR));
    } catch {
      // another job's area is still there
    }
  }
}
