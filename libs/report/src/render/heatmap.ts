import { escapeHtml as esc } from './escape';
import * as f from './format';
import type { ChartBand } from './svg-chart';

/**
 * A heatmap as inline SVG: one row per series (a source partition), time on x as in the line
 * charts, each sample's value as a colour held until the next sample. For many partitions,
 * where one line each is unreadable and a sum hides which partition stalled.
 */
export interface HeatmapRow {
  label: string;
  /** [time ms, value], sorted by time; each value holds until the next point (the last one to `xToMs`). */
  points: ReadonlyArray<readonly [number, number]>;
}

export interface HeatmapOptions {
  title: string;
  xFromMs: number;
  xToMs: number;
  originMs: number;
  rows: readonly HeatmapRow[];
  bands: readonly ChartBand[];
  /** Formats a value for the cell tips and the scale. */
  format: (v: number) => string;
  width?: number;
}

/** The line charts' side margins, so a heatmap under one shares its time axis. */
const M = { top: 24, right: 16, bottom: 26, left: 58 };
/** Row labels longer than this are cut from the left (cell tips name the row in full). */
const LABEL_CHARS = 8;
/** Zero is near-white so any lag stands out; the top of the scale is the palette's red. */
const LOW = [246, 248, 250];
const HIGH = [207, 34, 46];

export function renderHeatmap(o: HeatmapOptions): string {
  const width = o.width ?? 1120;
  const rowH = Math.max(6, Math.min(16, Math.floor(480 / Math.max(o.rows.length, 1))));
  const ph = rowH * o.rows.length;
  const height = M.top + ph + M.bottom;
  const pw = width - M.left - M.right;
  const span = Math.max(o.xToMs - o.xFromMs, 1000);
  const x = (ms: number) => M.left + ((Math.min(Math.max(ms, o.xFromMs), o.xToMs) - o.xFromMs) / span) * pw;
  const max = Math.max(0, ...o.rows.flatMap((r) => r.points.map((p) => p[1])));
  const out: string[] = [];
  out.push(
    `<svg class="chart heatmap" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(o.title)}" xmlns="http://www.w3.org/2000/svg">`,
  );
  o.rows.forEach((row, i) => {
    const y = M.top + i * rowH;
    const label = row.label.length > LABEL_CHARS ? `…${row.label.slice(-LABEL_CHARS + 1)}` : row.label;
    out.push(
      `<text class="tick" x="${M.left - 6}" y="${n(y + rowH / 2 + 4)}" text-anchor="end"${rowH < 10 ? ' font-size="8"' : ''}>${esc(label)}</text>`,
    );
    row.points.forEach(([t, v], j) => {
      const next = row.points[j + 1]?.[0] ?? o.xToMs;
      const x0 = x(t);
      const x1 = x(next);
      if (x1 - x0 <= 0) return;
      const tip = `${row.label} at ${f.offset(t, o.originMs)}: ${o.format(v)}`;
      out.push(
        `<rect class="heat-cell" x="${n(x0)}" y="${y}" width="${n(x1 - x0)}" height="${rowH}" fill="${colour(v, max)}"><title>${esc(tip)}</title></rect>`,
      );
    });
  });
  // Fault windows outlined over the cells (the cells' colour is the data; a fill would hide it).
  for (const b of o.bands.filter((b) => !b.warmup)) {
    const x0 = x(b.fromMs);
    const x1 = Math.max(x(b.toMs), x0 + 2);
    out.push(
      `<rect class="fault-window" data-fault-id="${esc(b.id)}" x="${n(x0)}" y="${M.top}" width="${n(x1 - x0)}" height="${ph}" fill="none" stroke="#cf222e" stroke-width="1.5" stroke-dasharray="4 2"><title>${esc(`${b.label}: ${f.offset(b.fromMs, o.originMs)} to ${b.oneShot ? '(one-shot)' : f.offset(b.toMs, o.originMs)}`)}</title></rect>`,
    );
  }
  const axisY = M.top + ph + 16;
  out.push(`<text class="tick" x="${M.left}" y="${axisY}">${esc(f.offset(o.xFromMs, o.originMs))}</text>`);
  out.push(`<text class="tick" x="${M.left + pw}" y="${axisY}" text-anchor="end">${esc(f.offset(o.xToMs, o.originMs))}</text>`);
  out.push(
    `<text class="tick" x="${M.left + pw / 2}" y="${axisY}" text-anchor="middle">${esc(`colour: 0 (light) to ${o.format(max)} (red)`)}</text>`,
  );
  out.push('</svg>');
  return out.join('');
}

/** Square-root scale: a few records behind already shows, the worst partition is the reddest. */
export function colour(v: number, max: number): string {
  const k = max <= 0 || v <= 0 ? 0 : Math.sqrt(Math.min(v, max) / max);
  const c = LOW.map((lo, i) => Math.round(lo + (HIGH[i] - lo) * k));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

function n(v: number): string {
  return String(Math.round(v * 10) / 10);
}
