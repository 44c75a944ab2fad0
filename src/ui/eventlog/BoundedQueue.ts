/**
 * A bounded FIFO between the listener bus and a slow consumer (Spark's AsyncEventQueue): a full queue drops the new
 * item and counts it, so producers never wait.
 */
import { warn, type Logger } from '../../util/logging.js';

/**
 * Counts what a full listener queue drops, warning as Spark's AsyncEventQueue does: the first drop at once, later
 * ones as a count at most once a minute.
 */
export class DropCounter {
  /** Items dropped since the counter was created. */
  dropped = 0;
  private droppedSinceReport = 0;
  private lastReport = 0;

  constructor(
    private readonly name: string,
    private readonly capacity: number,
    private readonly log: Logger,
  ) {}

  drop(): void {
    const now = Date.now();
    if (this.dropped === 0) {
      warn(this.log, this.name, `Dropping event from queue ${this.name} (capacity ${this.capacity}). This likely means one of the listeners is too slow and cannot keep up with the rate at which tasks are being started by the scheduler.`);
      this.lastReport = now;
    }
    this.dropped++;
    this.droppedSinceReport++;
    if (now - this.lastReport >= 60_000) {
      warn(this.log, this.name, `Dropped ${this.droppedSinceReport} events from ${this.name} since ${new Date(this.lastReport).toISOString()}.`);
      this.lastReport = now;
      this.droppedSinceReport = 0;
    }
  }
}

export class BoundedQueue<T> {
  private items: T[] = [];
  private head = 0;
  private readonly drops: DropCounter;

  constructor(
    readonly capacity: number,
    name: string,
    log: Logger,
  ) {
    this.drops = new DropCounter(name, capacity, log);
  }

  /** Items dropped since the queue was created. */
  get dropped(): number {
    return this.drops.dropped;
  }

  get size(): number {
    return this.items.length - this.head;
  }

  /** Adds an item; false (and counted) when the queue is full. */
  offer(item: T): boolean {
    if (this.size >= this.capacity) {
      this.drops.drop();
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
