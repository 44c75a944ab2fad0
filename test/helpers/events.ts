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

/** Every event the client receives, in order: the array grows as they come. */
export function recordEvents(client: { events(): AsyncIterable<ClientEvent> }): ClientEvent[] {
  const seen: ClientEvent[] = [];
  void (async () => {
    for await (const e of client.events()) seen.push(e);
  })().catch(() => undefined);
  return seen;
}

/** The framework id SUBSCRIBED gave, once it came. */
export async function subscribedId(seen: ClientEvent[], timeoutMs = 10_000): Promise<string> {
  await waitFor(() => seen.some((e) => e.type === 'SUBSCRIBED'), timeoutMs, 'subscribed');
  return (seen.find((e) => e.type === 'SUBSCRIBED') as Extract<ClientEvent, { type: 'SUBSCRIBED' }>).subscribed.framework_id.value;
}

/** The first offer received, once it came. */
export async function firstOffer(seen: ClientEvent[], timeoutMs = 10_000) {
  await waitFor(() => seen.some((e) => e.type === 'OFFERS'), timeoutMs, 'an offer');
  return (seen.find((e) => e.type === 'OFFERS') as Extract<ClientEvent, { type: 'OFFERS' }>).offers.offers![0]!;
}
