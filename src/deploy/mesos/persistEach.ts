/**
 * Stores several documents at once (so the ZooKeeper store group-commits them into shared multi-ops) and returns
 * the items whose write succeeded; each failed one is reported to `failed` and left out, so one bad write does not
 * hold up the others.
 */
export async function persistEach<T>(items: readonly T[], persist: (item: T) => Promise<void>, failed: (item: T, err: Error) => void): Promise<T[]> {
  const results = await Promise.allSettled(items.map(persist));
  return items.filter((item, i) => {
    const r = results[i]!;
    if (r.status === 'rejected') failed(item, r.reason instanceof Error ? r.reason : new Error(String(r.reason)));
    return r.status === 'fulfilled';
  });
}
