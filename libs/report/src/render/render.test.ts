import type { ControlEvent } from '@mirrorlab/control';
import { buildReport } from '../build-report';
import { scenarioReportSchema } from '../report-schema';
import { ScenarioView } from '@mirrorlab/control';
import { REALISTIC_FAULTS, syntheticScenario, type FixtureOptions } from '../testing';
import * as format from './format';
import { renderHtml } from './render-html';
import { renderJson } from './render-json';
import { md, renderMarkdown } from './render-markdown';

function report(options: FixtureOptions) {
  const events: ControlEvent[] = syntheticScenario(options);
  const folded = new ScenarioView(options.scenarioId ?? 'fixture-1');
  events.forEach((e) => folded.apply(e));
  return buildReport(folded);
}

const realistic = report({
  faults: REALISTIC_FAULTS,
  anomalies: { lost: 3, duplicate: 2, corrupt: 1, reorder: 1, indeterminateMissing: 1 },
});

const EVIL = '<script>alert(1)</script>';
const hostile = report({
  scenarioId: `x${EVIL}`,
  durationS: 30,
  rate: 40,
  partitions: 2,
  topic: `ml.${EVIL}`,
  faults: [
    { id: `"><script>alert(2)</script>`, kind: 'packet-loss', target: '<img src=x onerror=alert(3)>', atS: 10, durationS: 5, stall: true },
  ],
  anomalies: { lost: 1, duplicate: 1 },
});

describe('renderJson', () => {
  it('writes JSON that validates against the report schema, byte-identical for equal reports', () => {
    const text = renderJson(realistic);
    expect(text.endsWith('}\n')).toBe(true);
    expect(scenarioReportSchema.safeParse(JSON.parse(text)).success).toBe(true);
    expect(renderJson(JSON.parse(text))).toBe(text);
    expect(
      renderJson(
        report({ faults: REALISTIC_FAULTS, anomalies: { lost: 3, duplicate: 2, corrupt: 1, reorder: 1, indeterminateMissing: 1 } }),
      ),
    ).toBe(text);
  });

  it('refuses a report that does not fit the schema rather than writing it', () => {
    expect(() => renderJson({ ...realistic, verdict: 'maybe' as 'pass' })).toThrow();
  });
});

