/**
 * The file half of the event log, run on the log's own thread: writes lines to the current file (through zstd when
 * compressed), cuts rolling logs at their size limit, flushes after the events Spark flushes after, and closes.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { compressor, type Compressor } from './codec.js';
import { ROLLING_FILE_PREFIX } from './names.js';

export interface SinkOptions {
  /** The first file to write (created, empty, by the driver thread). */
  file: string;
  codec: string | undefined;
  /** For rolling logs: the directory and the sanitized name the next files are named after. */
  rolling?: { dir: string; name: string; maxFileSize: number };
}

/** Events after which Spark flushes the log (the rest are buffered). */
const FLUSHING = new Set(['SparkListenerLogStart', 'SparkListenerApplicationStart', 'SparkListenerApplicationEnd', 'SparkListenerJobStart',
  'SparkListenerJobEnd', 'SparkListenerStageCompleted', 'SparkListenerEnvironmentUpdate', 'SparkListenerExecutorAdded', 'SparkListenerExecutorRemoved',
  'SparkListenerBlockManagerAdded', 'SparkListenerBlockManagerRemoved']);

interface OpenFile { file: WriteStream; zip: Compressor | undefined; bytes: number }

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

  /** Writes lines (each ending in a newline), waiting while the file is behind. */
  async writeLines(lines: Iterable<{ line: string; event: string }>): Promise<void> {
    let text = '';
    // Bytes of `text`, counted as it grows (only rolling logs need them).
    let textBytes = 0;
    let flush = false;
    const max = this.opts.rolling?.maxFileSize;
    for (const { line, event } of lines) {
      if (max !== undefined) {
        const lineBytes = Buffer.byteLength(line);
        const held = this.out.bytes + textBytes;
        if (held > 0 && held + lineBytes > max) {
          await this.write(text, false);
          text = '';
          textBytes = 0;
          await this.roll();
        }
        textBytes += lineBytes;
      }
      text += line;
      flush ||= FLUSHING.has(event);
    }
    await this.write(text, flush);
  }

  private async write(text: string, flush: boolean): Promise<void> {
    if (text === '' || this.error) return;
    const out = this.out;
    out.bytes += Buffer.byteLength(text);
    const target = out.zip ?? out.file;
    const more = target.write(text);
    if (out.zip && flush) await new Promise<void>((r) => out.zip!.flush(() => r()));
    if (!more) {
      // Both listeners go once either fires: one pair per wait, never an accumulating pile.
      await new Promise<void>((r) => {
        const done = () => {
          target.off('drain', done);
          target.off('error', done);
          r();
        };
        target.once('drain', done);
        target.once('error', done);
      });
    }
  }

  /** Everything written so far is in the file (readable by a history server). */
  async flush(): Promise<void> {
    const out = this.out;
    if (this.error) return;
    if (out.zip) await new Promise<void>((r) => out.zip!.flush(() => r()));
    await new Promise<void>((r) => out.file.write('', () => r()));
  }

  async close(): Promise<void> {
    const out = this.out;
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
