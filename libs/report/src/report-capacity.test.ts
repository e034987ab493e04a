import type { ControlEvent } from '@mirrorlab/control';
import { buildReport } from './build-report';
import { renderHtml } from './render/render-html';
import { capacityLine, renderMarkdown } from './render/render-markdown';
import { ScenarioView } from '@mirrorlab/control';
import { syntheticScenario, type FixtureOptions } from './testing';

function report(events: readonly ControlEvent[]) {
  const folded = new ScenarioView('fixture-1');
  events.forEach((e) => folded.apply(e));
  return buildReport(folded);
}

const START = Date.UTC(2026, 0, 15, 9, 30, 0);

/**
 * A fixture run at a steady 60 records/s (2 producers) whose spec and `rates` say a ramp was asked
 * for: `levels[i]` records/s in the i-th block of 10 s. The tester always achieves 60 records/s.
 */
function rampRun(levels: number[], o: FixtureOptions = {}): ControlEvent[] {
  const ramp = { from: levels[0], to: levels.at(-1)!, step: levels.length > 1 ? levels[1] - levels[0] : 1, every: 10_000 };
  return syntheticScenario({ durationS: 10 * levels.length, rate: 60, partitions: 3, expectations: {}, ...o }).map((e) => {
    if (e.type === 'scenario.started') return { ...e, spec: { ...e.spec, workload: { ...e.spec.workload, rate: { ramp } } } };
    if (e.type === 'producer.progress' && e.rates) {
      return {
        ...e,
        rates: e.rates.map(
          ([w, , achieved, , achievedBytes]) =>
            [w, levels[Math.min(levels.length - 1, Math.floor((w - START) / 10_000))] / 2, achieved, 0, achievedBytes] as [
              number,
              number,
              number,
              number,
              number,
            ],
        ),
      };
    }
    return e;
  });
}

describe('buildReport: capacity of a ramp (issue 9)', () => {
  it('names the sustained capacity and the step the tester saturated at; the delivery rule judges the steps below it only', () => {
    const r = report(rampRun([40, 60, 80]));
    expect(r.capacity).not.toBeNull();
    const c = r.capacity!;
    expect(c.steps.map((s) => [s.fromMs - START, s.toMs - START, s.offered, s.achieved, s.status])).toEqual([
      [0, 10_000, 40, 60, 'ok'],
      [10_000, 20_000, 60, 60, 'ok'],
      [20_000, 30_000, 80, 60, 'tester-saturated'],
    ]);
    expect(c).toMatchObject({
      sustainedRecordsPerSec: 60,
      testerSaturatedAt: 80,
      replicatorSaturatedAt: null,
      lowerBound: true,
      p99BoundUs: null,
    });
    expect(c.steps[2].reason).toBe('the tester sent 60 of the 80 records/s offered');
    expect(r.delivery).toMatchObject({ checked: true, seconds: 20, requestedPerSecond: 50, achievedPerSecond: 60 });
    expect(r.verdict).toBe('pass');
    expect(r.warnings).toContain(
      "the tester saturated at 80 records/s: whether it delivered the requested rate was judged on the ramp's steps below that only",
    );
  });

  it('a target that falls behind while the tester delivers: the replicator saturated there, with the backlog it built', () => {
    // Nothing copied for the first 12 s: the first step builds a backlog, the second drains it.
    const r = report(rampRun([40, 60, 80], { coldS: 12 }));
    const c = r.capacity!;
    expect(c.steps.map((s) => [s.offered, s.status])).toEqual([
      [40, 'replicator-saturated'],
      [60, 'ok'],
      [80, 'tester-saturated'],
    ]);
    expect(c.steps[0]).toMatchObject({ achieved: 60, consumed: 0, backlogGrowth: 540, p99Us: null });
    expect(c.steps[0].reason).toBe('the target fell behind by 540 records (0 of 60 records/s read)');
    expect(c).toMatchObject({ sustainedRecordsPerSec: null, replicatorSaturatedAt: 40, testerSaturatedAt: 80, lowerBound: false });
  });

  it('only the measured window counts: the warm-up seconds are no step', () => {
    const c = report(rampRun([40, 60, 80], { warmupS: 10 })).capacity!;
    expect(c.steps.map((s) => [s.fromMs - START, s.offered, s.status])).toEqual([
      [10_000, 60, 'ok'],
      [20_000, 80, 'tester-saturated'],
    ]);
  });

  it('a tester saturated from the first step: the whole run is judged, INCONCLUSIVE, never PASS', () => {
    const r = report(rampRun([400, 600]));
    expect(r.capacity).toMatchObject({ sustainedRecordsPerSec: null, testerSaturatedAt: 400 });
    expect(r.verdict).toBe('inconclusive');
    expect(r.delivery).toMatchObject({ seconds: 20, requestedPerSecond: 500, achievedPerSecond: 60 });
  });

  it('a tester that delivered nothing is never PASS, whatever the ramp', () => {
    const r = report(rampRun([40, 60], { rate: 0 }));
    expect(r.verdict).toBe('inconclusive');
    expect(r.capacity).toBeNull();
  });

  it('absent for a run at a fixed rate', () => {
    expect(report(syntheticScenario({ durationS: 20, rate: 60, partitions: 3 })).capacity).toBeNull();
  });
});

