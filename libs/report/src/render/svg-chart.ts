import { escapeHtml as esc } from './escape';
import * as f from './format';

/**
 * Line charts as inline SVG, generated here so the HTML report needs no script
 * and no network. Time on x (labelled relative to the scenario start), linear or
 * log y, fault windows shaded and labelled behind the lines.
 */
export interface ChartLine {
  name: string;
  color: string;
  /** [time ms, value]; null breaks the line. */
  points: ReadonlyArray<readonly [number, number | null]>;
  width?: number;
  dash?: string;
  /** Fill the area under the line (linear scale only). */
  area?: boolean;
}

export interface ChartBand {
  id: string;
  label: string;
  fromMs: number;
  toMs: number;
  /** Heal to recovery: drawn lighter and hatched. */
  recoveryToMs?: number;
  oneShot?: boolean;
  /** A warm-up, not a fault: drawn grey. */
  warmup?: boolean;
  /** When the heal began, inside the band (the band ends when the component was back). */
  healStartMs?: number;
}

export interface ChartOptions {
  /** Accessible name of the chart. */
  title: string;
  xFromMs: number;
  xToMs: number;
  /** Time shown as 0 on the axis (the scenario start). */
  originMs: number;
  scale: 'linear' | 'log';
  /** Formats a y value for the axis. */
  yFormat: (v: number) => string;
  lines: readonly ChartLine[];
  bands: readonly ChartBand[];
  width?: number;
  height?: number;
}

const M = { top: 30, right: 16, bottom: 30, left: 58 };

export function renderChart(o: ChartOptions): string {
  const width = o.width ?? 1120;
  const height = o.height ?? 260;
  const pw = width - M.left - M.right;
  const ph = height - M.top - M.bottom;
  const span = Math.max(o.xToMs - o.xFromMs, 1000);
  const x = (ms: number) => M.left + ((ms - o.xFromMs) / span) * pw;

  const values = o.lines.flatMap((l) => l.points.map((p) => p[1])).filter((v): v is number => v !== null && Number.isFinite(v));
  const y = o.scale === 'log' ? logScale(values, ph) : linearScale(values, ph);
  const Y = (v: number) => M.top + y.map(v);

  const parts: string[] = [];
  parts.push(
    `<svg class="chart" role="img" aria-label="${esc(o.title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">`,
  );
  parts.push(
    `<defs><pattern id="hatch-${slug(o.title)}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fdf3e1"/><line x1="0" y1="0" x2="0" y2="6" stroke="#f0c987" stroke-width="2"/></pattern></defs>`,
  );
  parts.push(`<rect class="plot-bg" x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="#fcfcfd"/>`);

  // Fault windows first, so lines draw over them.
  for (const b of o.bands) {
    if (b.warmup) {
      const w0 = clamp(x(b.fromMs), M.left, M.left + pw);
      const w1 = clamp(x(b.toMs), M.left, M.left + pw);
      parts.push(
        `<rect class="warmup-window" x="${n(w0)}" y="${M.top}" width="${n(Math.max(w1 - w0, 0))}" height="${ph}" fill="#8c959f" fill-opacity="0.10"><title>${esc(`${b.label}: ${f.offset(b.fromMs, o.originMs)} to ${f.offset(b.toMs, o.originMs)}`)}</title></rect>`,
      );
      continue;
    }
    const x0 = clamp(x(b.fromMs), M.left, M.left + pw);
    const x1 = clamp(x(b.toMs), M.left, M.left + pw);
    const w = Math.max(x1 - x0, 2);
    const tip = `${b.label}: ${f.offset(b.fromMs, o.originMs)} to ${b.oneShot ? '(one-shot)' : f.offset(b.toMs, o.originMs)}${b.healStartMs !== undefined ? ` (heal started ${f.offset(b.healStartMs, o.originMs)})` : ''}`;
    if (b.recoveryToMs !== undefined && b.recoveryToMs > b.toMs) {
      const r1 = clamp(x(b.recoveryToMs), M.left, M.left + pw);
      parts.push(
        `<rect class="recovery-window" data-fault-id="${esc(b.id)}" x="${n(x0 + w)}" y="${M.top}" width="${n(Math.max(r1 - x0 - w, 0))}" height="${ph}" fill="url(#hatch-${slug(o.title)})" opacity="0.7"><title>${esc(`${b.label}: recovering until ${f.offset(b.recoveryToMs, o.originMs)}`)}</title></rect>`,
      );
    }
    parts.push(
      `<rect class="fault-window" data-fault-id="${esc(b.id)}" x="${n(x0)}" y="${M.top}" width="${n(w)}" height="${ph}" fill="#cf222e" fill-opacity="0.11" stroke="#cf222e" stroke-opacity="0.45" stroke-dasharray="3 3"><title>${esc(tip)}</title></rect>`,
    );
    if (b.healStartMs !== undefined && b.healStartMs > b.fromMs && b.healStartMs < b.toMs) {
      const xh = n(clamp(x(b.healStartMs), M.left, M.left + pw));
      parts.push(
        `<line class="heal-start" data-fault-id="${esc(b.id)}" x1="${xh}" x2="${xh}" y1="${M.top}" y2="${M.top + ph}" stroke="#cf222e" stroke-opacity="0.7" stroke-width="1.5"><title>${esc(`${b.label}: heal started at ${f.offset(b.healStartMs, o.originMs)}`)}</title></line>`,
      );
    }
  }

  // Axes and grid.
  for (const t of y.ticks) {
    const yy = n(Y(t));
    parts.push(`<line class="grid" x1="${M.left}" x2="${M.left + pw}" y1="${yy}" y2="${yy}" stroke="#e6e8eb" stroke-width="1"/>`);
    parts.push(`<text x="${M.left - 8}" y="${yy}" text-anchor="end" dominant-baseline="middle" class="tick">${esc(o.yFormat(t))}</text>`);
  }
  for (const s of timeTicks(o.xFromMs - o.originMs, o.xToMs - o.originMs)) {
    const xx = n(x(o.originMs + s * 1000));
    parts.push(`<line x1="${xx}" x2="${xx}" y1="${M.top + ph}" y2="${M.top + ph + 5}" stroke="#8c959f"/>`);
    parts.push(`<text x="${xx}" y="${M.top + ph + 18}" text-anchor="middle" class="tick">${esc(f.axisSeconds(s))}</text>`);
  }
  parts.push(`<line x1="${M.left}" x2="${M.left + pw}" y1="${M.top + ph}" y2="${M.top + ph}" stroke="#8c959f"/>`);

  for (const line of o.lines) {
    const segments = pathSegments(line.points, x, Y, y.clampValue);
    if (segments.length === 0) continue;
    const d = segments.map((s) => `M${s.map(([a, b]) => `${n(a)},${n(b)}`).join('L')}`).join('');
    if (line.area && o.scale === 'linear') {
      const base = n(Y(0));
      const fill = segments
        .map((s) => `M${n(s[0][0])},${base}L${s.map(([a, b]) => `${n(a)},${n(b)}`).join('L')}L${n(s[s.length - 1][0])},${base}Z`)
        .join('');
      parts.push(`<path class="area" d="${fill}" fill="${line.color}" fill-opacity="0.14" stroke="none"/>`);
    }
    parts.push(
      `<path class="series" data-series="${esc(line.name)}" d="${d}" fill="none" stroke="${line.color}" stroke-width="${line.width ?? 1.6}"${line.dash ? ` stroke-dasharray="${line.dash}"` : ''} stroke-linejoin="round" stroke-linecap="round"/>`,
    );
  }

  // Fault labels last, on top, inside the plot; a label that would overlap another goes a row down.
  const placed: Array<{ from: number; to: number; row: number }> = [];
  for (const b of o.bands) {
    const label = b.label.length > 48 ? `${b.label.slice(0, 47)}…` : b.label;
    const w = label.length * 6.1 + 12;
    const lx = Math.min(clamp(x(b.fromMs), M.left, M.left + pw) + 3, M.left + pw - w);
    let row = 0;
    while (placed.some((p) => p.row === row && lx < p.to + 4 && lx + w > p.from - 4)) row++;
    placed.push({ from: lx, to: lx + w, row });
    parts.push(
      `<g class="fault-label" transform="translate(${n(lx)},${M.top + 4 + row * 21})"><rect width="${n(w)}" height="18" rx="4" fill="#b42318" fill-opacity="0.92"/><text x="6" y="12.5" class="fault-text">${esc(label)}</text></g>`,
    );
  }
  parts.push('</svg>');
  return parts.join('');
}

