/**
 * The executor's side of `textFile`: the lines of one split, in batches, from any store; compressed files are
 * decompressed as they stream (they are always one split). Local plain files keep the direct synchronous reader.
 * A remote split that ends before its file does asks for its bytes plus a margin to finish its last line, and for
 * the rest of the file only when that line runs on past the margin.
 */
import { pipeline, type Readable } from 'node:stream';
import { lineBatches } from '../executor/textSplit.js';
import { codecForPath } from './codecs.js';
import type { FileSystem } from './FileSystem.js';
import { fileSystemFor } from './fileSystems.js';
import { LineRange } from './lineRange.js';
import { parsePath } from './uri.js';

export interface TextSplitSpec {
  path: string;
  start: number;
  end: number;
  io?: Record<string, string>;
  /** The file's size (remote files): a split ending before it reads a bounded range. */
  fileSize?: number;
}

/** Bytes read past a split's end to finish its last line before asking for the rest of the file. */
export const LINE_MARGIN = 64 * 1024;

export async function* textSplitBatches(split: TextSplitSpec): AsyncGenerator<string[]> {
  const p = parsePath(split.path);
  const codec = codecForPath(split.path);
  if (p.scheme === 'file' && !codec) {
    yield* lineBatches(p.path, split.start, split.end);
    return;
  }
  const fs = await fileSystemFor(split.path, split.io);
  let chunks: AsyncGenerator<Buffer>;
  let range: LineRange;
  if (codec) {
    await codec.ready();
    const raw = await fs.open(split.path, 0);
    chunks = streamChunks(pipeline(raw, codec.decompressor(), () => undefined));
    range = new LineRange(0);
  } else {
    // Not the rest of the file: a server sends all it was asked for, however early the reader stops.
    const bounded = split.fileSize !== undefined && split.end + LINE_MARGIN < split.fileSize;
    chunks = rangeChunks(fs, split.path, LineRange.streamStart(split.start), bounded ? split.end + LINE_MARGIN : undefined);
    range = new LineRange(split.start, split.end);
  }
  for await (const chunk of chunks) {
    const lines = range.push(chunk);
    if (lines.length > 0) yield lines;
    if (range.done) return;
  }
  const tail = range.finish();
  if (tail.length > 0) yield tail;
}

async function* streamChunks(stream: Readable): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } finally {
    stream.destroy();
  }
}

/** Bytes from `from` to `bound`, then, if the reader wants more (a line longer than the margin), to the file's end. */
async function* rangeChunks(fs: FileSystem, path: string, from: number, bound: number | undefined): AsyncGenerator<Buffer> {
  let pos = from;
  for await (const chunk of streamChunks(await fs.open(path, from, bound))) {
    pos += chunk.length;
    yield chunk;
  }
  if (bound !== undefined && pos === bound) yield* streamChunks(await fs.open(path, pos));
}
