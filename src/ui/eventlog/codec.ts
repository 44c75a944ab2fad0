/**
 * Event log compression. Spark names its codecs `lz4`, `lzf`, `snappy` and `zstd`, and readers pick the codec from
 * the file extension; of these only zstd exists in `node:zlib`, and only from Node 22.15. Without it, logs are
 * written uncompressed (Spark 3.5's default) and compressed ones cannot be read.
 */
import zlib from 'node:zlib';
import type { Transform } from 'node:stream';
import { IllegalArgumentException } from '../../util/errors.js';

/** A zlib compressing stream (it can flush what it holds). */
export type Compressor = Transform & { flush(callback: () => void): void };

type ZstdZlib = { createZstdCompress?: () => Compressor; createZstdDecompress?: () => Transform };

export function zstdAvailable(): boolean {
  return typeof (zlib as unknown as ZstdZlib).createZstdCompress === 'function';
}

/** Checks that this Node can write `codec`; the error names the setting. */
export function checkWritableCodec(codec: string): void {
  if (codec !== 'zstd') {
    throw new IllegalArgumentException(`spark.eventLog.compression.codec: '${codec}' cannot be written by spark-mesos; use zstd, or spark.eventLog.compress=false`);
  }
  if (!zstdAvailable()) {
    throw new IllegalArgumentException(`spark.eventLog.compress=true needs zstd in node:zlib (Node 22.15 or later), but this is Node ${process.version}; set spark.eventLog.compress=false`);
  }
}

export function compressor(codec: string): Compressor {
  checkWritableCodec(codec);
  return (zlib as unknown as Required<ZstdZlib>).createZstdCompress();
}

/** A decompressing stream for `codec`, or an error naming the file's codec when it cannot be read here. */
export function decompressor(codec: string, file: string): Transform {
  if (codec === 'zstd' && zstdAvailable()) return (zlib as unknown as Required<ZstdZlib>).createZstdDecompress();
  throw new Error(`cannot read ${file}: ${codec} compression is not readable by this Node ${process.version}`);
}
