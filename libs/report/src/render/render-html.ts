import type { AnomalyExample, ExpectationResult, FaultReport, ScenarioReport } from '../report-schema';
import * as f from './format';
import { latencyRows } from './latency-rows';
import { clockSkewLine } from './clock-skew-view';
import { renderCapacityChart } from './capacity-chart';
import { consumerFailoverHtml } from './consumer-failover-html';
import { capacityLine, deliveryLine } from './render-markdown';
import { reportCharts } from './html-charts';
import { REPORT_CSS } from './html-styles';
import { LOST_SPLIT_ROWS, lostExampleText, lostSplitNote, showLostSplit, sourceConsumerText } from './lost-split-view';
import { readUncommittedHtml } from './read-uncommitted-view';
import { html, trusted, type SafeHtml } from './html-template';

/**
 * The report as one self-contained HTML page: inline CSS, inline SVG charts, no
 * script, no external resource (it opens from a file, offline, years later).
 * All text from the events is escaped by the `html` template tag.
 */
export function renderHtml(r: ScenarioReport): string {
  const charts = reportCharts(r);
  const origin = r.scenario.startAtMs;
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${r.verdict.toUpperCase()} · ${r.scenario.name} · mirrorlab report</title>
<style>${trusted(REPORT_CSS)}</style>
</head>
<body class="verdict-${r.verdict}">
${header(r)}
<main class="wrap">
${cards(r)}
${expectations(r.expectations)}
${capacity(r)}
<section id="throughput"><h2>Throughput <small>records per second: requested of the tester, produced on the source, consumed on the target</small></h2>${trusted(charts.throughput)}</section>
<section id="latency"><h2>End-to-end latency <small>send to validator read, merged per-second histograms</small></h2>${trusted(charts.latency)}${latencyTable(r)}${clockSkewNote(r)}</section>
<section id="lag"><h2>Replicator lag <small>per source partition: records acknowledged on the source and not yet on the target</small></h2>${trusted(charts.lag)}</section>
${faults(r.faults, origin, r)}
${consumerFailoverHtml(r.consumerFailover, charts.checkpointAge, origin)}
${anomalies(r, origin)}
${lostSplit(r)}
${readUncommittedHtml(r.readUncommitted)}
${r.warnings.length > 0 ? html`<section id="warnings"><h2>Warnings</h2><ul class="warnings">${r.warnings.map((w) => html`<li>${w}</li>`)}</ul></section>` : ''}
${participants(r)}
${scenario(r)}
</main>
<footer class="wrap">Built by mirrorlab from ${f.count(r.basis.events)} control events of scenario <span class="mono">${r.scenario.id}</span>${
    r.basis.asOfMs !== null ? html`, as of ${f.utc(r.basis.asOfMs)}` : ''
  }. Report schema v${r.schemaVersion}.</footer>
</body>
</html>
`;
  return page.text;
}

function header(r: ScenarioReport): SafeHtml {
  const s = r.scenario;
  const when =
    s.startAtMs !== null && s.endAtMs !== null
      ? html` · started <b>${f.utc(s.startAtMs)}</b> · workload <b>${f.duration((s.endAtMs - s.startAtMs) / 1000)}</b>`
      : '';
  const met = r.expectations.filter((e) => e.status === 'met').length;
  const reasons =
    r.reasons.length > 0
      ? html`<ul class="reasons">${r.reasons.map((x) => html`<li>${x}</li>`)}</ul>`
      : html`<ul class="reasons ok"><li>All ${met} expectation${met === 1 ? '' : 's'} met.</li></ul>`;
  const incomplete =
    !r.basis.complete && r.basis.incompleteReason ? html`<div class="sub">Incomplete: ${r.basis.incompleteReason}</div>` : '';
  const w = r.warmup;
  const warm = w
    ? html`<div class="sub" id="warmup">warm-up <b>${f.duration(w.seconds)}</b>${w.steady ? '' : html` <span class="pill no">timed out</span>`} · replicator first copied after <b>${w.firstReadSeconds === null ? 'never' : f.duration(w.firstReadSeconds)}</b> · measured from ${f.offset(w.measuringAtMs, s.startAtMs)} <span class="muted">(${w.detail}; kept out of every baseline)</span></div>`
    : '';
  return html`<header class="top verdict-${r.verdict}"><div class="wrap">
<div class="brand">mirrorlab · replication test report</div>
<div class="head"><div><h1>${s.name}</h1><div class="sub">scenario <b class="mono">${s.id}</b>${when}</div>${warm}${incomplete}</div><div class="badge" title="verdict">${r.verdict.toUpperCase()}</div></div>
${reasons}
</div></header>`;
}

function cards(r: ScenarioReport): SafeHtml {
  const t = r.totals;
  const n = (cls: string) => r.anomalies.find((a) => a.class === cls)?.count ?? 0;
  const lost = n('lost') + n('unseen');
  const lat = r.latency.endToEnd;
  const durationS = r.scenario.startAtMs !== null && r.scenario.endAtMs !== null ? (r.scenario.endAtMs - r.scenario.startAtMs) / 1000 : 0;
  const recovered = r.faults.map((x) => x.recovery.seconds).filter((v): v is number => v !== null);
  const unknown = !t.reconciled;
  const anomalyCard = (label: string, n: number, hint: string) =>
    unknown ? card(label, '—', 'not reconciled') : card(label, f.count(n), hint, n > 0 ? 'bad' : 'good');
  const card = (label: string, value: string, hint: string | SafeHtml, tone = '') =>
    html`<div class="card ${tone}"><div class="label">${label}</div><div class="value">${value}</div><div class="hint">${hint}</div></div>`;
  return html`<section class="cards">
${card('Produced', f.count(t.produced), durationS > 0 ? `${f.compact(Math.round(t.produced / durationS))} records/s over ${f.duration(durationS)}` : 'records sent')}
${card('Acknowledged', f.count(t.acknowledged), `${f.count(t.failed)} failed · ${f.count(t.indeterminate)} indeterminate`)}
${card('Consumed', f.count(t.consumed), `${f.count(t.consumedDistinct)} distinct · ${f.count(t.deliveries)} reads`)}
${anomalyCard('Lost', lost, lost > 0 ? `${f.count(n('lost'))} lost · ${f.count(n('unseen'))} unseen` : 'acknowledged, never read')}
${anomalyCard('Unexpected', n('unexpected'), 'read, never sent')}
${anomalyCard('Duplicates', n('duplicate') + n('corrupt'), `${f.count(n('duplicate'))} duplicate · ${f.count(n('corrupt'))} corrupt`)}
${anomalyCard('Foreign', n('foreign'), 'records with no mirrorlab metadata')}
${card('Tester delivered', r.delivery.fraction !== null ? `${Math.floor(r.delivery.fraction * 100)}%` : '—', deliveryLine(r.delivery), r.delivery.fraction === null ? '' : r.delivery.fraction < r.delivery.threshold ? 'bad' : 'good')}
${card('p99 latency', f.latency(lat?.p99Us), lat ? `p50 ${f.latency(lat.p50Us)} · max ${f.latency(lat.maxUs)}` : 'nothing read')}
${card('Faults', String(r.faults.length), recovered.length > 0 ? `slowest recovery ${f.duration(Math.max(...recovered))}` : r.faults.length > 0 ? 'recovery not measured' : 'none injected')}
</section>`;
}

function capacity(r: ScenarioReport): SafeHtml | '' {
  const c = r.capacity;
  if (c === null) return '';
  const rows = c.steps.map(
    (s) =>
      html`<tr><td class="num">${f.count(s.offered)}</td><td class="num">${f.count(Math.round(s.achieved))}</td><td class="num">${f.count(Math.round(s.consumed))}</td><td class="num">${f.count(s.backlogGrowth)}</td><td class="num">${f.latency(s.p99Us)}</td><td class="status ${s.status === 'ok' ? 'met' : 'failed'}">${s.status}</td><td>${s.reason ?? ''}</td></tr>`,
  );
  return html`<section id="capacity"><h2>Capacity <small>one point per ramp step, records per second</small></h2>
<p><b>${capacityLine(c)}</b></p>
${trusted(renderCapacityChart(c))}
<table><thead><tr><th class="num">offered</th><th class="num">achieved</th><th class="num">consumed</th><th class="num">backlog growth</th><th class="num">p99</th><th>status</th><th>why</th></tr></thead><tbody>${rows}</tbody></table>
<p class="fineprint">A step is tester-saturated when the producers sent under ${Math.round(c.testerShare * 100)} % of the offered rate, replicator-saturated when the target's backlog grew by more than ${Math.round(c.backlogShare * 100)} % of the step's acknowledged records${c.p99BoundUs === null ? '' : ` or p99 exceeded ${f.latency(c.p99BoundUs)}`}. Each step's first ${c.settleSeconds} s is left out.</p></section>`;
}