describe('renderHtml', () => {
  const page = renderHtml(realistic);

  it('is one self-contained page: inline CSS and SVG, no script, nothing fetched', () => {
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).toContain('<style>');
    expect(page).not.toMatch(/<script|<link|<img|<iframe|\bsrc=|\bhref=|@import|url\(http/i);
    expect(page.match(/https?:\/\/[^"\s<]+/g)).toEqual([
      'http://www.w3.org/2000/svg',
      'http://www.w3.org/2000/svg',
      'http://www.w3.org/2000/svg',
    ]);
  });

  it('shows the verdict, its reasons, the charts with every fault window shaded and labelled', () => {
    expect(page).toContain('<div class="badge" title="verdict">FAIL</div>');
    for (const reason of realistic.reasons)
      expect(page).toContain(reason.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
    expect(page.match(/<svg class="chart"/g)).toHaveLength(3);
    expect(page.match(/<rect class="fault-window"/g)).toHaveLength(2 * 3);
    expect(page.match(/<rect class="recovery-window"/g)).toHaveLength(2 * 3);
    expect(page.match(/<g class="fault-label"/g)).toHaveLength(2 * 3);
    expect(page).toContain('f1-kill-broker → source:2');
    expect(page.match(/<path class="series" data-series="(produced|consumed|p50|p99|max)"/g)).toHaveLength(5);
    // The replicator's lag: one line per source partition (6 in the fixture), with the fault windows.
    expect(page.match(/<path class="series" data-series="p[0-5]"/g)).toHaveLength(6);
    expect(page).toContain('Replicator lag');
    expect(realistic.replicatorLag.map((p) => p.partition)).toEqual([0, 1, 2, 3, 4, 5]);
    // The fixture's kill-broker stalls replication for 12 s: records wait on the source.
    expect(Math.max(...realistic.replicatorLag.map((p) => p.maxOldestAgeMs ?? 0))).toBeGreaterThan(5000);
  });

  it('shows an unjudged run as unknown, not as clean', () => {
    const events = syntheticScenario({ durationS: 20, rate: 40, partitions: 2 }).filter((e) => e.type !== 'validator.report');
    const folded = new ScenarioView('fixture-1');
    events.forEach((e) => folded.apply(e));
    const errorPage = renderHtml(buildReport(folded));
    expect(errorPage).toContain('<div class="badge" title="verdict">ERROR</div>');
    expect(errorPage).toContain('<li>no validator reports: nothing was checked on the target cluster</li>');
    expect(errorPage.match(/<div class="value">—<\/div><div class="hint">not reconciled<\/div>/g)).toHaveLength(4);
    expect(errorPage).toContain('Nothing was read: no latency to show.');
    expect(errorPage).toContain('Unknown: the reports could not be reconciled');
  });

  it('escapes every piece of text from the events', () => {
    const hostilePage = renderHtml(hostile);
    expect(hostilePage).not.toMatch(/<script|<img|<[a-z][^>]*\son\w+=/i);
    expect(hostilePage).toContain('x&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(hostilePage).toContain('source.ml.&lt;script&gt;');
    expect(hostilePage).toContain('&lt;img src=x onerror=alert(3)&gt;');
    expect(hostilePage).toContain('data-fault-id="&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;"');
  });
});

describe('renderMarkdown', () => {
  it('summarises verdict, reasons, counts, anomalies and faults with recovery', () => {
    const text = renderMarkdown(realistic);
    expect(text.split('\n')[0]).toBe('# fixture-1: FAIL');
    expect(text).toContain('**Failed expectations**\n\n- lost: 3 > max 0\n');
    expect(text).toMatch(/\| f1-kill-broker \| kill-broker \| source:2 \| \+35 s \| \+47 s \| \+47 s \| \d+ s \|/);
    expect(text).toContain('## Anomalies');
  });

  it('escapes HTML and table syntax', () => {
    const text = renderMarkdown(hostile);
    expect(text).not.toMatch(/(^|[^\\])<(script|img)/i);
    expect(md('a|b <c> *d* [e](f) & x')).toBe('a\\|b \\<c> \\*d\\* \\[e\\](f) \\& x');
  });
});

describe('format', () => {
  it('formats numbers, latencies and durations without locale or clock', () => {
    expect(format.count(1234567)).toBe('1,234,567');
    expect(format.latency(850)).toBe('850 µs');
    expect(format.latency(41_234)).toBe('41.2 ms');
    expect(format.latency(3_400_000)).toBe('3.4 s');
    expect(format.duration(125)).toBe('2 m 05 s');
    expect(format.offset(1_000_500, 1_000_000)).toBe('+0.5 s');
    expect(format.utc(0)).toBe('1970-01-01 00:00:00.000 UTC');
    expect(format.axisSeconds(90)).toBe('1m30s');
    expect(format.compact(1500)).toBe('1.5k');
  });
});

describe('warm-up and the three moments of a fault (issue 11 items 11, 13)', () => {
  const r = report({
    durationS: 40,
    rate: 40,
    partitions: 2,
    validators: 1,
    coldS: 4,
    warmupS: 10,
    faults: [{ id: 'f1', kind: 'kill-broker', target: 'source:2', atS: 15, durationS: 5, backAfterS: 7, stall: true }],
  });

  it('Markdown names the warm-up, the heal start and the moment the broker was back', () => {
    const text = renderMarkdown(r);
    expect(text).toContain('Warm-up 10 s: the replicator first copied after 4 s; measured from +10 s (p99 steady for 3 s).');
    expect(text).toMatch(/\| f1 \| kill-broker \| source:2 \| \+15 s \| \+20 s \| \+27 s \| /);
  });

  it('HTML shades the warm-up apart from fault windows and marks the heal start', () => {
    const page = renderHtml(r);
    // One of each per chart: throughput, latency, lag.
    expect((page.match(/<rect class="warmup-window"/g) ?? []).length).toBe(3);
    expect((page.match(/<line class="heal-start"/g) ?? []).length).toBe(3);
    expect(page).toContain('id="warmup"');
  });

  it('a report without a warm-up or heal start shows neither', () => {
    const page = renderHtml(realistic);
    expect(page).not.toContain('warmup-window');
    expect(renderMarkdown(realistic)).not.toContain('Warm-up');
  });
});

describe('an inconclusive run in every output', () => {
  const short = report({ durationS: 30, rate: 60, partitions: 3, requestedRate: 400, expectations: {} });
  const why =
    'the tester delivered 15% of the requested 400 records/s (60 records/s over 30 s outside fault windows): no conclusion about the replicator at that rate';

  it('JSON: verdict inconclusive, the reason, and the delivery numbers', () => {
    const json = JSON.parse(renderJson(short));
    expect(json.verdict).toBe('inconclusive');
    expect(json.reasons).toEqual([why]);
    expect(json.delivery).toMatchObject({ checked: true, fraction: 0.15, requestedPerSecond: 400, achievedPerSecond: 60 });
  });

  it('Markdown: the heading, the reason and the delivery line', () => {
    const text = renderMarkdown(short);
    expect(text).toContain('# fixture-1: INCONCLUSIVE');
    expect(text).toContain('**Inconclusive: no conclusion about the replicator**');
    expect(text).toContain(`- ${md(why)}`);
    expect(text).toContain('Tester delivered 15% of the requested 400 records/s');
  });

  it('HTML: the badge, its colour class and the reason', () => {
    const page = renderHtml(short);
    expect(page).toContain('<div class="badge" title="verdict">INCONCLUSIVE</div>');
    expect(page).toContain('<body class="verdict-inconclusive">');
    expect(page).toContain(`<li>${why}</li>`);
  });

  it('a run whose tester delivered shows it delivered, without the inconclusive heading', () => {
    const text = renderMarkdown(report({ durationS: 30, rate: 60, partitions: 3, expectations: {} }));
    expect(text).toContain('Tester delivered 100% of the requested 60 records/s');
    expect(text).not.toContain('Inconclusive');
  });
});
