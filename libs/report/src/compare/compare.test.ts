import type { ControlEvent } from '@mirrorlab/control';
import { buildReport } from '../build-report';
import { ScenarioView } from '@mirrorlab/control';
import { syntheticScenario, type FixtureOptions } from '../testing';
import { compareReports, parseReportForComparison, phase, PHASE_SECONDS } from './compare-model';
import { renderCompareHtml, renderCompareJson, renderCompareMarkdown } from './render-compare';

function report(options: FixtureOptions, mode?: string) {
  const events: ControlEvent[] = syntheticScenario(options).map((e) =>
    e.type === 'scenario.started' && mode !== undefined
      ? ({ ...e, spec: { ...e.spec, replicator: { ...e.spec.replicator, mode } } } as ControlEvent)
      : e,
  );
  const folded = new ScenarioView(options.scenarioId ?? 'fixture-1');
  events.forEach((e) => folded.apply(e));
  return buildReport(folded);
}

const kill = [{ id: 'f1', kind: 'kill-replicator', target: 'replicator', atS: 20, durationS: 10, stall: true }];
const base: FixtureOptions = { durationS: 60, rate: 100, partitions: 3, validators: 1, warmupS: 5, faults: kill, expectations: {} };
const alo = report({ ...base, scenarioId: 'kill-alo', anomalies: { duplicate: 3 } }, 'dedicated');
const eos = report({ ...base, scenarioId: 'kill-eos' }, 'dedicated-eos');

describe('compareReports', () => {
  const c = compareReports([alo, eos]);

  it('names each run with its verdict and replicator mode, in the order given', () => {
    expect(c.runs.map((r) => [r.id, r.replicatorMode, r.verdict])).toEqual([
      ['kill-alo', 'dedicated', alo.verdict],
      ['kill-eos', 'dedicated-eos', eos.verdict],
    ]);
  });

  it('counts anomalies by class for every run, listing a class that happened in any run', () => {
    expect(c.anomalyClasses).toContain('duplicate');
    expect(c.runs[0].anomalies!.duplicate).toBe(alo.anomalies.find((a) => a.class === 'duplicate')!.count);
    expect(c.runs[0].anomalies!.duplicate).toBeGreaterThan(0);
    expect(c.runs[1].anomalies!.duplicate).toBe(0);
  });

  it('splits each fault into before, during and after, from the run series, with its recovery', () => {
    const f = c.runs[0].faults[0];
    const injected = alo.faults[0].injectedAtMs;
    expect(f.before).toMatchObject({ fromMs: injected - PHASE_SECONDS * 1000, toMs: injected });
    expect(f.during.fromMs).toBe(injected);
    expect(f.during.toMs).toBe(alo.faults[0].healStartedAtMs ?? alo.faults[0].healedAtMs);
    expect(f.after.fromMs).toBe(f.during.toMs);
    expect(f.atMs).toBe(injected - alo.warmup!.measuringAtMs);
    // The fixture stalls replication during the fault: less is consumed during it than before.
    expect(f.during.consumedPerSec!).toBeLessThan(f.before.consumedPerSec!);
    expect(f.recovery).toEqual({ status: alo.faults[0].recovery.status, seconds: alo.faults[0].recovery.seconds });
  });

  it('aligns each run on its measured start', () => {
    expect(c.runs[0].originMs).toBe(alo.warmup!.measuringAtMs);
    expect(c.runs[0].series[0].offsetMs).toBe(alo.series[0].t * 1000 - alo.warmup!.measuringAtMs);
  });
});

describe('phase', () => {
  const point = (t: number, consumed: number, p50Us: number | null, p99Us: number | null) => ({
    t,
    produced: 0,
    acked: 0,
    requested: null,
    achieved: null,
    consumed,
    p50Us,
    p99Us,
    p999Us: null,
    maxUs: null,
    publishDelayP99Us: null,
  });
  it('averages consumed/s, takes the median p50 and the highest p99 of the seconds starting in the window', () => {
    const series = [
      point(9, 1000, 1, 1),
      point(10, 100, 5, 50),
      point(11, 200, 7, 90),
      point(12, 0, null, null),
      point(13, 300, 6, 20),
      point(14, 999, 999, 999),
    ];
    expect(phase({ series }, 10_000, 14_000)).toEqual({
      fromMs: 10_000,
      toMs: 14_000,
      seconds: 4,
      consumedPerSec: 150,
      p50Us: 6,
      p99Us: 90,
    });
  });

  it('says nothing (null) about a window with no second', () => {
    expect(phase({ series: [] }, 0, 5000)).toEqual({ fromMs: 0, toMs: 5000, seconds: 0, consumedPerSec: null, p50Us: null, p99Us: null });
  });
});

describe('rendering a comparison', () => {
  const c = compareReports([alo, eos]);

  it('Markdown: verdicts, anomalies by class, latency and throughput, faults with phases and recovery', () => {
    const text = renderCompareMarkdown(c);
    expect(text).toContain('# Comparison of 2 runs');
    expect(text).toMatch(/\| kill-alo \| kill-alo \| dedicated \| \w+ \|/);
    expect(text).toMatch(/\| kill-eos \| kill-eos \| dedicated-eos \| \w+ \|/);
    expect(text).toMatch(new RegExp(`\\| Duplicate \\| ${c.runs[0].anomalies!.duplicate} \\| 0 \\|`));
    expect(text).toContain('| kill-alo | f1 (kill-replicator) |');
    expect(text).toContain('| kill-eos | f1 (kill-replicator) |');
  });

  it('JSON: the comparison model, parseable and stable', () => {
    const text = renderCompareJson(c);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(c)));
    expect(renderCompareJson(compareReports([alo, eos]))).toBe(text);
  });

  it('HTML: one self-contained page with both runs overlaid on each chart and the fault window shaded', () => {
    const page = renderCompareHtml(c);
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).not.toMatch(/<script/i);
    // Two charts, each with one line per run.
    expect((page.match(/<svg class="chart"/g) ?? []).length).toBe(2);
    expect((page.match(/<rect class="fault-window"/g) ?? []).length).toBeGreaterThanOrEqual(2);
    expect((page.match(/kill-alo · dedicated · kill-alo/g) ?? []).length).toBeGreaterThanOrEqual(2);
    expect((page.match(/kill-eos · dedicated-eos · kill-eos/g) ?? []).length).toBeGreaterThanOrEqual(2);
  });

  it('HTML escapes what comes from the runs', () => {
    const evil = report({ ...base, scenarioId: 'x<script>alert(1)</script>' }, '<img src=x onerror=alert(2)>');
    const page = renderCompareHtml(compareReports([evil]));
    expect(page).not.toContain('<script>alert(1)');
    expect(page).not.toContain('<img src=x');
  });

  it('a comparison without faults or anomalies says so', () => {
    const clean = report({ ...base, faults: [], scenarioId: 'clean' });
    const text = renderCompareMarkdown(compareReports([clean, clean]));
    expect(text).toContain('No anomaly in any run.');
    expect(text).toContain('No faults in any run.');
  });
});

describe('parseReportForComparison', () => {
  it('reads a report.json back, and names the run and the field of one that does not fit the schema', () => {
    expect(parseReportForComparison(JSON.stringify(alo), 'kill-alo').scenario.id).toBe('kill-alo');
    expect(() => parseReportForComparison('{', 'x')).toThrow('the report of x is not JSON');
    expect(() => parseReportForComparison(JSON.stringify({ ...alo, verdict: 'maybe' }), 'y')).toThrow(
      /^the report of y does not fit report schema v\d+: verdict: /,
    );
  });
});
