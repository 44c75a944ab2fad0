/**
 * Compression codecs chosen by file extension, as Hadoop's CompressionCodecFactory does. Compressed files are read
 * whole (one split each). Output is compressed chunk by chunk into self-contained members (gzip members, bzip2
 * streams, zstd and LZ4 frames): their concatenation is a valid file for every reader of the format, and a writer
 * needs no more than one chunk in memory.
 */
import { spawnSync } from 'node:child_process';
import { Transform } from 'node:stream';
import zlib from 'node:zlib';
import * as fzstd from 'fzstd';
import lz4 from 'lz4js';
import unbzip2 from 'unbzip2-stream';
import { takeFrames } from './lz4Frames.js';
import { IllegalArgumentException } from '../util/errors.js';

export type CodecName = 'gzip' | 'bzip2' | 'zstd' | 'lz4';

export interface Codec {
  name: CodecName;
  /** The file extension, with its dot. */
  extension: string;
  /** Loads what the codec needs (a WebAssembly module) before the synchronous calls below. */
  ready(): Promise<void>;
  /** One self-contained compressed member holding `data`, in a buffer of its own (the caller reuses `data`). */
  compressChunk(data: Buffer): Buffer;
  /** A stream turning the whole compressed file into its bytes. */
  decompressor(): Transform;
}

let zstdWasm: typeof import('@bokuweb/zstd-wasm') | undefined;

/** A Transform around a push-style decoder (`push(chunk, final)` calling `emit` with output). */
function pushDecoder(make: (emit: (b: Uint8Array) => void) => { push(chunk: Uint8Array, final: boolean): void }): Transform {
  const t: Transform = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      try {
        dec.push(chunk, false);
        cb();
      } catch (err) {
        cb(err as Error);
      }
    },
    flush(cb) {
      try {
        dec.push(new Uint8Array(0), true);
        cb();
      } catch (err) {
        cb(err as Error);
      }
    },
  });
  // Used by the callbacks above, which run only after this line.
  const dec = make((b) => t.push(Buffer.from(b.buffer, b.byteOffset, b.byteLength)));
  return t;
}

const gzip: Codec = {
  name: 'gzip',
  extension: '.gz',
  ready: async () => undefined,
  compressChunk: (data) => zlib.gzipSync(data),
  // Node's gunzip reads concatenated members, as Hadoop's GzipCodec does.
  decompressor: () => zlib.createGunzip(),
};

const bzip2: Codec = {
  name: 'bzip2',
  extension: '.bz2',
  ready: async () => undefined,
  compressChunk(data) {
    // No maintained bzip2 compressor exists for Node (the pure-JS one runs at 0.3 MB/s): the bzip2 command does it.
    const r = spawnSync('bzip2', ['-c'], { input: data, maxBuffer: data.length * 2 + 1024 * 1024 });
    if (r.error) throw new Error(`writing .bz2 output needs the bzip2 command on the executors' PATH (Debian package bzip2): ${r.error.message}`);
    if (r.status !== 0) throw new Error(`bzip2 exited with ${r.status}: ${String(r.stderr).trim()}`);
    return r.stdout;
  },
  decompressor() {
    const inner = unbzip2();
    const t = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        inner.write(chunk);
        cb();
      },
      flush(cb) {
        inner.once('end', () => cb());
        inner.end();
      },
    });
    inner.on('data', (d: Buffer) => t.push(d));
    inner.on('error', (err: Error) => t.destroy(new Error(`bad .bz2 data: ${err.message}`)));
    return t;
  },
};

/** zstd's block functions (WebAssembly), loaded once per thread; spill files use them too. */
export async function zstdFunctions(): Promise<typeof import('@bokuweb/zstd-wasm')> {
  await zstd.ready();
  return zstdWasm!;
}

const zstd: Codec = {
  name: 'zstd',
  extension: '.zst',
  async ready() {
    if (zstdWasm) return;
    const m = await import('@bokuweb/zstd-wasm');
    await m.init();
    zstdWasm = m;
  },
  compressChunk(data) {
    if (!zstdWasm) throw new Error('zstd codec used before ready()');
    return Buffer.from(zstdWasm.compress(data, 3));
  },
  decompressor: () => pushDecoder((emit) => new fzstd.Decompress((b) => emit(b))),
};

const lz4Codec: Codec = {
  name: 'lz4',
  extension: '.lz4',
  ready: async () => undefined,
  compressChunk: (data) => Buffer.from(lz4.compress(data)),
  decompressor: () =>
    pushDecoder((emit) => {
      let pending = Buffer.alloc(0);
      return {
        push(chunk, final) {
          pending = pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([pending, chunk]);
          const { frames, rest } = takeFrames(pending);
          for (const f of frames) emit(lz4.decompress(f));
          pending = Buffer.from(rest);
          if (final && pending.length > 0) throw new Error(`truncated .lz4 data: ${pending.length} bytes after the last whole frame`);
        },
      };
    }),
};

const BY_EXTENSION: Record<string, Codec> = { '.gz': gzip, '.bz2': bzip2, '.zst': zstd, '.lz4': lz4Codec };

/** Extensions Hadoop treats as compressed that we cannot read: an error beats reading compressed bytes as text. */
const UNSUPPORTED: Record<string, string> = {
  '.snappy': 'Snappy (Hadoop framing)',
  '.deflate': 'Hadoop DefaultCodec (zlib)',
  '.lzo': 'LZO',
  '.br': 'Brotli',
};

/** The codec of a file, by the extension of its name; undefined for plain files. */
export function codecForPath(path: string): Codec | undefined {
  // URLs: the extension is the path's, not the query's.
  const bare = path.includes('://') ? path.replace(/[?#].*$/, '') : path;
  const name = bare.slice(bare.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const ext = name.slice(dot).toLowerCase();
  if (UNSUPPORTED[ext]) throw new IllegalArgumentException(`cannot read '${path}': files ending in ${ext} are ${UNSUPPORTED[ext]}, which is not supported (supported: ${Object.keys(BY_EXTENSION).join(', ')})`);
  return BY_EXTENSION[ext];
}

const ALIASES: Record<string, Codec> = {
  gzip, gz: gzip, 'org.apache.hadoop.io.compress.gzipcodec': gzip,
  bzip2, bz2: bzip2, 'org.apache.hadoop.io.compress.bzip2codec': bzip2,
  zstd, zst: zstd, zstandard: zstd, 'org.apache.hadoop.io.compress.zstandardcodec': zstd,
  lz4: lz4Codec, 'org.apache.hadoop.io.compress.lz4codec': lz4Codec,
};

/** The codec named by `saveAsTextFile(path, codec)`: a short name or Hadoop's codec class name. */
export function codecByName(name: string): Codec {
  const c = ALIASES[name.trim().toLowerCase()];
  if (!c) throw new IllegalArgumentException(`saveAsTextFile: codec should be one of gzip, bzip2, zstd, lz4 (or a Hadoop codec class name), but was '${name}'`);
  return c;
}
