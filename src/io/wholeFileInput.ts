/**
 * The executor's side of `wholeTextFiles` and `binaryFiles`: each file of a split read whole, from any store, into
 * memory. Text is decompressed by extension (as `textFile` reads) and decoded as UTF-8; binary content is the raw
 * bytes, never decompressed, as Spark's PortableDataStream gives them.
 */
import { pipeline, type Readable } from 'node:stream';
import { codecForPath } from './codecs.js';
import { fileSystemFor } from './fileSystems.js';

export interface WholeFilesSpec {
  files: { path: string; size: number }[];
  io?: Record<string, string>;
}

/** The key Spark gives a file: its URI, `file:/abs/path` for a local file. */
export function fileKey(path: string): string {
  return path.includes('://') ? path : `file:${path}`;
}

/** All bytes of a file, decompressed by its extension when `decompress` is set. */
export async function readWholeFile(path: string, io: Record<string, string> | undefined, decompress: boolean): Promise<Buffer> {
  const fs = await fileSystemFor(path, io);
  const codec = decompress ? codecForPath(path) : undefined;
  if (codec) await codec.ready();
  const raw = await fs.open(path, 0);
  const stream: Readable = codec ? pipeline(raw, codec.decompressor(), () => undefined) : raw;
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk as Buffer);
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks);
}

/** `[key, content]` for each file of the split, in order. */
export async function* wholeFileRecords(split: WholeFilesSpec, binary: boolean): AsyncGenerator<[string, string | Buffer]> {
  for (const f of split.files) {
    const data = await readWholeFile(f.path, split.io, !binary);
    yield [fileKey(f.path), binary ? data : data.toString('utf8')];
  }
}
