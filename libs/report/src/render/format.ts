/**
 * Formatting shared by the renderers. Deterministic: no locale, no time zone
 * other than UTC, no clock; the same report always renders the same text.
 */

/** 24000 -> "24,000". */
export function count(n: number): string {
  const [int, frac] = String(n).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return frac === undefined ? grouped : `${grouped}.${frac}`;
}

/** Latency in µs as a short human value: "850 µs", "41.2 ms", "3.40 s". */
export function latency(us: number | null | undefined): string {
  if (us === null || us === undefined) return '—';
  if (us < 1000) return `${Math.round(us)} µs`;
  if (us < 1_000_000) return `${trim(us / 1000, us < 10_000 ? 2 : us < 100_000 ? 1 : 0)} ms`;
  return `${trim(us / 1_000_000, us < 10_000_000 ? 2 : 1)} s`;
}

/** A duration in seconds: "45 s", "2 m 05 s", "1 h 02 m". */
export function duration(seconds: number): string {
  if (seconds < 60) return `${trim(seconds, seconds < 10 && !Number.isInteger(seconds) ? 1 : 0)} s`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)} m ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} m`;
}

/** Offset from the scenario start: "+41.2 s", "+2 m 05 s", "-1.0 s". */
export function offset(ms: number, originMs: number | null): string {
  if (originMs === null) return utc(ms);
  const s = (ms - originMs) / 1000;
  return `${s < 0 ? '-' : '+'}${duration(Math.abs(s))}`;
}

/** "2025-11-22 07:01:02.345 UTC". */
export function utc(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', ' UTC');
}

/** Axis label for seconds since the start: "0", "30s", "1m", "1m30s", "1h". */
export function axisSeconds(s: number): string {
  if (s === 0) return '0';
  const sign = s < 0 ? '-' : '';
  const a = Math.abs(Math.round(s));
  if (a < 60) return `${sign}${a}s`;
  if (a < 3600) return `${sign}${Math.floor(a / 60)}m${a % 60 ? `${a % 60}s` : ''}`;
  return `${sign}${Math.floor(a / 3600)}h${Math.floor((a % 3600) / 60) ? `${Math.floor((a % 3600) / 60)}m` : ''}`;
}

/** Short number for axes: 1200 -> "1.2k", 3000000 -> "3M". */
export function compact(n: number): string {
  const a = Math.abs(n);
  if (a >= 1e9) return `${trim(n / 1e9, 1)}G`;
  if (a >= 1e6) return `${trim(n / 1e6, 1)}M`;
  if (a >= 1e3) return `${trim(n / 1e3, 1)}k`;
  return trim(n, a < 10 && !Number.isInteger(n) ? 2 : 0);
}

function trim(n: number, digits: number): string {
  const s = n.toFixed(digits);
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}
