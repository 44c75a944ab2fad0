/**
 * An async action that a burst of requests shares: one run in flight, and at most one more after it for the
 * requests that came meanwhile (the dispatcher's REVIVE: a thousand submissions need two calls, not a thousand).
 */
export function coalesce(action: () => Promise<void>): () => Promise<void> {
  let running = false;
  let again = false;
  return async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        await action();
      } while (again);
    } finally {
      running = false;
    }
  };
}
