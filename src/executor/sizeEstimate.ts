/**
 * A cheap estimate of the memory a cached partition takes (the Storage tab's sizes): a few sampled elements are
 * measured and scaled to the partition, so caching a large partition does not cost a second full pass.
 */
const SAMPLES = 16;

/** Estimated bytes of one value (shallow sampling of large arrays and objects). */
export function sizeOf(v: unknown, depth = 0): number {
  switch (typeof v) {
    case 'number':
      return 8;
    case 'boolean':
      return 4;
    case 'string':
      return 16 + 2 * v.length;
    case 'bigint':
      return 16;
    case 'object': {
      if (v === null) return 8;
      if (depth > 3) return 64;
      if (ArrayBuffer.isView(v)) return 64 + v.byteLength;
      let n = 32;
      if (Array.isArray(v)) for (const x of v.length > 64 ? v.slice(0, 64) : v) n += 8 + sizeOf(x, depth + 1);
      else for (const [k, x] of Object.entries(v as Record<string, unknown>).slice(0, 64)) n += 16 + 2 * k.length + sizeOf(x, depth + 1);
      if (Array.isArray(v) && v.length > 64) n = Math.round((n * v.length) / 64);
      return n;
    }
    default:
      return 16;
  }
}

/** Estimated bytes of `items` (an array's overhead plus sampled element sizes, scaled). */
export function estimateSize(items: readonly unknown[]): number {
  if (items.length === 0) return 16;
  const step = Math.max(1, Math.floor(items.length / SAMPLES));
  let sampled = 0;
  let bytes = 0;
  for (let i = 0; i < items.length && sampled < SAMPLES; i += step, sampled++) bytes += sizeOf(items[i]);
  return 16 + 8 * items.length + Math.round((bytes / sampled) * items.length);
}
