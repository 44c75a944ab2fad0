/**
 * The file half of the event log, run on the log's own thread: writes lines to the current file (through zstd when
 * compressed), cuts rolling logs at their size limit, flushes after the events Spark flushes after, and closes.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { compressor, type Compressor } from './codec.js';
import type { EncodedLines } from './lineBytes.js';
import { ROLLING_FILE_PREFIX } from './names.js';

export interface SinkOptions {
  /** The first file to write (created, empty, by the driver thread). */
  file: string;
  codec: string | undefined;
  /** For rolling logs: the directory and the sanitized name the next files are named after. */
  rolling?: { dir: string; name: string; maxFileSize: number };
}

interface OpenFile { file: WriteStream; zip: Compressor | undefined; bytes: number }

/** Flushes the compressor; a failed file ends the wait too (its compressor would then never finish flushing). */
function flushZip(out: OpenFile): Promise<void> {
  return new Promise<void>((r) => {
    const done = () => {
      out.file.off('error', done);
      r();
    };
    if (out.file.destroyed) return r();
    out.file.once('error', done);
    out.zip!.flush(done);
  });
}

export class EventLogSink {
  private out: OpenFile;
  private index = 1;
  private error: Error | undefined;

  constructor(private readonly opts: SinkOptions) {
    this.out = this.open(opts.file);
  }

  /** The first write error, after which nothing more is written. */
  get failed(): Error | undefined {
    return this.error;
  }

  private open(path: string): OpenFile {
    const file = createWriteStream(path, { flags: 'a', mode: 0o770 });
    file.on('error', (err) => this.fail(err));
    let zip: Compressor | undefined;
    if (this.opts.codec) {
      zip = compressor(this.opts.codec);
      zip.on('error', (err) => this.fail(err));
      zip.pipe(file);
    }
    return { file, zip, bytes: 0 };
  }

  private fail(err: Error): void {
    this.error ??= err;
  }

  /**
   * Writes lines (each ending in a newline), waiting while the file is behind; releases them once no stream holds
   * their bytes any more (a stream may still hold them after this resolves).
   */
  async writeLines(lines: EncodedLines): Promise<void> {
    const { bytes, ends, flush } = lines;
    // One for each write, and one for this call, so the release waits for every write it issues.
    let holding = 1;
    const written = () => {
      if (--holding === 0) lines.release?.();
    };
    const write = (b: Uint8Array, flush: boolean) => {
      holding++;
      return this.write(b, flush, written);
    };
    try {
      const max = this.opts.rolling?.maxFileSize;
      if (max === undefined) {
        await write(bytes, flush);
        return;
      }
      // Rolling: cut before the line that would take the file past its limit.
      let from = 0;
      let prev = 0;
      for (const end of ends) {
        if (this.out.bytes + (prev - from) > 0 && this.out.bytes + (end - from) > max) {
          await write(bytes.subarray(from, prev), false);
          from = prev;
          await this.roll();
        }
        prev = end;
      }
      await write(bytes.subarray(from, prev), flush);
    } finally {
      written();
    }
  }

  /** `written` runs once the stream no longer holds `bytes` (at once when nothing is written). */
  private async write(bytes: Uint8Array, flush: boolean, written: () => void): Promise<void> {
    if (bytes.length === 0 || this.error) {
      written();
      return;
    }
    const out = this.out;
    out.bytes += bytes.length;
    const target = out.zip ?? out.file;
    // The callback runs once the chunk is consumed, or with an error when it never will be.
    const more = target.write(bytes, () => written());
    if (out.zip && flush) await flushZip(out);
    if (!more) {
      // The listeners go once any fires: one set per wait, never an accumulating pile. The file's own error counts
      // too: when it fails behind a compressor, the compressor never drains.
      await new Promise<void>((r) => {
        const done = () => {
          target.off('drain', done);
          target.off('error', done);
          out.file.off('error', done);
          r();
        };
        target.once('drain', done);
        target.once('error', done);
        out.file.once('error', done);
      });
    }
  }

  /** Everything written so far is in the file (readable by a history server). */
  async flush(): Promise<void> {
    const out = this.out;
    if (this.error) return;
    if (out.zip) await flushZip(out);
    if (this.error || out.file.destroyed) return;
    await new Promise<void>((r) => out.file.write('', () => r()));
  }

  async close(): Promise<void> {
    const out = this.out;
    // A stream that failed has already closed (or never will): waiting for 'close' would wait forever.
    if (this.error || out.file.destroyed || out.file.closed) {
      out.zip?.destroy();
      out.file.destroy();
      return;
    }
    await new Promise<void>((r) => {
      out.file.once('close', r);
      out.file.once('error', () => r());
      if (out.zip) out.zip.end();
      else out.file.end();
    });
  }

  private async roll(): Promise<void> {
    await this.close();
    const r = this.opts.rolling!;
    const ext = this.opts.codec ? `.${this.opts.codec}` : '';
    this.out = this.open(join(r.dir, `${ROLLING_FILE_PREFIX}${++this.index}_${r.name}${ext}`));
  }
}
