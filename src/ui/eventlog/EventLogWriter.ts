/**
 * Writes an application's events as Spark's event log (one compact JSON object per line, `"Event"` first). It runs
 * on the driver's listener thread (see ../live), off the scheduling path: events are encoded as they come and wait as
 * bytes, at most `capacity` of them with those being written (more are dropped with a counted warning when the file
 * falls behind), and are written in batches; the file is `.inprogress` until `stop()` renames it.
 */
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SparkConf } from '../../conf/SparkConf.js';
import * as config from '../../conf/catalog.js';
import { IllegalArgumentException, SparkException } from '../../util/errors.js';
import { getLogger, warn } from '../../util/logging.js';
import type { PlainTaskEnd, SparkEvent } from '../events/sparkEvents.js';
import { DropCounter } from './DropCounter.js';
import { checkWritableCodec } from './codec.js';
import { PendingLines, type LogItem } from './lineBytes.js';
import { EventLogSink, type SinkOptions } from './EventLogSink.js';
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

/** Events waiting that are written at once rather than after HAND_OVER_MS. */
const BATCH = 1024;
/** The longest an event waits before it is written. */
const HAND_OVER_MS = 50;

export class EventLogWriter {
  private readonly pending = new PendingLines();
  private readonly drops: DropCounter;
  private readonly name: string;
  private readonly sink: EventLogSink;
  /** Batches being written, in order: each waits on the one before. */
  private writing: Promise<void> = Promise.resolve();
  /** Events taken from `pending` and not yet written: with `pending`, what the log holds in memory. */
  private inFlight = 0;
  private scheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Events left out because they could not be encoded. */
  private unwritable = 0;
  private error: string | undefined;
  /** Where the log is while the application runs (a file, or the rolling directory). */
  readonly path: string;

  constructor(private readonly opts: EventLogOptions, appId: string, attemptId?: string) {
    this.drops = new DropCounter('eventLog', opts.capacity, log);
    this.name = logName(appId, attemptId);
    if (!existsSync(opts.dir)) throw new IllegalArgumentException(`${config.EVENT_LOG_DIR.key}: log directory ${opts.dir} does not exist`);
    if (!statSync(opts.dir).isDirectory()) throw new IllegalArgumentException(`${config.EVENT_LOG_DIR.key}: ${opts.dir} is not a directory`);
    const ext = opts.codec ? `.${opts.codec}` : '';
    let sink: SinkOptions;
    if (opts.rolling) {
      this.path = join(opts.dir, `${ROLLING_DIR_PREFIX}${this.name}`);
      this.replaceExisting(this.path);
      mkdirSync(this.path, { mode: 0o770 });
      writeFileSync(this.statusFile(true), '', { mode: 0o770 });
      sink = { file: join(this.path, `${ROLLING_FILE_PREFIX}1_${this.name}${ext}`), codec: opts.codec, rolling: { dir: this.path, name: this.name, maxFileSize: opts.maxFileSize } };
    } else {
      this.path = join(opts.dir, `${this.name}${ext}`);
      this.replaceExisting(this.path);
      if (existsSync(this.path + IN_PROGRESS)) log.warn({ path: this.path + IN_PROGRESS }, 'event log already exists; overwriting');
      sink = { file: this.path + IN_PROGRESS, codec: opts.codec };
    }
    // Created here, so the log is listed from the start; the log's thread appends to it.
    writeFileSync(sink.file, '', { mode: 0o770 });
    this.sink = new EventLogSink(sink);
    log.info({ path: this.path }, 'logging events');
  }

