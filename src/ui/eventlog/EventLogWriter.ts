/**
 * Writes an application's events as Spark's event log (one compact JSON object per line, `"Event"` first) off the
 * scheduling path: events wait in a bounded queue (dropped with a counted warning when full) and are written in
 * batches between other work; the file is `.inprogress` until `stop()` renames it.
 */
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { SparkConf } from '../../conf/SparkConf.js';
import * as config from '../../conf/catalog.js';
import { IllegalArgumentException, SparkException } from '../../util/errors.js';
import { getLogger, warn } from '../../util/logging.js';
import type { SparkEvent } from '../events/sparkEvents.js';
import { BoundedQueue } from './BoundedQueue.js';
import { checkWritableCodec, compressor, type Compressor } from './codec.js';
import { IN_PROGRESS, ROLLING_DIR_PREFIX, ROLLING_FILE_PREFIX, STATUS_FILE_PREFIX, localDir, logName } from './names.js';

const log = getLogger('EventLogWriter');

export interface EventLogOptions {
  dir: string;
  codec: string | undefined;
  overwrite: boolean;
  rolling: boolean;
  maxFileSize: number;
  capacity: number;
  logBlockUpdates: boolean;
}

export function eventLogOptions(conf: SparkConf): EventLogOptions {
  const codec = conf.get(config.EVENT_LOG_COMPRESS) ? conf.get(config.EVENT_LOG_COMPRESSION_CODEC) : undefined;
  if (codec !== undefined) checkWritableCodec(codec);
  return {
    dir: localDir(config.EVENT_LOG_DIR.key, conf.get(config.EVENT_LOG_DIR)), codec, overwrite: conf.get(config.EVENT_LOG_OVERWRITE),
    rolling: conf.get(config.EVENT_LOG_ROLLING_ENABLED), maxFileSize: conf.get(config.EVENT_LOG_ROLLING_MAX_FILE_SIZE),
    capacity: conf.get(config.LISTENER_BUS_EVENT_QUEUE_CAPACITY), logBlockUpdates: conf.get(config.EVENT_LOG_LOG_BLOCK_UPDATES),
  };
}

/** Events after which Spark flushes the log (the rest are buffered). */
const FLUSHING = new Set(['SparkListenerLogStart', 'SparkListenerApplicationStart', 'SparkListenerApplicationEnd', 'SparkListenerJobStart',
  'SparkListenerJobEnd', 'SparkListenerStageCompleted', 'SparkListenerEnvironmentUpdate', 'SparkListenerExecutorAdded', 'SparkListenerExecutorRemoved',
  'SparkListenerBlockManagerAdded', 'SparkListenerBlockManagerRemoved']);

/** Events serialized per turn of the event loop, so a burst never holds up scheduling for long. */
const BATCH = 256;

interface OpenFile { file: WriteStream; zip: Compressor | undefined; bytes: number }

export class EventLogWriter {
  private readonly queue: BoundedQueue<SparkEvent>;
  private readonly name: string;
  private out: OpenFile | undefined;
  private index = 0;
  private pumping: Promise<void> | undefined;
  private stopped = false;
  private error: Error | undefined;
  /** Where the log is while the application runs (a file, or the rolling directory). */
  readonly path: string;

  constructor(private readonly opts: EventLogOptions, appId: string, attemptId?: string) {
    this.queue = new BoundedQueue(opts.capacity, 'eventLog', log);
    this.name = logName(appId, attemptId);
    if (!existsSync(opts.dir)) throw new IllegalArgumentException(`${config.EVENT_LOG_DIR.key}: log directory ${opts.dir} does not exist`);
    if (!statSync(opts.dir).isDirectory()) throw new IllegalArgumentException(`${config.EVENT_LOG_DIR.key}: ${opts.dir} is not a directory`);
    const ext = opts.codec ? `.${opts.codec}` : '';
    if (opts.rolling) {
      this.path = join(opts.dir, `${ROLLING_DIR_PREFIX}${this.name}`);
      this.replaceExisting(this.path);
      mkdirSync(this.path, { mode: 0o770 });
      writeFileSync(this.statusFile(true), '', { mode: 0o770 });
      this.open(join(this.path, `${ROLLING_FILE_PREFIX}${++this.index}_${this.name}${ext}`));
    } else {
      this.path = join(opts.dir, `${this.name}${ext}`);
      this.replaceExisting(this.path);
      if (existsSync(this.path + IN_PROGRESS)) {
        log.warn({ path: this.path + IN_PROGRESS }, 'event log already exists; overwriting');
        rmSync(this.path + IN_PROGRESS, { force: true });
      }
      this.open(this.path + IN_PROGRESS);
    }
    log.info({ path: this.path }, 'logging events');
  }