function expectations(list: readonly ExpectationResult[]): SafeHtml {
  if (list.length === 0)
    return html`<section id="expectations"><h2>Expectations</h2><p class="empty">The scenario states no expectations.</p></section>`;
  const mark = { met: '✓ met', failed: '✗ failed', unknown: '? not checked' };
  const value = (e: ExpectationResult, v: number | null) =>
    v === null
      ? '—'
      : `${e.unit === 'records' ? f.count(v) : Number.isInteger(v) ? v : v.toFixed(1)}${e.unit === 'records' ? '' : ` ${e.unit}`}`;
  return html`<section id="expectations"><h2>Expectations <small>from the scenario spec</small></h2><table>
<thead><tr><th>status</th><th>expectation</th><th class="num">max</th><th class="num">measured</th><th>detail</th></tr></thead>
<tbody>${list.map((e) => html`<tr><td class="status ${e.status}">${mark[e.status]}</td><td class="mono">${e.name}</td><td class="num">${value(e, e.max)}</td><td class="num">${value(e, e.measured)}</td><td>${e.detail}</td></tr>`)}</tbody>
</table></section>`;
}

function faults(list: readonly FaultReport[], origin: number | null, r: ScenarioReport): SafeHtml {
  const rule = r.recoveryRule;
  const body =
    list.length === 0
      ? html`<p class="empty">No faults were injected.</p>`
      : html`<table><thead><tr><th>fault</th><th>kind</th><th>target</th><th class="num">injected</th><th class="num">heal started</th><th class="num">back</th><th class="num">lasted</th><th>heal verified</th><th>recovery</th><th>anomaly examples in window</th></tr></thead><tbody>
${list.map((x) => {
  const started = x.healStartedAtMs !== null ? f.offset(x.healStartedAtMs, origin) : x.oneShot ? 'one-shot' : 'never';
  const back = x.backAtMs !== null ? f.offset(x.backAtMs, origin) : '—';
  // Injection until the component was back (or the heal gave up).
  const lasted = x.healedAtMs !== null ? f.duration(((x.backAtMs ?? x.healedAtMs) - x.injectedAtMs) / 1000) : '—';
  const verified =
    x.verified === null
      ? html`<span class="muted">—</span>`
      : x.verified
        ? html`<span class="pill ok">verified</span>`
        : html`<span class="pill no">not verified</span>`;
  const recovery =
    x.recovery.seconds !== null
      ? html`<b>${f.duration(x.recovery.seconds)}</b> <span class="muted">(at ${f.offset(x.recovery.recoveredAtMs!, origin)})</span>`
      : html`<span class="status ${x.recovery.status === 'not-recovered' ? 'failed' : 'unknown'}">${x.recovery.status === 'not-recovered' ? 'did not recover' : 'not measured'}</span><div class="desc">${x.recovery.reason ?? ''}</div>`;
  const attributed = Object.entries(x.attributedExamples);
  return html`<tr><td class="mono nowrap">${x.faultId}</td><td class="nowrap">${x.kind}</td><td class="mono nowrap">${x.target ?? '—'}</td><td class="num">${f.offset(x.injectedAtMs, origin)}</td><td class="num">${started}</td><td class="num">${back}</td><td class="num">${lasted}</td><td>${verified}${x.healDetail ? html`<div class="desc">${x.healDetail}</div>` : ''}</td><td>${recovery}</td><td>${
    attributed.length === 0
      ? html`<span class="muted">none</span>`
      : attributed.map(([cls, n]) => html`<span class="pill correctness">${cls} ${n}</span> `)
  }</td></tr>`;
})}</tbody></table>`;
  return html`<section id="faults"><h2>Faults <small>times from the scenario start</small></h2>${body}
<p class="fineprint">Recovery time: from the heal's start (the injection for one-shot faults; the component may be back only later) to the start of the first ${rule.sustainSeconds} s in a row whose mean consumed rate is within ±${Math.round(rule.throughputTolerance * 100)} % of the pre-fault median and whose per-second p99 stays under max(${rule.latencyFactor}× the pre-fault p99, ${rule.latencyFloorMs} ms). Pre-fault: the ${rule.baselineSeconds} s before the injection, outside other faults. Bursty delivery (at least ${Math.round(rule.burstyIdleShare * 100)} % of the pre-fault seconds read nothing, as MirrorMaker 2's exactly-once transactions do): ${rule.burstySustainSeconds} s around the pre-fault mean, and seconds that read nothing pass the latency check. Resolution 1 s.</p></section>`;
}

