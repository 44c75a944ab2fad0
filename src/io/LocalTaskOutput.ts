/**
 * A task attempt's output on a local (or shared, mounted) file system: records stream into a file inside the
 * attempt's own directory under the job's temporary area; commit publishes it under its final name with a hard link,
 * which is atomic and never replaces an existing name, so the first attempt to commit wins and a later one is
 * discarded. A killed attempt leaves only its temporary directory, which the job removes.
 */
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, rmSync, writeSync, existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { LineChunker } from './LineChunker.js';
import type { Codec } from './codecs.js';
import { TEMP_DIR, attemptDirName, partFileName, type AttemptContext, type TaskCommitMessage, type TaskOutput } from './commitProtocol.js';

export class LocalTaskOutput implements TaskOutput {
  private fd: number | undefined;
  private readonly chunker: LineChunker;
  private readonly attemptDir: string;
  private readonly tempFile: string;
  private readonly name: string;

  constructor(
    private readonly outDir: string,
    jobId: string,
    private readonly ctx: AttemptContext,
    codec: Codec | undefined,
  ) {
    this.name = partFileName(ctx.partition, codec?.extension);
    this.attemptDir = join(outDir, TEMP_DIR, jobId, attemptDirName(ctx));
    try {
      // Not recursive: once the job committed or aborted (its area is gone), a late attempt must not recreate it.
      mkdirSync(this.attemptDir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`output job ${jobId} of ${outDir} is no longer active (committed or aborted)`);
      throw err;
    }
    this.tempFile = join(this.attemptDir, this.name);
    this.fd = openSync(this.tempFile, 'wx');
    this.chunker = new LineChunker((chunk) => this.writeAll(chunk), codec);
  }

  private writeAll(chunk: Buffer): void {
    let off = 0;
    while (off < chunk.length) off += writeSync(this.fd!, chunk, off, chunk.length - off);
  }

  get bytesWritten(): number {
    return this.chunker.bytesOut;
  }

  write(line: string): void {
    this.chunker.write(line);
  }

  async commit(): Promise<TaskCommitMessage> {
    this.chunker.flush();
    // Durable before it gets a final name.
    fsyncSync(this.fd!);
    closeSync(this.fd!);
    this.fd = undefined;
    const target = join(this.outDir, this.name);
    let committed = true;
    try {
      publish(this.tempFile, target);
      syncDir(this.outDir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        this.removeAttempt();
        throw err;
      }
      committed = false;
    }
    this.removeAttempt();
    return { partition: this.ctx.partition, name: this.name, committed };
  }

  async abort(): Promise<void> {
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        // already closed
      }
      this.fd = undefined;
    }
    this.removeAttempt();
  }

  private removeAttempt(): void {
    rmSync(this.attemptDir, { recursive: true, force: true });
  }
}

/**
 * Gives `from` the name `to` unless `to` exists (EEXIST then). A hard link does this atomically; file systems
 * without hard links get a check-then-rename, which a racing attempt could overwrite with an equally complete file.
 */
export function publish(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EMLINK') throw err;
    if (existsSync(to)) throw Object.assign(new Error(`${to} exists`), { code: 'EEXIST' });
    renameSync(from, to);
  }
}

/** Makes a directory's new entries durable (best effort: not every file system allows it). */
export function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // not supported here
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
