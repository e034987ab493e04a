import type { ScenarioReport } from '../report-schema';
import { rate } from '../tester-delivery';
import { consumerFailoverMarkdown } from './consumer-failover-markdown';
import * as f from './format';
import { latencyRows } from './latency-rows';
import { clockSkewLine } from './clock-skew-view';
import { LOST_SPLIT_ROWS, lostExampleText, lostSplitNote, showLostSplit, sourceConsumerText } from './lost-split-view';
import { readUncommittedMarkdown } from './read-uncommitted-view';

/**
 * A short Markdown summary: verdict and reasons, the counts, the anomaly classes
 * with one example each, the expectations and the faults with their recovery.
 * Every piece of text from the events is escaped (Markdown renderers pass HTML
 * through, so `<script>` in a topic name must not survive as a tag).
 */
export function renderMarkdown(r: ScenarioReport): string {
  const origin = r.scenario.startAtMs;
  const out: string[] = [];
  out.push(`# ${md(r.scenario.name)}: ${r.verdict.toUpperCase()}`, '');
  const when =
    origin !== null && r.scenario.endAtMs !== null ? ` · ${f.utc(origin)} · ${f.duration((r.scenario.endAtMs - origin) / 1000)}` : '';
  out.push(`Scenario ${md(r.scenario.id)}${when}`, '');
  const w = r.warmup;
  if (w) {
    const first = w.firstReadSeconds === null ? 'never' : f.duration(w.firstReadSeconds);
    out.push(
      `Warm-up ${f.duration(w.seconds)}${w.steady ? '' : ' (timed out)'}: the replicator first copied after ${first}; measured from ${f.offset(w.measuringAtMs, origin)} (${md(w.detail)}).`,
      '',
    );
  }
  if (r.reasons.length > 0) {
    out.push(
      r.verdict === 'fail'
        ? '**Failed expectations**'
        : r.verdict === 'inconclusive'
          ? '**Inconclusive: no conclusion about the replicator**'
          : '**Could not judge the run**',
      '',
    );
    for (const reason of r.reasons) out.push(`- ${md(reason)}`);
    out.push('');
  } else {
    out.push(`All ${r.expectations.length} expectation${r.expectations.length === 1 ? '' : 's'} met.`, '');
  }
  if (!r.basis.complete && r.basis.incompleteReason) out.push(`> Incomplete: ${md(r.basis.incompleteReason)}`, '');
  out.push(deliveryLine(r.delivery), '');
  const c = r.capacity;
  if (c) {
    out.push('## Capacity', '', `${capacityLine(c)}.`, '');
    out.push('| offered/s | achieved/s | consumed/s | backlog growth | p99 | status |', '| ---: | ---: | ---: | ---: | ---: | --- |');
    for (const s of c.steps) {
      out.push(
        `| ${f.count(s.offered)} | ${f.count(Math.round(s.achieved))} | ${f.count(Math.round(s.consumed))} | ${f.count(s.backlogGrowth)} | ${f.latency(s.p99Us)} | ${s.status === 'ok' ? 'ok' : `**${s.status}**: ${md(s.reason ?? '')}`} |`,
      );
    }
    out.push('');
  }

  const lat = r.latency.endToEnd;
  out.push(
    '| produced | acknowledged | failed | indeterminate | consumed | p50 | p99 | max |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  out.push(
    `| ${f.count(r.totals.produced)} | ${f.count(r.totals.acknowledged)} | ${f.count(r.totals.failed)} | ${f.count(r.totals.indeterminate)} | ` +
      `${f.count(r.totals.consumed)} | ${f.latency(lat?.p50Us)} | ${f.latency(lat?.p99Us)} | ${f.latency(lat?.maxUs)} |`,
    '',
  );

  const latencies = latencyRows(r);
  if (latencies.length > 1) {
    out.push(
      '## Latency',
      '',
      '| latency | records | p50 | p99 | p99.9 | max | measured |',
      '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
    );
    for (const x of latencies) {
      out.push(
        `| ${x.label} | ${f.count(x.summary.count)} | ${f.latency(x.summary.p50Us)} | ${f.latency(x.summary.p99Us)} | ${f.latency(x.summary.p999Us)} | ${f.latency(x.summary.maxUs)} | ${md(x.what)} |`,
      );
    }
    out.push('');
  }

  const skew = clockSkewLine(r);
  if (skew !== null) out.push(skew.flagged ? `**${md(skew.text)}**` : md(skew.text), '');

  if (r.anomalies.length > 0) {
    out.push('## Anomalies', '', '| class | count | first example |', '| --- | ---: | --- |');
    for (const a of r.anomalies) out.push(`| ${md(a.label)} | ${f.count(a.count)} | ${a.examples[0] ? md(a.examples[0].text) : ''} |`);
    out.push('');
  }

  const lagging = [...r.replicatorLag].sort((a, b) => b.maxUnseen - a.maxUnseen)[0];
  if (lagging !== undefined && lagging.maxUnseen > 0) {
    const oldest = Math.max(...r.replicatorLag.map((p) => p.maxOldestAgeMs ?? 0));
    out.push(
      `Replicator lag: at most ${f.count(lagging.maxUnseen)} records of ${md(lagging.topic)}/${lagging.partition} acknowledged on the source and not yet on the target; the oldest waited ${f.duration(oldest / 1000)}.`,
      '',
    );
  }

  if (r.pickup.length > 0) {
    const parts = r.pickup.map((p) => `${md(p.topic)}/${p.partition} ${p.seconds === null ? 'never' : f.duration(p.seconds)}`);
    out.push(`New partitions on the target after add-partitions: ${parts.join(', ')}.`, '');
  }

  if (showLostSplit(r.lostSplit)) {
    const s = r.lostSplit;
    out.push('## Where missing records were lost', '', '| cause | count | first example (source offset) |', '| --- | ---: | --- |');
    for (const row of LOST_SPLIT_ROWS)
      out.push(
        `| ${row.label} | ${f.count(s[row.key].count)} | ${s[row.key].examples[0] ? md(lostExampleText(s[row.key].examples[0])) : ''} |`,
      );
    out.push('', md(lostSplitNote(s)), '');
  }
  const audit = sourceConsumerText(r.sourceConsumer, r.lostSplit);
  if (audit !== null) out.push(md(audit), '');

  out.push(...readUncommittedMarkdown(r.readUncommitted));

  if (r.expectations.length > 0) {
    out.push('## Expectations', '');
    for (const e of r.expectations)
      out.push(`- ${e.status === 'met' ? 'met' : e.status === 'failed' ? '**failed**' : 'not checked'}: ${md(e.detail)}`);
    out.push('');
  }

  if (r.faults.length > 0) {
    out.push(
      '## Faults',
      '',
      '| fault | kind | target | injected | heal started | back | recovery |',
      '| --- | --- | --- | ---: | ---: | ---: | --- |',
    );
    for (const x of r.faults) {
      const started = x.healStartedAtMs !== null ? f.offset(x.healStartedAtMs, origin) : x.oneShot ? 'one-shot' : 'never';
      const back =
        x.backAtMs !== null
          ? f.offset(x.backAtMs, origin)
          : x.healedAtMs !== null
            ? `not verified (${f.offset(x.healedAtMs, origin)})`
            : '—';
      const recovery = x.recovery.seconds !== null ? f.duration(x.recovery.seconds) : md(x.recovery.reason ?? '');
      out.push(
        `| ${md(x.faultId)} | ${md(x.kind)} | ${md(x.target ?? '')} | ${f.offset(x.injectedAtMs, origin)} | ${started} | ${back} | ${recovery} |`,
      );
    }
    out.push('');
  }

  if (r.consumerFailover) out.push(...consumerFailoverMarkdown(r.consumerFailover, origin));

  if (r.warnings.length > 0) {
    out.push('## Warnings', '');
    for (const w of r.warnings) out.push(`- ${md(w)}`);
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** "Tester delivered 100% of the requested 200 records/s (200 records/s over 45 s outside fault windows)." */
export function deliveryLine(d: ScenarioReport['delivery']): string {
  if (!d.checked || d.fraction === null || d.requestedPerSecond === null || d.achievedPerSecond === null)
    return 'Tester delivery: not checked (see warnings).';
  return (
    `Tester delivered ${Math.floor(d.fraction * 100)}% of the requested ${rate(d.requestedPerSecond, d.unit)} ` +
    `(${rate(d.achievedPerSecond, d.unit)} over ${d.seconds} s outside fault windows; below ${Math.round(d.threshold * 100)}% the run is inconclusive).`
  );
}

/**
 * "capacity: 4000 records/s sustained (replicator fell behind at 5000; tester saturated at —)";
 * "at least" when the ramp ended or the tester saturated first (the replicator's limit is higher).
 */
export function capacityLine(c: NonNullable<ScenarioReport['capacity']>): string {
  const at = (v: number | null) => (v === null ? '—' : String(v));
  const sustained =
    c.sustainedRecordsPerSec === null
      ? 'none sustained'
      : `${c.lowerBound ? 'at least ' : ''}${c.sustainedRecordsPerSec} records/s sustained`;
  return `capacity: ${sustained} (replicator fell behind at ${at(c.replicatorSaturatedAt)}; tester saturated at ${at(c.testerSaturatedAt)})`;
}

/**
 * Escapes text for Markdown, on one line: a backslash before every character
 * that could start HTML (`<`), an entity (`&`), emphasis, a link or a table
 * cell boundary. CommonMark renders `\<` as `<` and never as the start of a tag.
 */
export function md(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/([\\`*_[\]|#!<&])/g, '\\$1');
}
