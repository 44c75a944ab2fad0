/**
 * Spill files: a sequence of batches, each a 4-byte length, a codec byte (0 none, 1 deflate, 2 zstd) and the batch
 * of records as src/shuffle/recordCodec.ts encodes it (packed common shapes, v8 for the rest), so a reader holds one
 * batch at a time. zstd at level 1 (WebAssembly, loaded by `spillCodecReady`) compresses about twice as fast as
 * deflate at its fastest, and smaller; deflate is used for batches over ZSTD_MAX_BATCH and where zstd has not
 * loaded. Each file lives in its task's spill directory (`taskSpillDir`), which the executor removes when the task
 * ends, fails or is killed.
 */
import { closeSync, mkdirSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync, inflateRawSync, constants } from 'node:zlib';
import { openIo, sealIo } from '../util/ioEncryption.js';
import { decompress as zstdDecompressJs } from 'fzstd';
import { zstdFunctions } from '../io/codecs.js';
import { decodeRecords, encodeRecords } from '../shuffle/recordCodec.js';

const NONE = 0;
const DEFLATE = 1;
const ZSTD = 2;

/**
 * Batches above this go through deflate: zstd's WebAssembly memory grows to about twice the largest batch and never
 * shrinks (and cannot pass 2 GiB), while spill batches of ordinary records are well under a megabyte.
 */
export const ZSTD_MAX_BATCH = 16 * 1024 * 1024;

let zstd: Awaited<ReturnType<typeof zstdFunctions>> | undefined;
let loading: Promise<void> | undefined;

/** Loads zstd for this thread's spill files (once); until then, or if it cannot load, spills use deflate. */
export function spillCodecReady(): Promise<void> {
  loading ??= zstdFunctions().then(
    (z) => {
      zstd = z;
    },
    () => undefined,
  );
  return loading;
}

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
    const codec = !this.compress ? NONE : zstd && raw.length <= ZSTD_MAX_BATCH ? ZSTD : DEFLATE;
    const packed = codec === ZSTD ? zstd!.compress(raw, 1) : codec === DEFLATE ? deflateRawSync(raw, { level: constants.Z_BEST_SPEED }) : raw;
    // Compressed, then sealed (spark.io.encryption.enabled), as Spark orders its streams.
    const body = sealIo(Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength));
    const head = Buffer.allocUnsafe(5);
    head.writeUInt32LE(body.length, 0);
    head[4] = codec;
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
      const batch = decodeRecords(unpack(openIo(body), head[4]!, path));
      yield* batch;
    }
  } finally {
    closeSync(fd);
  }
}

function unpack(body: Buffer, codec: number, path: string): Buffer {
  if (codec === NONE) return body;
  if (codec === DEFLATE) return inflateRawSync(body);
  if (codec !== ZSTD) throw new Error(`spill file ${path}: unknown codec ${codec}`);
  const out = zstd ? zstd.decompress(body) : zstdDecompressJs(body);
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}
