import { anomalyLabel } from '../anomaly-table';
import { escapeHtml as esc } from '../render/escape';
import * as f from '../render/format';
import { REPORT_CSS } from '../render/html-styles';
import { html, trusted, type SafeHtml } from '../render/html-template';
import { renderChart, type ChartBand, type ChartLine } from '../render/svg-chart';
import type { ComparedFault, ComparedRun, Comparison, PhaseStats } from './compare-model';

/** One color per run, in order; beyond six they repeat dashed. */
const RUN_COLORS = ['#0969da', '#cf222e', '#1a7f37', '#8250df', '#bf8700', '#1b7c83'];

const runLabel = (r: ComparedRun) => `${r.name} · ${r.replicatorMode} · ${r.id}`;
const perSec = (v: number | null) => (v === null ? '—' : `${Math.round(v)}/s`);
const phaseText = (p: PhaseStats) => `${perSec(p.consumedPerSec)}, p50 ${f.latency(p.p50Us)}, p99 ${f.latency(p.p99Us)}`;
const recoveryText = (x: ComparedFault['recovery']) => (x.seconds !== null ? `${x.status} in ${f.duration(x.seconds)}` : x.status);

/** The comparison as JSON (stable key order: as built). */
export function renderCompareJson(c: Comparison): string {
  return `${JSON.stringify(c, null, 2)}\n`;
}

/** The comparison as Markdown: verdicts, anomalies by class, latency and throughput, each fault's phases and recovery. */
export function renderCompareMarkdown(c: Comparison): string {
  const out: string[] = [`# Comparison of ${c.runs.length} runs`, ''];
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const table = (header: string[], rows: string[][]) => [
    `| ${header.map(cell).join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
  out.push('## Verdicts', '');
  out.push(
    ...table(
      ['run', 'scenario', 'replicator mode', 'verdict', 'reasons'],
      c.runs.map((r) => [r.id, r.name, r.replicatorMode, r.verdict.toUpperCase(), r.reasons.join('; ') || '—']),
    ),
    '',
  );
  out.push('## Anomalies by class', '');
  if (c.anomalyClasses.length === 0) out.push('No anomaly in any run.', '');
  else
    out.push(
      ...table(
        ['class', ...c.runs.map((r) => r.id)],
        c.anomalyClasses.map((cls) => [
          anomalyLabel(cls),
          ...c.runs.map((r) => (r.anomalies === null ? 'not reconciled' : f.count(r.anomalies[cls]))),
        ]),
      ),
      '',
    );
  out.push('## Latency and throughput (whole measured run)', '');
  out.push(
    ...table(
      ['run', 'produced', 'consumed', 'consumed/s', 'p50', 'p99', 'p99.9', 'max'],
      c.runs.map((r) => [
        r.id,
        f.count(r.produced),
        f.count(r.consumed),
        perSec(r.consumedPerSec),
        f.latency(r.latency?.p50Us),
        f.latency(r.latency?.p99Us),
        f.latency(r.latency?.p999Us),
        f.latency(r.latency?.maxUs),
      ]),
    ),
    '',
  );
  out.push(
    '## Faults',
    '',
    `Before: the ${c.phaseSeconds} s before the injection; during: injection to the heal's start; after: the ${c.phaseSeconds} s after it. Consumed records/s, median per-second p50, highest per-second p99.`,
    '',
  );
  const rows = c.runs.flatMap((r) =>
    r.faults.map((x) => [
      r.id,
      `${x.faultId} (${x.kind})`,
      `+${f.duration(Math.max(0, x.atMs) / 1000)}`,
      phaseText(x.before),
      phaseText(x.during),
      phaseText(x.after),
      recoveryText(x.recovery),
    ]),
  );
  if (rows.length === 0) out.push('No faults in any run.', '');
  else out.push(...table(['run', 'fault', 'at', 'before', 'during', 'after', 'recovery'], rows), '');
  return out.join('\n');
}

