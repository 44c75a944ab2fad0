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
  | { t: 'want'; block: string; id: string; to: number; from: number };

/** The answer to a `want`, on the asker's own channel (a copy reaches the asker only, not every thread). */
type Reply = { id: string; bytes: SharedArrayBuffer | null };

interface Waiting { from: number; done: (items: unknown[] | undefined) => void }

export class PeerBlocks {
  private readonly channel: BroadcastChannel;
  private readonly replies: BroadcastChannel;
  /** Which threads hold each block other threads announced. */
  private readonly holders = new Map<string, Set<number>>();
  private readonly waiting = new Map<string, Waiting>();
  private next = 0;

  /**
   * `name`: the channel of one executor's threads; `local`: this thread's in-memory copy of a block, if any;
   * `localBlocks`: what it holds (announced again to a thread that starts later).
   */
  constructor(private readonly name: string, private readonly local: (block: string) => unknown[] | undefined, private readonly localBlocks: () => Iterable<string>) {
    this.channel = new BroadcastChannel(name);
    this.channel.onmessage = (ev) => this.onMessage((ev as { data: Message }).data);
    this.replies = new BroadcastChannel(replyChannel(name, threadId));
    this.replies.onmessage = (ev) => this.onReply((ev as { data: Reply }).data);
    // The channels never keep a thread alive by themselves.
    (this.channel as unknown as { unref(): void }).unref();
    (this.replies as unknown as { unref(): void }).unref();
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

  private holderOf(block: string): number | undefined {
    for (const by of this.holders.get(block) ?? []) if (by !== threadId) return by;
    return undefined;
  }

  /** A copy of `block` from a thread that holds it; undefined at once when none is known to, or when none answers within `waitMs`. */
  fetch(block: string, waitMs: number): Promise<unknown[] | undefined> {
    const to = this.holderOf(block);
    if (to === undefined) return Promise.resolve(undefined);
    const id = `${threadId}:${this.next++}`;
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(undefined), waitMs);
      const done = (items: unknown[] | undefined) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        resolve(items);
      };
      this.waiting.set(id, { from: to, done });
      this.channel.postMessage({ t: 'want', block, id, to, from: threadId } satisfies Message);
    });
  }

  close(): void {
    this.channel.close();
    this.replies.close();
    for (const w of [...this.waiting.values()]) w.done(undefined);
  }

  /** Requests waiting on thread `by` end now (it let the block go, or ended). */
  private giveUpOn(by: number): void {
    for (const w of [...this.waiting.values()]) if (w.from === by) w.done(undefined);
  }

  private onMessage(m: Message): void {
    switch (m.t) {
      case 'hello':
        for (const block of this.localBlocks()) this.held(block);
        return;
      case 'left':
        for (const [block, by] of [...this.holders]) {
          by.delete(m.by);
          if (by.size === 0) this.holders.delete(block);
        }
        this.giveUpOn(m.by);
        return;
      case 'held': {
        let by = this.holders.get(m.block);
        if (!by) this.holders.set(m.block, (by = new Set()));
        by.add(m.by);
        return;
      }
      case 'gone': {
        const by = this.holders.get(m.block);
        by?.delete(m.by);
        if (by?.size === 0) this.holders.delete(m.block);
        this.giveUpOn(m.by);
        return;
      }
      case 'want': {
        if (m.to !== threadId) return;
        const reply = new BroadcastChannel(replyChannel(this.name, m.from));
        reply.postMessage({ id: m.id, bytes: this.copyOf(m.block) } satisfies Reply);
        reply.close();
        return;
      }
    }
  }

  /** The block serialized into shared memory; null when it is gone, or holds what v8 cannot copy (a function). */
  private copyOf(block: string): SharedArrayBuffer | null {
    const items = this.local(block);
    if (!items) return null;
    try {
      const b = serialize(items);
      const bytes = new SharedArrayBuffer(b.length);
      new Uint8Array(bytes).set(b);
      return bytes;
    } catch {
      return null; // the asker computes the block itself, as without a holder
    }
  }

  private onReply(r: Reply): void {
    const w = this.waiting.get(r.id);
    if (!w) return;
    let items: unknown[] | undefined;
    try {
      items = r.bytes ? (deserialize(new Uint8Array(r.bytes)) as unknown[]) : undefined;
    } catch {
      items = undefined; // a copy that cannot be read: compute it
    }
    w.done(items);
  }
}

function replyChannel(name: string, thread: number): string {
  return `${name}/${thread}`;
}
