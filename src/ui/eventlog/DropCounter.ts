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
