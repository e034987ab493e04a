import { renderHeatmap } from './heatmap';
import type { ScenarioReport } from '../report-schema';
import { escapeHtml as esc } from './escape';
import * as f from './format';
import { renderChart, type ChartBand, type ChartLine } from './svg-chart';

export const COLORS = {
  produced: '#0969da',
  consumed: '#8250df',
  p50: '#0969da',
  p99: '#8250df',
  max: '#bf8700',
  lag: '#1b7c83',
  requested: '#8c959f',
  publishDelay: '#cf222e',
};

/** The three charts of the report (throughput, latency, lag), each with its legend; fault windows shaded on all. */
export function reportCharts(r: ScenarioReport): { throughput: string; latency: string; lag: string; checkpointAge: string } {
  const series = r.series;
  const lastT = series.length > 0 ? series[series.length - 1].t : undefined;
  const candidates = [
    series.length > 0 ? series[0].t * 1000 : undefined,
    r.scenario.startAtMs ?? undefined,
    r.replicationLag[0]?.atMs,
  ].filter((v): v is number => v !== undefined);
  if (candidates.length === 0) {
    const none = '<p class="empty">No per-second data was reported.</p>';
    return { throughput: none, latency: none, lag: none, checkpointAge: none };
  }
  const xFromMs = Math.min(...candidates);
  const xToMs = Math.max(
    xFromMs + 1000,
    lastT !== undefined ? (lastT + 1) * 1000 : 0,
    r.scenario.endAtMs ?? 0,
    r.replicationLag[r.replicationLag.length - 1]?.atMs ?? 0,
  );
  const originMs = r.scenario.startAtMs ?? xFromMs;
  const warmup: ChartBand[] =
    r.warmup && r.warmup.seconds > 0
      ? [{ id: 'warm-up', label: 'warm-up (not measured)', fromMs: r.warmup.startAtMs, toMs: r.warmup.measuringAtMs, warmup: true }]
      : [];
  const bands: ChartBand[] = [
    ...warmup,
    ...r.faults.map((x) => ({
      id: x.faultId,
      label: `${x.faultId}${x.faultId.includes(x.kind) ? '' : ` · ${x.kind}`}${x.target ? ` → ${x.target}` : ''}`,
      fromMs: x.injectedAtMs,
      toMs: x.healedAtMs ?? (x.oneShot ? x.injectedAtMs : x.impactWindow.toMs),
      recoveryToMs: x.recovery.recoveredAtMs ?? undefined,
      oneShot: x.oneShot,
      ...(x.healStartedAtMs !== null ? { healStartMs: x.healStartedAtMs } : {}),
    })),
  ];
  const at = (t: number) => t * 1000 + 500;
  const base = { xFromMs, xToMs, originMs, bands };

  // Requested (the producers' `rates`): where the produced line falls below it, the tester, not the replicator, was short.
  const requested = series.some((p) => p.requested !== null);
  const throughputLines: ChartLine[] = [
    ...(requested
      ? [
          {
            name: 'requested',
            color: COLORS.requested,
            points: series.map((p) => [at(p.t), p.requested] as const),
            width: 1.4,
            dash: '5 3',
          },
        ]
      : []),
    { name: 'produced', color: COLORS.produced, points: series.map((p) => [at(p.t), p.produced] as const), width: 1.8 },
    { name: 'consumed', color: COLORS.consumed, points: series.map((p) => [at(p.t), p.consumed] as const), width: 1.8 },
  ];
  const ms = (v: number | null) => (v === null ? null : v / 1000);
  const latencyLines: ChartLine[] = [
    { name: 'max', color: COLORS.max, points: series.map((p) => [at(p.t), ms(p.maxUs)] as const), width: 1.2, dash: '4 3' },
    { name: 'p99', color: COLORS.p99, points: series.map((p) => [at(p.t), ms(p.p99Us)] as const), width: 1.8 },
    { name: 'p50', color: COLORS.p50, points: series.map((p) => [at(p.t), ms(p.p50Us)] as const), width: 1.8 },
  ];
  // The producers' publish delay (schedule to acknowledgement): where it rises, the source or the tester held records back.
  const publishDelay = series.some((p) => p.publishDelayP99Us !== null);
  if (publishDelay)
    latencyLines.push({
      name: 'publish delay p99',
      color: COLORS.publishDelay,
      points: series.map((p) => [at(p.t), ms(p.publishDelayP99Us)] as const),
      width: 1.2,
      dash: '2 2',
    });
  const lagLines = replicatorLagLines(r);
  const oldest = r.replicatorLag.reduce<number | null>(
    (m, p) => (p.maxOldestAgeMs === null ? m : Math.max(m ?? 0, p.maxOldestAgeMs)),
    null,
  );
  // Checkpoint age per source group (consumer failover), fault windows shaded like the others.
  const groups = r.consumerFailover?.groups.filter((g) => g.checkpointAge.series.length > 0) ?? [];
  const palette = [COLORS.produced, COLORS.consumed, COLORS.max, COLORS.lag];
  const ageLines: ChartLine[] = groups.map((g, i) => ({
    name: g.group,
    color: palette[i % palette.length],
    points: g.checkpointAge.series.map(([t, s]) => [t + 500, s] as const),
    width: 1.6,
  }));
  const checkpointAge =
    groups.length === 0
      ? '<p class="empty">No checkpoint of the scenario\'s consumer groups was seen.</p>'
      : legend(
          groups.map((g, i) => [g.group, palette[i % palette.length]] as [string, string]),
          'seconds the checkpoints trailed the group, per second',
        ) +
        renderChart({
          ...base,
          title: 'Checkpoint age',
          scale: 'linear',
          yFormat: (v) => `${f.compact(v)} s`,
          lines: ageLines,
          height: 200,
        });

  return {
    throughput:
      legend(
        [
          ...(requested ? [['requested', COLORS.requested, true] as [string, string, boolean]] : []),
          ['produced (achieved)', COLORS.produced],
          ['consumed', COLORS.consumed],
        ],
        'records/s',
      ) + renderChart({ ...base, title: 'Throughput, records per second', scale: 'linear', yFormat: f.compact, lines: throughputLines }),
    latency: !series.some((p) => p.p50Us !== null)
      ? '<p class="empty">Nothing was read: no latency to show.</p>'
      : legend(
          [
            ['p50', COLORS.p50],
            ['p99', COLORS.p99],
            ['max', COLORS.max, true],
            ...(publishDelay ? [['publish delay p99 (worst producer)', COLORS.publishDelay, true] as [string, string, boolean]] : []),
          ],
          'end-to-end, per second, log scale',
        ) + renderChart({ ...base, title: 'End-to-end latency', scale: 'log', yFormat: msLabel, lines: latencyLines }),
    lag:
      lagLines.length === 0
        ? '<p class="empty">No per-partition acknowledgements or target offsets were reported.</p>'
        : legend(
            lagLines.map((l) => [l.name, l.color] as [string, string]),
            `acknowledged on the source, not yet on the target; oldest waited ${oldest === null ? '0 s' : msLabel(oldest)} at most`,
          ) +
          renderChart({ ...base, title: 'Replicator lag', scale: 'linear', yFormat: f.compact, lines: lagLines, height: 220 }) +
          replicatorLagHeatmap(r, base),
    checkpointAge,
  };
}

