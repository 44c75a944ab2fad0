/**
 * Spill files: a sequence of batches, each a 4-byte length and a deflate-compressed (level 1, fast) batch of records
 * as src/shuffle/recordCodec.ts encodes it (packed common shapes, v8 for the rest), so a reader holds one batch at a
 * time. Each file lives in its task's spill directory (`taskSpillDir`), which the executor removes when the task
 * ends, fails or is killed.
 */
import { closeSync, mkdirSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync, inflateRawSync, constants } from 'node:zlib';
import { openIo, sealIo } from '../util/ioEncryption.js';
import { decodeRecords, encodeRecords } from '../shuffle/recordCodec.js';

/** Records per batch (Spark's `spark.shuffle.spill.batchSize`). */
export const SPILL_BATCH = 10_000;

/** The directory holding one task attempt's spill files. */
export function taskSpillDir(localDir: string, taskId: number): string {
  return join(localDir, 'spill', `task-${taskId}`);
}

export function removeTaskSpillDir(localDir: string, taskId: number): void {
  rmSync(taskSpillDir(localDir, taskId), { recursive: true, force: true });
}

export class SpillWriter {
  private readonly fd: number;
  private batch: unknown[] = [];
  bytes = 0;

  constructor(
    readonly path: string,
    private readonly compress = true,
  ) {
    mkdirSync(join(path, '..'), { recursive: true });
    this.fd = openSync(path, 'w');
  }

  write(record: unknown): void {
    this.batch.push(record);
    if (this.batch.length >= SPILL_BATCH) this.flush();
  }

  private flush(): void {
    if (this.batch.length === 0) return;
    const raw = encodeRecords(this.batch);
    // Compressed, then sealed (spark.io.encryption.enabled), as Spark orders its streams.
    const body = sealIo(this.compress ? deflateRawSync(raw, { level: constants.Z_BEST_SPEED }) : raw);
    const head = Buffer.allocUnsafe(5);
    head.writeUInt32LE(body.length, 0);
    head[4] = this.compress ? 1 : 0;
    writeSync(this.fd, head);
    writeSync(this.fd, body);
    this.bytes += body.length + 5;
    this.batch = [];
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** Reads a spill file's records in order, one batch in memory at a time; closes the file at the end. */
export function* readSpill(path: string): Generator<unknown> {
  const fd = openSync(path, 'r');
  try {
    let pos = 0;
    const head = Buffer.allocUnsafe(5);
    for (;;) {
      if (readSync(fd, head, 0, 5, pos) < 5) return;
      const len = head.readUInt32LE(0);
      const body = Buffer.allocUnsafe(len);
      if (readSync(fd, body, 0, len, pos + 5) < len) throw new Error(`truncated spill file ${path}: batch of ${len} bytes at ${pos}`);
      pos += 5 + len;
      const opened = openIo(body);
      const batch = decodeRecords(head[4] === 1 ? inflateRawSync(opened) : opened);
      yield* batch;
    }
  } finally {
    closeSync(fd);
  }
}
