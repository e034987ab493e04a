import type { CapacityReport } from '../report-schema';
import { escapeHtml as esc } from './escape';
import * as f from './format';
import { linearScale } from './svg-chart';

/**
 * The capacity chart: offered load (records/s, one point per ramp step) on x, in three panels
 * sharing it: achieved and consumed records/s (with offered = achieved dashed), the backlog growth
 * of each step, and its p99 (with the scenario's bound). Each step's point is coloured by status,
 * so where the tester and where the replicator saturated can be read off. Inline SVG, like the
 * time charts (svg-chart.ts).
 */
export const CAPACITY_COLORS = {
  achieved: '#0969da',
  consumed: '#8250df',
  backlog: '#1b7c83',
  p99: '#bf8700',
  bound: '#cf222e',
  offered: '#8c959f',
};
const STATUS_COLORS = { ok: '#1a7f37', 'tester-saturated': '#bf8700', 'replicator-saturated': '#cf222e' };

const M = { top: 22, right: 16, bottom: 30, left: 58 };
const PANEL = 150;
const GAP = 34;

interface PanelLine {
  name: string;
  color: string;
  values: ReadonlyArray<number | null>;
  dash?: string;
  markers?: boolean;
}

export function renderCapacityChart(c: CapacityReport, width = 1120): string {
  const offered = c.steps.map((s) => s.offered);
  const xMax = Math.max(1, ...offered) * 1.05;
  const pw = width - M.left - M.right;
  const x = (v: number) => M.left + (v / xMax) * pw;
  const boundMs = c.p99BoundUs === null ? null : c.p99BoundUs / 1000;
  const panels: Array<{ title: string; yFormat: (v: number) => string; lines: PanelLine[] }> = [
    {
      title: 'records/s achieved and consumed',
      yFormat: f.compact,
      lines: [
        { name: 'offered', color: CAPACITY_COLORS.offered, values: offered, dash: '4 3' },
        { name: 'achieved', color: CAPACITY_COLORS.achieved, values: c.steps.map((s) => s.achieved), markers: true },
        { name: 'consumed', color: CAPACITY_COLORS.consumed, values: c.steps.map((s) => s.consumed) },
      ],
    },
    // A negative growth (the target caught up) draws at 0: the panel asks whether it fell behind.
    {
      title: 'backlog growth per step, records',
      yFormat: f.compact,
      lines: [{ name: 'backlog', color: CAPACITY_COLORS.backlog, values: c.steps.map((s) => Math.max(0, s.backlogGrowth)), markers: true }],
    },
    {
      title: 'p99 end-to-end latency, ms',
      yFormat: f.compact,
      lines: [
        { name: 'p99', color: CAPACITY_COLORS.p99, values: c.steps.map((s) => (s.p99Us === null ? null : s.p99Us / 1000)), markers: true },
        ...(boundMs === null ? [] : [{ name: 'bound', color: CAPACITY_COLORS.bound, values: c.steps.map(() => boundMs), dash: '6 4' }]),
      ],
    },
  ];
  const height = M.top + panels.length * PANEL + (panels.length - 1) * GAP + M.bottom;
  const parts: string[] = [];
  parts.push(
    `<svg class="chart capacity-chart" role="img" aria-label="Capacity: achieved rate, backlog and p99 against offered load" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">`,
  );
  panels.forEach((panel, i) => {
    const top = M.top + i * (PANEL + GAP);
    const values = panel.lines.flatMap((l) => l.values).filter((v): v is number => v !== null && Number.isFinite(v));
    const y = linearScale(values, PANEL);
    const Y = (v: number) => top + y.map(y.clampValue(v));
    parts.push(`<rect class="plot-bg" x="${M.left}" y="${top}" width="${pw}" height="${PANEL}" fill="#fcfcfd"/>`);
    parts.push(`<text x="${M.left + 4}" y="${top - 6}" class="tick">${esc(panel.title)}</text>`);
    for (const t of y.ticks) {
      const yy = n(Y(t));
      parts.push(`<line class="grid" x1="${M.left}" x2="${M.left + pw}" y1="${yy}" y2="${yy}" stroke="#e6e8eb" stroke-width="1"/>`);
      parts.push(
        `<text x="${M.left - 8}" y="${yy}" text-anchor="end" dominant-baseline="middle" class="tick">${esc(panel.yFormat(t))}</text>`,
      );
    }
    parts.push(`<line x1="${M.left}" x2="${M.left + pw}" y1="${top + PANEL}" y2="${top + PANEL}" stroke="#8c959f"/>`);
    for (const line of panel.lines) {
      const pts = line.values.map((v, k) => (v === null ? null : ([x(offered[k]), Y(v)] as const)));
      const d = segments(pts)
        .map((s) => `M${s.map(([a, b]) => `${n(a)},${n(b)}`).join('L')}`)
        .join('');
      if (d)
        parts.push(
          `<path class="series" data-series="${esc(line.name)}" d="${d}" fill="none" stroke="${line.color}" stroke-width="1.8"${line.dash ? ` stroke-dasharray="${line.dash}"` : ''} stroke-linejoin="round"/>`,
        );
      if (!line.markers) continue;
      pts.forEach((p, k) => {
        if (p === null) return;
        const s = c.steps[k];
        const tip = `${f.compact(s.offered)} records/s offered: ${s.status}${s.reason ? ` (${s.reason})` : ''}`;
        parts.push(
          `<circle class="step ${s.status}" cx="${n(p[0])}" cy="${n(p[1])}" r="4" fill="${STATUS_COLORS[s.status]}"><title>${esc(tip)}</title></circle>`,
        );
      });
    }
  });
  const bottom = M.top + panels.length * PANEL + (panels.length - 1) * GAP;
  for (const v of offered) {
    const xx = n(x(v));
    parts.push(`<line x1="${xx}" x2="${xx}" y1="${bottom}" y2="${bottom + 5}" stroke="#8c959f"/>`);
    parts.push(`<text x="${xx}" y="${bottom + 18}" text-anchor="middle" class="tick">${esc(f.compact(v))}</text>`);
  }
  parts.push(`<text x="${M.left}" y="${bottom + 18}" class="tick">offered records/s →</text>`);
  for (const [label, at] of [
    ['tester saturated', c.testerSaturatedAt],
    ['replicator saturated', c.replicatorSaturatedAt],
  ] as const) {
    if (at === null) continue;
    const xx = n(x(at));
    const color = label === 'tester saturated' ? STATUS_COLORS['tester-saturated'] : STATUS_COLORS['replicator-saturated'];
    parts.push(
      `<line class="saturation" x1="${xx}" x2="${xx}" y1="${M.top}" y2="${bottom}" stroke="${color}" stroke-dasharray="3 3"><title>${esc(`${label} at ${f.compact(at)} records/s`)}</title></line>`,
    );
  }
  parts.push('</svg>');
  return parts.join('');
}

function segments(points: ReadonlyArray<readonly [number, number] | null>): Array<Array<readonly [number, number]>> {
  const out: Array<Array<readonly [number, number]>> = [];
  let cur: Array<readonly [number, number]> = [];
  for (const p of points) {
    if (p === null) {
      if (cur.length > 0) out.push(cur);
      cur = [];
    } else cur.push(p);
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

function n(v: number): string {
  return String(Math.round(v * 10) / 10);
}