/** The comparison as one self-contained HTML page (inline CSS and SVG, no script), charts overlaid per run. */
export function renderCompareHtml(c: Comparison): string {
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Comparison of ${String(c.runs.length)} runs · mirrorlab</title>
<style>${trusted(REPORT_CSS)}</style>
</head>
<body class="compare">
<main class="wrap">
<h1>Comparison of ${String(c.runs.length)} runs</h1>
${verdicts(c)}
${anomalies(c)}
${overall(c)}
<section id="throughput"><h2>Throughput <small>records/s consumed on the target, per run, aligned on each run's measured start</small></h2>${trusted(overlay(c, 'throughput'))}</section>
<section id="latency"><h2>End-to-end p99 <small>per second, per run, aligned on each run's measured start</small></h2>${trusted(overlay(c, 'p99'))}</section>
${faults(c)}
</main>
</body>
</html>
`;
  return page.text;
}

function verdicts(c: Comparison): SafeHtml {
  return html`<section id="verdicts"><h2>Verdicts</h2><table><thead><tr><th>run</th><th>scenario</th><th>replicator mode</th><th>verdict</th><th>reasons</th></tr></thead><tbody>${c.runs.map(
    (r, i) =>
      html`<tr><td class="mono" style="${trusted(`border-left: 6px solid ${color(i)}`)}">${r.id}</td><td>${r.name}</td><td>${r.replicatorMode}</td><td class="${`verdict-cell verdict-${r.verdict}`}"><b>${r.verdict.toUpperCase()}</b></td><td>${r.reasons.join('; ') || '—'}</td></tr>`,
  )}</tbody></table></section>`;
}

function anomalies(c: Comparison): SafeHtml {
  if (c.anomalyClasses.length === 0)
    return html`<section id="anomalies"><h2>Anomalies by class</h2><p class="empty">No anomaly in any run.</p></section>`;
  return html`<section id="anomalies"><h2>Anomalies by class</h2><table><thead><tr><th>class</th>${c.runs.map((r) => html`<th class="mono">${r.id}</th>`)}</tr></thead><tbody>${c.anomalyClasses.map(
    (cls) =>
      html`<tr><td>${anomalyLabel(cls)}</td>${c.runs.map((r) => html`<td class="num">${r.anomalies === null ? 'not reconciled' : f.count(r.anomalies[cls])}</td>`)}</tr>`,
  )}</tbody></table></section>`;
}

function overall(c: Comparison): SafeHtml {
  return html`<section id="overall"><h2>Latency and throughput <small>whole measured run</small></h2><table><thead><tr><th>run</th><th>produced</th><th>consumed</th><th>consumed/s</th><th>p50</th><th>p99</th><th>p99.9</th><th>max</th></tr></thead><tbody>${c.runs.map(
    (r) =>
      html`<tr><td class="mono">${r.id}</td><td class="num">${f.count(r.produced)}</td><td class="num">${f.count(r.consumed)}</td><td class="num">${perSec(r.consumedPerSec)}</td><td class="num">${f.latency(r.latency?.p50Us)}</td><td class="num">${f.latency(r.latency?.p99Us)}</td><td class="num">${f.latency(r.latency?.p999Us)}</td><td class="num">${f.latency(r.latency?.maxUs)}</td></tr>`,
  )}</tbody></table></section>`;
}

function faults(c: Comparison): SafeHtml {
  const rows = c.runs.flatMap((r) =>
    r.faults.map(
      (x) =>
        html`<tr><td class="mono">${r.id}</td><td>${x.faultId} (${x.kind})</td><td class="num">+${f.duration(Math.max(0, x.atMs) / 1000)}</td><td>${phaseText(x.before)}</td><td>${phaseText(x.during)}</td><td>${phaseText(x.after)}</td><td>${recoveryText(x.recovery)}</td></tr>`,
    ),
  );
  return html`<section id="faults"><h2>Faults <small>before: ${String(c.phaseSeconds)} s before the injection; during: to the heal's start; after: ${String(c.phaseSeconds)} s after it</small></h2>${
    rows.length === 0
      ? html`<p class="empty">No faults in any run.</p>`
      : html`<table><thead><tr><th>run</th><th>fault</th><th>at</th><th>before</th><th>during</th><th>after</th><th>recovery</th></tr></thead><tbody>${rows}</tbody></table>`
  }</section>`;
}

function color(i: number): string {
  return RUN_COLORS[i % RUN_COLORS.length];
}

/** One line per run on a shared axis of seconds since each run's measured start; the first run's fault windows shaded. */
function overlay(c: Comparison, what: 'throughput' | 'p99'): string {
  const lines: ChartLine[] = c.runs.map((r, i) => ({
    name: runLabel(r),
    color: color(i),
    dash: i >= RUN_COLORS.length ? '6 4' : undefined,
    points: r.series.map((p) => [p.offsetMs, what === 'throughput' ? p.consumed : p.p99Us] as const),
  }));
  const offsets = c.runs.flatMap((r) => r.series.map((p) => p.offsetMs));
  if (offsets.length === 0) return '<p class="empty">No per-second data was reported.</p>';
  const bands: ChartBand[] = (c.runs[0]?.faults ?? []).map((x) => ({
    id: x.faultId,
    label: `${x.faultId} (${x.kind}, ${c.runs[0].id})`,
    fromMs: x.during.fromMs - (c.runs[0].originMs ?? 0),
    toMs: x.during.toMs - (c.runs[0].originMs ?? 0),
  }));
  const chart = renderChart({
    title: what === 'throughput' ? 'Consumed records per second, per run' : 'End-to-end p99 per second, per run',
    xFromMs: Math.min(0, ...offsets),
    xToMs: Math.max(...offsets) + 1000,
    originMs: 0,
    scale: what === 'throughput' ? 'linear' : 'log',
    yFormat: what === 'throughput' ? f.compact : (v) => f.latency(v),
    lines,
    bands,
  });
  const legend = lines
    .map((l) => `<span class="key"><i style="border-top:3px ${l.dash ? 'dashed' : 'solid'} ${esc(l.color)}"></i>${esc(l.name)}</span>`)
    .join('');
  return `${chart}<div class="legend">${legend}</div>`;
}
