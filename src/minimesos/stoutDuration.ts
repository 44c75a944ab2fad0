/**
 * A duration written as Mesos (stout's `Duration` output operator) writes it in flags and messages: the largest
 * unit the value reaches, a plain decimal number and the unit's suffix (`60000` ms → `1mins`, `2000` → `2secs`,
 * `90000` → `1.5mins`, `250` → `250ms`).
 */
const UNITS: [number, string][] = [
  [7 * 24 * 3600_000, 'weeks'],
  [24 * 3600_000, 'days'],
  [3600_000, 'hrs'],
  [60_000, 'mins'],
  [1000, 'secs'],
  [1, 'ms'],
];

export function stoutDuration(ms: number): string {
  for (const [size, unit] of UNITS) {
    if (Math.abs(ms) >= size) return `${Number((ms / size).toPrecision(15))}${unit}`;
  }
  if (ms === 0) return '0ns';
  const ns = ms * 1e6;
  return Math.abs(ns) >= 1000 ? `${Number((ns / 1000).toPrecision(15))}us` : `${Number(ns.toPrecision(15))}ns`;
}
