/** HTML escaping and the number, size, duration and date forms Spark's pages use. */

export function esc(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Spark's `Utils.bytesToString`: a unit once the value reaches 2 of it (`1536.0 B`, `2.0 KiB`, `3.5 MiB`). */
export function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 * 2 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

/** Spark's `UIUtils.formatDuration`: `12 ms`, `1.5 s`, `2.0 min`, `1.2 h`. */
export function duration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '';
  const s = ms / 1000;
  if (ms < 100) return `${Math.round(ms)} ms`;
  if (s < 60) return `${s.toFixed(1)} s`;
  if (s < 3600) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/** `2024/05/01 12:00:10` in UTC. */
export function date(ms: number | undefined): string {
  if (ms === undefined || ms < 0) return '';
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ').replaceAll('-', '/');
}

/** `a / b` records or bytes, Spark's "Shuffle Read Size / Records" form. */
export function sizeRecords(b: number, records: number): string {
  return b === 0 && records === 0 ? '' : `${bytes(b)} / ${records}`;
}
