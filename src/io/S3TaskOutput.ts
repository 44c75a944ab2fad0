/**
 * A task attempt's output on S3: records stream (compressed chunk by chunk) into a local spool file, from which
 * parts of a multipart upload to the final key go out while the task still runs. The attempt records its upload
 * under the job's `_temporary/<job>/` prefix and never completes it: the driver completes the upload of the first
 * attempt that finished each partition at job commit and aborts every other one, so an unfinished or losing attempt
 * never makes an object visible.
 */
import { closeSync, createReadStream, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { LineChunker } from './LineChunker.js';
import type { Codec } from './codecs.js';
import type { S3FileSystem } from './S3FileSystem.js';
import { TEMP_DIR, attemptDirName, partFileName, type AttemptContext, type TaskCommitMessage, type TaskOutput } from './commitProtocol.js';

/** `dir/name`, or `name` at the bucket's root. */
export function keyIn(dirKey: string, name: string): string {
  return dirKey === '' ? name : `${dirKey}/${name}`;
}

export class S3TaskOutput implements TaskOutput {
  private readonly chunker: LineChunker;
  private fd: number | undefined;
  private spooled = 0;
  private sent = 0;
  private readonly parts: { PartNumber: number; ETag: string }[] = [];
  private readonly inflight = new Set<Promise<void>>();
  private failure: Error | undefined;
  private waiting: (() => void)[] = [];
  private active = 0;
  private partsStarted = 0;

  private constructor(
    private readonly fs: S3FileSystem,
    private readonly key: string,
    private readonly uploadId: string,
    private readonly spool: string,
    private readonly ctx: AttemptContext,
    private readonly name: string,
    codec: Codec | undefined,
  ) {
    this.fd = openSync(spool, 'w');
    this.chunker = new LineChunker((chunk) => this.spoolChunk(chunk), codec);
  }

  static async open(fs: S3FileSystem, dirKey: string, jobId: string, ctx: AttemptContext, codec: Codec | undefined): Promise<S3TaskOutput> {
    const name = partFileName(ctx.partition, codec?.extension);
    const key = keyIn(dirKey, name);
    const uploadId = await fs.createUpload(key);
    // Recorded so the job can abort it even if this attempt dies or loses.
    await fs.put(keyIn(dirKey, `${TEMP_DIR}/${jobId}/${attemptDirName(ctx)}`), JSON.stringify({ key, uploadId }));
    const spool = join(ctx.localDir, `s3-${jobId}-${attemptDirName(ctx)}.spool`);
    return new S3TaskOutput(fs, key, uploadId, spool, ctx, name, codec);
  }

  get bytesWritten(): number {
    return this.chunker.bytesOut;
  }

  write(line: string): void {
    this.chunker.write(line);
  }

  private spoolChunk(chunk: Buffer): void {
    let off = 0;
    while (off < chunk.length) off += writeSync(this.fd!, chunk, off, chunk.length - off);
    this.spooled += chunk.length;
    const size = this.fs.settings.partSize;
    while (this.spooled - this.sent >= size) this.sendPart(size);
  }

  /** Uploads the next `len` spooled bytes as a part (at most `fs.s3a.fast.upload.active.blocks` at once). */
  private sendPart(len: number): void {
    const partNumber = ++this.partsStarted;
    const start = this.sent;
    this.sent += len;
    const p = (async () => {
      while (this.active >= this.fs.settings.activeBlocks) await new Promise<void>((r) => this.waiting.push(r));
      this.active++;
      try {
        const etag = await this.fs.uploadPart(this.key, this.uploadId, partNumber, await readRange(this.spool, start, len));
        this.parts.push({ PartNumber: partNumber, ETag: etag });
      } finally {
        this.active--;
        this.waiting.shift()?.();
      }
    })().catch((err: Error) => {
      this.failure ??= err;
    }).finally(() => this.inflight.delete(p));
    this.inflight.add(p);
  }

  async commit(): Promise<TaskCommitMessage> {
    try {
      this.chunker.flush();
      // The last part may be short (or empty, for an empty partition: an upload needs one part).
      if (this.spooled > this.sent || this.partsStarted === 0) this.sendPart(this.spooled - this.sent);
      while (this.inflight.size > 0) await Promise.all([...this.inflight]);
      if (this.failure) throw this.failure;
    } catch (err) {
      await this.abort();
      throw err;
    }
    this.closeSpool();
    const parts = [...this.parts].sort((a, b) => a.PartNumber - b.PartNumber);
    return { partition: this.ctx.partition, name: this.name, committed: true, upload: { key: this.key, uploadId: this.uploadId, parts } };
  }

  async abort(): Promise<void> {
    while (this.inflight.size > 0) await Promise.all([...this.inflight]);
    this.closeSpool();
    await this.fs.abortUpload(this.key, this.uploadId);
  }

  private closeSpool(): void {
    if (this.fd !== undefined) {
      closeSync(this.fd);
      this.fd = undefined;
    }
    rmSync(this.spool, { force: true });
  }
}

/** Bytes `[start, start+len)` of a file, read as a stream (a part is never held twice). */
async function readRange(path: string, start: number, len: number): Promise<Buffer> {
  if (len === 0) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const c of createReadStream(path, { start, end: start + len - 1, highWaterMark: 1024 * 1024 })) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
