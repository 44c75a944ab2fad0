/**
 * A k-way merge of sorted streams with a binary min-heap of their heads. Ties go to the lower stream index, so
 * merging runs spilled in arrival order keeps equal elements in arrival order (a stable external sort).
 */
export function* mergeSorted<T>(streams: Iterator<T>[], cmp: (a: T, b: T) => number): Generator<T> {
  const heap: { head: T; i: number }[] = [];
  const less = (a: { head: T; i: number }, b: { head: T; i: number }) => {
    const c = cmp(a.head, b.head);
    return c < 0 || (c === 0 && a.i < b.i);
  };
  const up = (j: number) => {
    while (j > 0) {
      const p = (j - 1) >> 1;
      if (!less(heap[j]!, heap[p]!)) break;
      [heap[j], heap[p]] = [heap[p]!, heap[j]!];
      j = p;
    }
  };
  const down = (j: number) => {
    for (;;) {
      const l = 2 * j + 1;
      const r = l + 1;
      let m = j;
      if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
      if (m === j) return;
      [heap[j], heap[m]] = [heap[m]!, heap[j]!];
      j = m;
    }
  };
  streams.forEach((s, i) => {
    const n = s.next();
    if (!n.done) {
      heap.push({ head: n.value, i });
      up(heap.length - 1);
    }
  });
  while (heap.length > 0) {
    const top = heap[0]!;
    yield top.head;
    const n = streams[top.i]!.next();
    if (n.done) {
      const last = heap.pop()!;
      if (heap.length > 0) {
        heap[0] = last;
        down(0);
      }
    } else {
      top.head = n.value;
      down(0);
    }
  }
}