  /** Events dropped because `capacity` of them were waiting or being written. */
  get droppedEvents(): number {
    return this.drops.dropped;
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

  private fail(message: string): void {
    if (this.error) return;
    this.error = message;
    log.error({ err: message, path: this.path }, 'event log write failed; no more events are logged');
  }

  /** Queues an event (never waits). */
  post(e: SparkEvent): void {
    if (e.Event === 'SparkListenerBlockUpdated' && !this.opts.logBlockUpdates) return;
    this.offer(e);
  }

  /** Queues a plain successful task end, written as the event it stands for (never waits). */
  postPlainTaskEnd(t: PlainTaskEnd): void {
    this.offer(t);
  }

  private offer(item: LogItem): void {
    if (this.stopped || this.error) return;
    if (this.pending.size + this.inFlight >= this.opts.capacity) {
      this.drops.drop();
      return;
    }
    try {
      this.pending.add(item);
    } catch (err) {
      // One event that cannot be written (a value JSON cannot hold) is left out, as Spark's listener bus goes on
      // past a listener's error; the log goes on with the next.
      this.unwritable++;
      log.warn({ event: 'Event' in item ? item.Event : 'SparkListenerTaskEnd', err: (err as Error).message, path: this.path }, 'an event cannot be written to the event log; it is left out');
      return;
    }
    this.schedule();
  }

  /**
   * Writes at most every HAND_OVER_MS, or at once when a full batch waits: each write has a fixed cost, so a burst
   * of tasks goes out in a few large batches rather than many small ones.
   */
  private schedule(): void {
    if (this.pending.size >= BATCH && this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.scheduled = false;
    }
    if (this.scheduled) return;
    this.scheduled = true;
    const run = () => {
      this.scheduled = false;
      this.timer = undefined;
      this.handOver();
    };
    if (this.pending.size >= BATCH) setImmediate(run);
    else {
      this.timer = setTimeout(run, HAND_OVER_MS);
      this.timer.unref();
    }
  }

  /**
   * Writes queued events now rather than after the current turn, resolving once they are written: a thread that
   * applies events in batches waits on it after each, so a slow file holds that thread back (and the events waiting
   * for it) instead of filling this queue.
   */
  pump(): Promise<void> {
    if (this.pending.size > 0) this.handOver();
    return this.writing;
  }

  /** Writes what waits (what is taken and what is being written stay within the capacity, as posts check). */
  private handOver(): void {
    if (this.pending.size === 0 || this.error) return;
    const lines = this.pending.take();
    const n = lines.ends.length;
    this.inFlight += n;
    this.then(() => this.sink.writeLines(lines), () => {
      this.inFlight -= n;
      if (this.pending.size > 0) this.schedule();
    });
  }

  /** Runs `step` after every write before it; `after` runs whether or not it failed. */
  private then(step: () => Promise<void>, after: () => void = () => undefined): Promise<void> {
    this.writing = this.writing.then(step).catch((err: Error) => this.fail(err.message)).then(() => {
      if (this.sink.failed) this.fail(this.sink.failed.message);
      after();
    });
    return this.writing;
  }

  /** Waits until every queued event is in the file (readable by a history server). */
  async flushed(): Promise<void> {
    if (this.stopped) return;
    this.handOver();
    if (!this.error) await this.then(() => this.sink.flush());
  }

  /**
   * Writes what is queued, closes the log and drops `.inprogress` from its name. `droppedBefore`: events the
   * application dropped before they reached the log (a full listener queue), counted in the closing warning.
   */
  async stop(droppedBefore = 0): Promise<void> {
    if (this.stopped) return;
    await this.flushed();
    this.stopped = true;
    // What came while the flush waited (nothing more is taken from here on).
    this.handOver();
    if (this.timer) clearTimeout(this.timer);
    await this.then(() => this.sink.close()); // closes at once after a write error, so stop always ends
    const dropped = this.drops.dropped + droppedBefore + this.unwritable;
    if (dropped > 0) warn(log, 'eventLog', `${dropped} events were dropped from the event log ${this.path}: it is incomplete`);
    if (this.opts.rolling) renameSync(this.statusFile(true), this.statusFile(false));
    else renameSync(this.path + IN_PROGRESS, this.path);
  }
}
