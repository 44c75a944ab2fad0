import type { SparkListener, SparkListenerEvent } from './events.js';
import { getLogger } from '../util/logging.js';

const log = getLogger('ListenerBus');

/** Delivers scheduler events to listeners asynchronously, in order; a failing listener is logged, not fatal. */
export class ListenerBus {
  private readonly listeners = new Set<SparkListener>();
  private queue: SparkListenerEvent[] = [];
  private scheduled = false;

  add(l: SparkListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  post(e: SparkListenerEvent): void {
    if (this.listeners.size === 0) return;
    this.queue.push(e);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  /** Delivers everything queued now (used before stopping). */
  drain(): void {
    this.scheduled = false;
    const q = this.queue;
    this.queue = [];
    for (const e of q) {
      for (const l of this.listeners) {
        try {
          l(e);
        } catch (err) {
          log.warn({ err }, 'listener failed');
        }
      }
    }
  }
}
