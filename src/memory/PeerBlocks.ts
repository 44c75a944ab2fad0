/**
 * Cached blocks shared among an executor's task threads, as Spark's BlockManager serves a cached block to every task
 * of its executor. A block cached in memory stays in the thread that cached it, as objects (Spark's MEMORY_ONLY keeps
 * objects too); every thread announces what it holds and lets go of on a channel of the executor's threads, and a
 * thread that misses a block another holds asks that thread for a copy, which comes serialized in shared memory (no
 * copy per receiver). The holder answers when its event loop is free (between tasks, or while a task waits on I/O);
 * the asker waits at most a bound and otherwise recomputes the block, as it would without a holder.
 */
import { BroadcastChannel, threadId } from 'node:worker_threads';
import { deserialize, serialize } from 'node:v8';

/**
 * How long a thread waits for another thread's copy of a block before computing it itself: about one short task,
 * the time a busy holder takes to reach the end of its current task and answer.
 */
export const PEER_WAIT_MS = 1000;

type Message =
  | { t: 'hello'; by: number }
  | { t: 'left'; by: number }
  | { t: 'held'; block: string; by: number }
  | { t: 'gone'; block: string; by: number }
  | { t: 'want'; block: string; id: string; to: number }
  | { t: 'have'; id: string; bytes: SharedArrayBuffer | null };

export class PeerBlocks {
  private readonly channel: BroadcastChannel;
  /** Which thread holds each block another thread announced. */
  private readonly holders = new Map<string, number>();
  private readonly waiting = new Map<string, (items: unknown[] | undefined) => void>();
  private next = 0;

  /**
   * `name`: the channel of one executor's threads; `local`: this thread's in-memory copy of a block, if any;
   * `localBlocks`: what it holds (announced again to a thread that starts later).
   */
  constructor(name: string, private readonly local: (block: string) => unknown[] | undefined, private readonly localBlocks: () => Iterable<string>) {
    this.channel = new BroadcastChannel(name);
    this.channel.onmessage = (ev) => this.onMessage((ev as { data: Message }).data);
    // The channel never keeps a thread alive by itself.
    (this.channel as unknown as { unref(): void }).unref();
    this.channel.postMessage({ t: 'hello', by: threadId } satisfies Message);
  }

  /** Tells an executor's threads that thread `by` has ended (sent by the executor, which sees its threads end). */
  static threadLeft(name: string, by: number): void {
    const c = new BroadcastChannel(name);
    c.postMessage({ t: 'left', by } satisfies Message);
    c.close();
  }

  /** This thread now holds `block` in memory. */
  held(block: string): void {
    this.channel.postMessage({ t: 'held', block, by: threadId } satisfies Message);
  }

  /** This thread no longer holds `block` in memory. */
  gone(block: string): void {
    this.channel.postMessage({ t: 'gone', block, by: threadId } satisfies Message);
  }

  /** Whether another thread is known to hold `block`. */
  heldElsewhere(block: string): boolean {
    const by = this.holders.get(block);
    return by !== undefined && by !== threadId;
  }

  /** A copy of `block` from the thread that holds it, or undefined when none answers with it within `waitMs`. */
  fetch(block: string, waitMs: number): Promise<unknown[] | undefined> {
    const to = this.holders.get(block);
    if (to === undefined || to === threadId) return Promise.resolve(undefined);
    const id = `${threadId}:${this.next++}`;
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(undefined), waitMs);
      const done = (items: unknown[] | undefined) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        resolve(items);
      };
      this.waiting.set(id, done);
      this.channel.postMessage({ t: 'want', block, id, to } satisfies Message);
    });
  }

  close(): void {
    this.channel.close();
    for (const done of [...this.waiting.values()]) done(undefined);
  }

  private onMessage(m: Message): void {
    switch (m.t) {
      case 'hello':
        for (const block of this.localBlocks()) this.held(block);
        return;
      case 'left':
        for (const [block, by] of [...this.holders]) if (by === m.by) this.holders.delete(block);
        return;
      case 'held':
        this.holders.set(m.block, m.by);
        return;
      case 'gone':
        if (this.holders.get(m.block) === m.by) this.holders.delete(m.block);
        return;
      case 'want': {
        if (m.to !== threadId) return;
        const items = this.local(m.block);
        let bytes: SharedArrayBuffer | null = null;
        if (items) {
          const b = serialize(items);
          bytes = new SharedArrayBuffer(b.length);
          new Uint8Array(bytes).set(b);
        }
        this.channel.postMessage({ t: 'have', id: m.id, bytes } satisfies Message);
        return;
      }
      case 'have': {
        const done = this.waiting.get(m.id);
        if (!done) return;
        let items: unknown[] | undefined;
        try {
          items = m.bytes ? (deserialize(new Uint8Array(m.bytes)) as unknown[]) : undefined;
        } catch {
          items = undefined; // a copy that cannot be read: recompute
        }
        done(items);
        return;
      }
    }
  }
}