describe('rendering the capacity (issue 9)', () => {
  const r = report(rampRun([40, 60, 80]));
  const fixed = report(syntheticScenario({ durationS: 20, rate: 60, partitions: 3 }));

  it('one line names the sustained capacity and where the replicator and the tester saturated', () => {
    expect(capacityLine(r.capacity!)).toBe(
      'capacity: at least 60 records/s sustained (replicator fell behind at —; tester saturated at 80)',
    );
    expect(
      capacityLine({
        ...r.capacity!,
        sustainedRecordsPerSec: 4000,
        replicatorSaturatedAt: 5000,
        testerSaturatedAt: null,
        lowerBound: false,
      }),
    ).toBe('capacity: 4000 records/s sustained (replicator fell behind at 5000; tester saturated at —)');
  });

  it('Markdown: a Capacity section with one row per step; none for a fixed rate', () => {
    const text = renderMarkdown(r);
    expect(text).toContain(
      '## Capacity\n\ncapacity: at least 60 records/s sustained (replicator fell behind at —; tester saturated at 80).',
    );
    expect(text).toContain('| 80 | 60 | ');
    expect(text).toContain('**tester-saturated**: the tester sent 60 of the 80 records/s offered |');
    expect(text.match(/^\| \d+ \| \d+ \| \d+ \| -?\d+ \| /gm)).toHaveLength(3);
    expect(renderMarkdown(fixed)).not.toContain('Capacity');
  });

  it('HTML: the capacity section, its chart (a marker per step and panel, the tester saturation line), and requested in the throughput chart', () => {
    const page = renderHtml(r);
    expect(page).toContain('<section id="capacity">');
    expect(page.match(/<svg class="chart capacity-chart"/g)).toHaveLength(1);
    // Three steps: a marker each on achieved, backlog and p99.
    expect(page.match(/<circle class="step /g)).toHaveLength(9);
    expect(page.match(/<circle class="step tester-saturated"/g)).toHaveLength(3);
    expect(page.match(/<line class="saturation"/g)).toHaveLength(1);
    expect(page).toContain('data-series="requested"');
    const plain = renderHtml(fixed);
    expect(plain).not.toContain('id="capacity"');
    // The fixture's producers report rates, so requested is drawn; producers that report none draw no requested line.
    expect(plain).toContain('data-series="requested"');
    expect(renderHtml(report(syntheticScenario({ durationS: 20, rate: 60, partitions: 3, requestedRate: null })))).not.toContain(
      'data-series="requested"',
    );
  });
});