export interface Scale {
  map: (v: number) => number;
  ticks: number[];
  clampValue: (v: number) => number;
}

export function linearScale(values: number[], ph: number): Scale {
  const max = Math.max(1, ...values);
  const step = niceStep(max / 5);
  const top = Math.ceil((max * 1.05) / step) * step;
  const ticks: number[] = [];
  for (let t = 0; t <= top + step / 2; t += step) ticks.push(Math.round(t * 1e9) / 1e9);
  return { map: (v) => ph - (v / top) * ph, ticks, clampValue: (v) => Math.max(0, v) };
}

function logScale(values: number[], ph: number): Scale {
  const positive = values.filter((v) => v > 0);
  const lo = Math.floor(Math.log10(positive.length ? Math.min(...positive) : 1));
  let hi = Math.ceil(Math.log10(positive.length ? Math.max(...positive) : 10));
  if (hi <= lo) hi = lo + 1;
  const ticks: number[] = [];
  for (let e = lo; e <= hi; e++) ticks.push(10 ** e);
  const floor = 10 ** lo;
  return {
    map: (v) => ph - ((Math.log10(Math.max(v, floor)) - lo) / (hi - lo)) * ph,
    ticks,
    clampValue: (v) => Math.max(v, floor),
  };
}

function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 2.5 ? 2.5 : m <= 5 ? 5 : 10) * p;
}

const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600];

/** Tick positions in seconds from the origin, at a round step, at most ~12. */
function timeTicks(fromMs: number, toMs: number): number[] {
  const spanS = (toMs - fromMs) / 1000;
  const step = TIME_STEPS.find((s) => spanS / s <= 12) ?? 43200;
  const out: number[] = [];
  for (let s = Math.ceil(fromMs / 1000 / step) * step; s <= toMs / 1000; s += step) out.push(s);
  return out;
}

function pathSegments(
  points: ReadonlyArray<readonly [number, number | null]>,
  x: (ms: number) => number,
  y: (v: number) => number,
  clampValue: (v: number) => number,
): Array<Array<[number, number]>> {
  const out: Array<Array<[number, number]>> = [];
  let current: Array<[number, number]> = [];
  for (const [t, v] of points) {
    if (v === null || !Number.isFinite(v)) {
      if (current.length > 0) out.push(current);
      current = [];
      continue;
    }
    current.push([x(t), y(clampValue(v))]);
  }
  if (current.length > 0) out.push(current);
  return out;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(Math.max(v, lo), hi);
}

/** Coordinates with one decimal: small SVG, stable text. */
function n(v: number): string {
  return String(Math.round(v * 10) / 10);
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}
