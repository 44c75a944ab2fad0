/**
 * What a leading dispatcher does after its store's ZooKeeper session was replaced (an expiry): it re-reads the store
 * and makes it match what it holds in memory. While it leads, the leader is the only writer (its writes are fenced
 * by its election znode), and its memory is what it acknowledged and acted on; a store that differs lost writes
 * (a write given up on while the session was gone, a znode removed by hand), and the next leader would recover
 * from that store. So documents missing or different are written back and documents the leader no longer holds
 * are removed, each difference logged.
 */
import { getLogger } from '../../util/logging.js';
import type { PersistenceEngine, StateDir } from '../persistence/PersistenceEngine.js';

const log = getLogger('StoreResync');

/** The documents of the driver directories, by name, as the leader holds them. */
export type ExpectedState = ReadonlyMap<Exclude<StateDir, 'scheduler'>, ReadonlyMap<string, unknown>>;

export interface ResyncResult {
  /** `dir/name` of each document written back (missing or different in the store). */
  rewritten: string[];
  /** `dir/name` of each document removed (in the store, not held by the leader). */
  removed: string[];
}

/** A stored driver document's name: its submission id (descriptions have it at the top, launch states in `driver`). */
function nameOf(doc: unknown): string | undefined {
  const d = doc as { submissionId?: unknown; driver?: { submissionId?: unknown } } | null;
  const id = d?.submissionId ?? d?.driver?.submissionId;
  return typeof id === 'string' ? id : undefined;
}

/**
 * Re-reads `store` and writes back what it lost. `scheduler` holds the scheduler's own documents (frameworkId,
 * identity), written back when missing or different; `inFlight` names submissions being stored right now (left
 * alone). Every write is fenced like any other: a dispatcher that no longer leads gets the FencedError.
 */
export async function resyncStore(store: PersistenceEngine, expected: ExpectedState, scheduler: ReadonlyMap<string, unknown>, inFlight: ReadonlySet<string>): Promise<ResyncResult> {
  const result: ResyncResult = { rewritten: [], removed: [] };
  const writes: Promise<void>[] = [];
  for (const [dir, held] of expected) {
    const stored = new Map<string, string>();
    for (const doc of await store.fetchAll<unknown>(dir)) {
      const name = nameOf(doc);
      if (name === undefined) log.warn({ dir }, 'a stored document without a submission id: left as it is');
      else stored.set(name, JSON.stringify(doc));
    }
    for (const [name, value] of held) {
      if (stored.get(name) === JSON.stringify(value)) continue;
      result.rewritten.push(`${dir}/${name}`);
      writes.push(store.persist(dir, name, value));
    }
    for (const name of stored.keys()) {
      if (held.has(name) || inFlight.has(name)) continue;
      result.removed.push(`${dir}/${name}`);
      writes.push(store.expunge(dir, name));
    }
  }
  for (const [name, value] of scheduler) {
    if (value === undefined) continue;
    if (JSON.stringify(await store.fetch<unknown>('scheduler', name)) === JSON.stringify(value)) continue;
    result.rewritten.push(`scheduler/${name}`);
    writes.push(store.persist('scheduler', name, value));
  }
  // All at once: the ZooKeeper store commits them in shared multi-ops. The first failure (e.g. fenced) is thrown.
  const settled = await Promise.allSettled(writes);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  if (result.rewritten.length + result.removed.length > 0) log.warn({ rewritten: result.rewritten, removed: result.removed }, 'the store differed from the leader\'s state after a new ZooKeeper session: written back');
  else log.info('store re-read after a new ZooKeeper session: it matches the leader\'s state');
  return result;
}
