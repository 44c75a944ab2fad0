/**
 * A bounded FIFO between the listener bus and a slow consumer (Spark's AsyncEventQueue): a full queue drops the new
 * item and counts it, so producers never wait. The first drop is logged as an error, later ones as a count at most
 * once a minute.
 */
import { warn, type Logger } from '../../util/logging.js';

export class BoundedQueue<T> {
  private items: T[] = [];
  private head = 0;
  /** Items dropped since the queue was created. */
  dropped = 0;
  private droppedSinceReport = 0;
  private lastReport = 0;

  constructor(
    readonly capacity: number,
    private readonly name: string,
    private readonly log: Logger,
  ) {}

  get size(): number {
    return this.items.length - this.head;
  }

  /** Adds an item; false (and counted) when the queue is full. */
  offer(item: T): boolean {
    if (this.size >= this.capacity) {
      if (this.dropped === 0) {
        warn(this.log, this.name, `Dropping event from queue ${this.name} (capacity ${this.capacity}). This likely means its listener is too slow and cannot keep up with the rate at which tasks are being started by the scheduler.`);
        this.lastReport = Date.now();
      }
      this.dropped++;
      this.droppedSinceReport++;
      const now = Date.now();
      if (now - this.lastReport >= 60_000) {
        warn(this.log, this.name, `Dropped ${this.droppedSinceReport} events from ${this.name} since ${new Date(this.lastReport).toISOString()}.`);
        this.lastReport = now;
        this.droppedSinceReport = 0;
      }
      return false;
    }
    this.items.push(item);
    return true;
  }

  /** Takes up to `max` items, oldest first. */
  take(max: number): T[] {
    const out = this.items.slice(this.head, this.head + max);
    this.head += out.length;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return out;
  }
}