  /** Events dropped because the queue was full. */
  get droppedEvents(): number {
    return this.queue.dropped;
  }

  private statusFile(inProgress: boolean): string {
    return join(this.path, `${STATUS_FILE_PREFIX}${this.name}${inProgress ? IN_PROGRESS : ''}`);
  }

  private replaceExisting(path: string): void {
    if (!existsSync(path)) return;
    if (!this.opts.overwrite) throw new SparkException(`Target log file already exists (${path}); set ${config.EVENT_LOG_OVERWRITE.key}=true to replace it`);
    log.warn({ path }, 'event log already exists; overwriting');
    rmSync(path, { recursive: true, force: true });
  }

  private open(path: string): void {
    const file = createWriteStream(path, { mode: 0o770 });
    file.on('error', (err) => this.fail(err));
    let zip: Compressor | undefined;
    if (this.opts.codec) {
      zip = compressor(this.opts.codec);
      zip.on('error', (err) => this.fail(err));
      zip.pipe(file);
    }
    this.out = { file, zip, bytes: 0 };
  }

  private fail(err: Error): void {
    if (this.error) return;
    this.error = err;
    log.error({ err: err.message, path: this.path }, 'event log write failed; no more events are logged');
  }

  /** Queues an event (never waits). */
  post(e: SparkEvent): void {
    if (this.stopped || this.error) return;
    if (e.Event === 'SparkListenerBlockUpdated' && !this.opts.logBlockUpdates) return;
    if (this.queue.offer(e)) this.schedule();
  }

  private schedule(): void {
    if (this.pumping) return;
    this.pumping = new Promise<void>((r) => setImmediate(r)).then(() => this.pump()).finally(() => {
      this.pumping = undefined;
      if (this.queue.size > 0 && !this.error) this.schedule();
    });
  }

  private async pump(): Promise<void> {
    while (this.queue.size > 0 && !this.error) {
      let text = '';
      // Bytes of `text`, counted as it grows (only rolling logs need them).
      let textBytes = 0;
      let flush = false;
      for (const e of this.queue.take(BATCH)) {
        const line = JSON.stringify(e) + '\n';
        if (this.opts.rolling) {
          const lineBytes = Buffer.byteLength(line);
          const held = this.out!.bytes + textBytes;
          if (held > 0 && held + lineBytes > this.opts.maxFileSize) {
            await this.write(text, false);
            text = '';
            textBytes = 0;
            await this.roll();
          }
          textBytes += lineBytes;
        }
        text += line;
        flush ||= FLUSHING.has(e.Event);
      }
      await this.write(text, flush);
      if (this.queue.size > 0) await new Promise<void>((r) => setImmediate(r));
    }
  }

  private async write(text: string, flush: boolean): Promise<void> {
    if (text === '' || this.error) return;
    const out = this.out!;
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

  private async close(out: OpenFile): Promise<void> {
    await new Promise<void>((r) => {
      out.file.once('close', r);
      out.file.once('error', () => r());
      if (out.zip) out.zip.end();
      else out.file.end();
    });
  }

  private async roll(): Promise<void> {
    await this.close(this.out!);
    const ext = this.opts.codec ? `.${this.opts.codec}` : '';
    this.open(join(this.path, `${ROLLING_FILE_PREFIX}${++this.index}_${this.name}${ext}`));
  }

  /** Waits until every queued event is in the file (readable by a history server). */
  async flushed(): Promise<void> {
    while (this.pumping) await this.pumping;
    const out = this.out;
    if (!out || this.error || this.stopped) return;
    if (out.zip) await new Promise<void>((r) => out.zip!.flush(() => r()));
    await new Promise<void>((r) => out.file.write('', () => r()));
  }

  /** Writes what is queued, closes the log and drops `.inprogress` from its name. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    await this.flushed();
    this.stopped = true;
    if (this.out) await this.close(this.out);
    if (this.queue.dropped > 0) warn(log, 'eventLog', `${this.queue.dropped} events were dropped from the event log ${this.path}: it is incomplete`);
    if (this.opts.rolling) renameSync(this.statusFile(true), this.statusFile(false));
    else renameSync(this.path + IN_PROGRESS, this.path);
  }
}
