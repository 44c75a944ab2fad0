/**
 * The executor's side of `textFile`: the lines of one split, in batches, from any store; compressed files are
 * decompressed as they stream (they are always one split). Local plain files keep the direct synchronous reader.
 */
import { pipeline, type Readable } from 'node:stream';
import { readLines } from '../executor/textSplit.js';
import { codecForPath } from './codecs.js';
import { fileSystemFor } from './fileSystems.js';
import { LineRange } from './lineRange.js';
import { parsePath } from './uri.js';

export interface TextSplitSpec {
  path: string;
  start: number;
  end: number;
  io?: Record<string, string>;
}

export async function* textSplitBatches(split: TextSplitSpec): AsyncGenerator<string[]> {
  const p = parsePath(split.path);
  const codec = codecForPath(split.path);
  if (p.scheme === 'file' && !codec) {
    yield readLines(p.path, split.start, split.end);
    return;
  }
  const fs = await fileSystemFor(split.path, split.io);
  let stream: Readable;
  let range: LineRange;
  if (codec) {
    await codec.ready();
    const raw = await fs.open(split.path, 0);
    stream = pipeline(raw, codec.decompressor(), () => undefined);
    range = new LineRange(0);
  } else {
    stream = await fs.open(split.path, LineRange.streamStart(split.start));
    range = new LineRange(split.start, split.end);
  }
  try {
    for await (const chunk of stream) {
      const lines = range.push(chunk as Buffer);
      if (lines.length > 0) yield lines;
      if (range.done) return;
    }
    const tail = range.finish();
    if (tail.length > 0) yield tail;
  } finally {
    stream.destroy();
  }
}