function legend(items: Array<[string, string, boolean?]>, note: string): string {
  const swatches = items
    .map(
      ([name, color, dashed]) =>
        `<span class="key"><i style="border-top:3px ${dashed ? 'dashed' : 'solid'} ${color}"></i>${esc(name)}</span>`,
    )
    .join('');
  return `<div class="legend">${swatches}<span class="key fault-key"><i></i>fault window</span><span class="key recovery-key"><i></i>recovering</span><span class="note">${esc(note)}</span></div>`;
}

function msLabel(v: number): string {
  if (v >= 1000) return `${f.compact(v / 1000)} s`;
  return `${v >= 1 ? f.compact(v) : String(v)} ms`;
}

const PARTITION_COLORS = [
  '#1b7c83',
  '#0969da',
  '#8250df',
  '#bf8700',
  '#cf222e',
  '#1a7f37',
  '#6e7781',
  '#953800',
  '#a475f9',
  '#0550ae',
  '#3fb950',
  '#d4a72c',
];
/**
 * With more partitions than lines, the sum above hides which partition lagged: a heatmap shows
 * each one (a row per partition, records behind as colour).
 */
function replicatorLagHeatmap(r: ScenarioReport, base: { xFromMs: number; xToMs: number; originMs: number; bands: ChartBand[] }): string {
  const parts = r.replicatorLag.filter((p) => p.points.length > 0);
  if (parts.length <= MAX_PARTITION_LINES) return '';
  const topics = new Set(parts.map((p) => p.topic)).size;
  return (
    `<p class="muted">Per partition: records acknowledged on the source and not yet on the target (${parts.length} partitions).</p>` +
    renderHeatmap({
      ...base,
      title: 'Replicator lag per partition',
      format: (v) => `${f.compact(v)} records`,
      rows: parts.map((p) => ({
        label: topics > 1 ? `${p.topic}/${p.partition}` : `p${p.partition}`,
        points: p.points.map((pt) => [pt.atMs, pt.unseen] as const),
      })),
    })
  );
}

/** More partitions than this are drawn as their sum (one line each would be unreadable), with a heatmap per partition below. */
const MAX_PARTITION_LINES = PARTITION_COLORS.length;

/** One line per source partition (records behind), or their sum when there are many. */
function replicatorLagLines(r: ScenarioReport): ChartLine[] {
  const parts = r.replicatorLag.filter((p) => p.points.length > 0);
  if (parts.length === 0) return [];
  if (parts.length <= MAX_PARTITION_LINES) {
    const topics = new Set(parts.map((p) => p.topic)).size;
    return parts.map((p, i) => ({
      name: topics > 1 ? `${p.topic}/${p.partition}` : `p${p.partition}`,
      color: PARTITION_COLORS[i],
      points: p.points.map((pt) => [pt.atMs, pt.unseen] as const),
      width: 1.5,
    }));
  }
  // Each partition's latest value at every time any partition was sampled.
  const times = [...new Set(parts.flatMap((p) => p.points.map((pt) => pt.atMs)))].sort((a, b) => a - b);
  const points = times.map((t) => {
    let sum = 0;
    for (const p of parts) {
      const last = p.points.filter((pt) => pt.atMs <= t).at(-1);
      sum += last?.unseen ?? 0;
    }
    return [t, sum] as const;
  });
  return [{ name: `all ${parts.length} partitions`, color: COLORS.lag, points, area: true, width: 1.6 }];
}
