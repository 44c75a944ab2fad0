/**
 * Buffers the block server reads segments into, reused once the socket has taken their bytes: a fresh multi-MiB
 * buffer per fetch costs page faults and garbage collection comparable to the copy itself. Buffers come in powers
 * of two; at most `keepBytes` of them wait for reuse.
 */
export class SegmentBuffers {
  private readonly free = new Map<number, Buffer[]>();
  private kept = 0;

  constructor(
    private readonly keepBytes = 64 * 1024 * 1024,
    /** Below this, allocating is cheap (Node's pool): no reuse. */
    private readonly minBytes = 64 * 1024,
  ) {}

  /** A buffer of exactly `length` bytes (a view of a reusable one when large enough to be worth it). */
  take(length: number): Buffer {
    if (length < this.minBytes) return Buffer.allocUnsafe(length);
    const size = 2 ** Math.ceil(Math.log2(length));
    const spare = this.free.get(size)?.pop();
    if (spare) {
      this.kept -= size;
      return spare.subarray(0, length);
    }
    return Buffer.allocUnsafeSlow(size).subarray(0, length);
  }

  /** Returns a buffer from take() once nothing reads it any more. */
  give(buf: Buffer): void {
    const size = buf.buffer.byteLength;
    if (buf.length < this.minBytes || buf.byteOffset !== 0 || size !== 2 ** Math.ceil(Math.log2(size))) return;
    if (this.kept + size > this.keepBytes) return;
    const list = this.free.get(size) ?? [];
    this.free.set(size, list);
    list.push(Buffer.from(buf.buffer, 0, size));
    this.kept += size;
  }
}