function anomalies(r: ScenarioReport, origin: number | null): SafeHtml {
  if (r.anomalies.length === 0) {
    return html`<section id="anomalies"><h2>Anomalies</h2><p class="empty">${
      r.totals.reconciled
        ? 'None: every acknowledged record was read once, in order, intact.'
        : 'Unknown: the reports could not be reconciled (see the reasons above).'
    }</p></section>`;
  }
  return html`<section id="anomalies"><h2>Anomalies <small>first examples of each class; times from the scenario start</small></h2><table>
<thead><tr><th>class</th><th class="num">count</th><th>what it means</th><th>examples</th></tr></thead>
<tbody>${r.anomalies.map((a) => {
    const details = Object.entries(a.details).map(([k, v]) => `${k}: ${typeof v === 'number' ? f.count(v) : String(v)}`);
    return html`<tr><td><span class="pill ${a.kind}">${a.label}</span></td><td class="num"><b>${f.count(a.count)}</b></td><td class="desc">${a.description}${details.length > 0 ? html`<div class="mono">${details.join(' · ')}</div>` : ''}</td><td><ul class="examples">${a.examples.map((e) => example(e, origin))}${
      a.count > a.examples.length ? html`<li class="muted">… ${f.count(a.count - a.examples.length)} more</li>` : ''
    }</ul></td></tr>`;
  })}</tbody></table></section>`;
}

