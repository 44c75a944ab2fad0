import type { ClientEvent } from '../../src/mesos/client/SchedulerClient.js';

/** Reads events until one satisfies `pred` (others are handed to `onOther`), or fails after `timeoutMs`. */
export async function nextEvent<T extends ClientEvent>(
  it: AsyncIterator<ClientEvent>,
  pred: (e: ClientEvent) => e is T,
  timeoutMs?: number,
  onOther?: (e: ClientEvent) => void | Promise<void>,
): Promise<T>;
export async function nextEvent(it: AsyncIterator<ClientEvent>, pred: (e: ClientEvent) => boolean, timeoutMs?: number, onOther?: (e: ClientEvent) => void | Promise<void>): Promise<ClientEvent>;
export async function nextEvent(it: AsyncIterator<ClientEvent>, pred: (e: ClientEvent) => boolean, timeoutMs = 15_000, onOther?: (e: ClientEvent) => void | Promise<void>): Promise<ClientEvent> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error('timed out waiting for an event');
    let timer: NodeJS.Timeout | undefined;
    const r = await Promise.race([
      it.next(),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timed out waiting for an event')), left))),
    ]).finally(() => clearTimeout(timer));
    if (r.done) throw new Error('event stream ended');
    if (pred(r.value)) return r.value;
    await onOther?.(r.value);
  }
}

export function isType<K extends ClientEvent['type']>(type: K) {
  return (e: ClientEvent): e is Extract<ClientEvent, { type: K }> => e.type === type;
}

export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