function lostSplit(r: ScenarioReport): SafeHtml | '' {
  const s = r.lostSplit;
  const audit = sourceConsumerText(r.sourceConsumer, s);
  if (!showLostSplit(s)) return audit === null ? '' : html`<section id="lost-split"><p class="fineprint">${audit}</p></section>`;
  return html`<section id="lost-split"><h2>Where missing records were lost <small>acknowledged records never read on the target, by cause (source audit)</small></h2><table>
<thead><tr><th>cause</th><th class="num">count</th><th>what it means</th><th>examples (source topic/partition@offset)</th></tr></thead>
<tbody>${LOST_SPLIT_ROWS.map((row) => {
    const c = s[row.key];
    return html`<tr><td>${row.label}</td><td class="num"><b>${f.count(c.count)}</b></td><td class="desc">${row.hint}</td><td><ul class="examples">${c.examples.map((e) => html`<li><span class="mono">${lostExampleText(e)}</span></li>`)}${
      c.count > c.examples.length ? html`<li class="muted">… ${f.count(c.count - c.examples.length)} more</li>` : ''
    }</ul></td></tr>`;
  })}</tbody></table><p class="fineprint">${lostSplitNote(s)}</p>${audit === null ? '' : html`<p class="fineprint">${audit}</p>`}</section>`;
}

function example(e: AnomalyExample, origin: number | null): SafeHtml {
  const t = e.time;
  const when =
    t.kind === 'witnessed'
      ? `read at ${f.offset(t.atMs, origin)}`
      : t.kind === 'estimated'
        ? `sent ≈ ${f.offset(t.fromMs, origin)} – ${f.offset(t.toMs, origin)}`
        : 'time unknown';
  return html`<li><span class="mono">${e.text}</span><span class="when">${when}</span> ${e.faults.map(
    (x) =>
      html`<span class="pill fault ${x.phase}" title="${x.phase === 'during' ? 'during the fault' : 'after the heal, before recovery'}">${x.faultId} ${x.phase}</span> `,
  )}</li>`;
}

function clockSkewNote(r: ScenarioReport): SafeHtml | '' {
  const line = clockSkewLine(r);
  if (line === null) return '';
  return html`<p id="clock-skew" class="${line.flagged ? 'flagged' : 'muted'}">${line.text}</p>`;
}

function latencyTable(r: ScenarioReport): SafeHtml | '' {
  const rows = latencyRows(r);
  if (rows.length === 0) return '';
  return html`<table class="latency"><thead><tr><th>latency</th><th class="num">records</th><th class="num">p50</th><th class="num">p99</th><th class="num">p99.9</th><th class="num">max</th><th>measured</th></tr></thead><tbody>${rows.map(
    (x) =>
      html`<tr><td>${x.label}</td><td class="num">${f.count(x.summary.count)}</td><td class="num">${f.latency(x.summary.p50Us)}</td><td class="num">${f.latency(x.summary.p99Us)}</td><td class="num">${f.latency(x.summary.p999Us)}</td><td class="num">${f.latency(x.summary.maxUs)}</td><td class="muted">${x.what}</td></tr>`,
  )}</tbody></table>`;
}

function participants(r: ScenarioReport): SafeHtml {
  const yesNo = (b: boolean) => (b ? html`<span class="pill ok">final</span>` : html`<span class="pill no">no final</span>`);
  return html`<section id="participants"><h2>Participants</h2><div class="grid2">
<table><thead><tr><th>producer</th><th class="num">reports</th><th>final report</th></tr></thead><tbody>${
    r.basis.producers.length === 0
      ? html`<tr><td colspan="3" class="muted">none</td></tr>`
      : r.basis.producers.map(
          (p) => html`<tr><td class="mono">${p.id}</td><td class="num">${p.reports}</td><td>${yesNo(p.final)}</td></tr>`,
        )
  }</tbody></table>
<table><thead><tr><th>validator</th><th class="num">reports</th><th>final report</th></tr></thead><tbody>${
    r.basis.validators.length === 0
      ? html`<tr><td colspan="3" class="muted">none</td></tr>`
      : r.basis.validators.map(
          (v) =>
            html`<tr><td class="mono">${v.id}</td><td class="num">${v.reports}${v.incarnations > 1 ? html` <span class="muted">(${v.incarnations} restarts)</span>` : ''}</td><td>${yesNo(v.final)}${v.superseded ? html` <span class="muted">partitions taken over</span>` : ''}</td></tr>`,
        )
  }</tbody></table></div></section>`;
}

function scenario(r: ScenarioReport): SafeHtml {
  const s = r.scenario;
  const topics = Object.entries(s.targetTopics).map(([src, dst]) => `${src} → ${dst}`);
  return html`<section id="scenario"><h2>Scenario</h2><dl class="about">
${s.description ? html`<dt>description</dt><dd>${s.description}</dd>` : ''}
${s.expectedBehaviour ? html`<dt>expected behaviour</dt><dd>${s.expectedBehaviour}</dd>` : ''}
<dt>topics</dt><dd class="mono">${topics.length > 0 ? topics.join(', ') : '—'}</dd>
<dt>stopped / drained</dt><dd>${s.stoppingAtMs !== null ? f.offset(s.stoppingAtMs, s.startAtMs) : '—'} / ${s.drainedAtMs !== null ? `${f.offset(s.drainedAtMs, s.startAtMs)}${s.drained === false ? ' (gave up waiting)' : ''}` : '—'}</dd>
</dl>${s.spec !== null ? html`<pre class="spec">${JSON.stringify(s.spec, null, 2)}</pre>` : html`<p class="empty">The scenario spec is unknown (no scenario.started event).</p>`}</section>`;
}
