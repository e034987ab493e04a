import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import type { ControlEvent, ControlEventInput } from '@mirrorlab/control';
import { syntheticScenario, type FixtureOptions } from '@mirrorlab/report/testing';
import { createLogger } from '@mirrorlab/service-kit';
import { AggregatorMetrics } from './aggregator-metrics';
import { ReportAggregator } from './report-aggregator';
import { ReportStore } from './report-store';
import { ScenarioBook } from './scenario-book';

const small: FixtureOptions = { durationS: 20, rate: 40, partitions: 2, validators: 2, anomalies: { lost: 1 } };

function aggregatorOn(dir: string, clock = { now: 0 }) {
  const published: ControlEventInput[] = [];
  const registry = new Registry();
  const aggregator = new ReportAggregator({
    book: new ScenarioBook(30_000),
    store: new ReportStore(dir),
    publish: async (e) => {
      published.push(e);
    },
    nowMs: () => clock.now,
    instance: 'agg-1',
    logger: createLogger({ service: 'report-aggregator', instance: 'agg-1', write: () => undefined }),
    metrics: new AggregatorMetrics(registry),
  });
  return { aggregator, published, registry };
}

async function replay(aggregator: ReportAggregator, events: readonly ControlEvent[]) {
  for (const e of events) await aggregator.onEvent(e);
}

const files = (dir: string, id = 'fixture-1') => ['json', 'html', 'md'].map((f) => readFileSync(path.join(dir, id, `report.${f}`), 'utf8'));

describe('ReportAggregator', () => {
  it('builds when the scenario completes, and announces it once, after catching up', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'agg-'));
    const { aggregator, published, registry } = aggregatorOn(dir);
    await replay(aggregator, syntheticScenario(small));
    expect(aggregator.scenarios()).toMatchObject([
      { scenarioId: 'fixture-1', phase: 'reported', verdict: 'fail', reasons: ['lost: 1 > max 0'] },
    ]);
    expect(published).toEqual([]);
    await aggregator.onCaughtUp();
    await aggregator.tick();
    expect(published).toEqual([
      {
        v: 1,
        type: 'report.ready',
        scenarioId: 'fixture-1',
        atMs: 0,
        source: 'agg-1',
        verdict: 'fail',
        reasons: aggregator.scenarios()[0].reasons,
        location: path.join(dir, 'fixture-1'),
      },
    ]);
    expect(JSON.parse(files(dir)[0]).verdict).toBe('fail');
    expect(await registry.metrics()).toMatch(/mirrorlab_reports_built_total\{verdict="fail"\} 1/);
  });

  it('rebuilds byte-identical files after a restart and does not announce the same verdict again', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'agg-'));
    const first = aggregatorOn(dir);
    const events = syntheticScenario(small);
    await replay(first.aggregator, events);
    await first.aggregator.onCaughtUp();
    const before = files(dir);
    const topic = [...events, first.published[0] as ControlEvent];

    const second = aggregatorOn(dir, { now: 99 });
    await replay(second.aggregator, topic);
    await second.aggregator.onCaughtUp();
    expect(files(dir)).toEqual(before);
    expect(second.published).toEqual([]);

    // A report.ready with another verdict (an older build) does not silence the new one.
    const third = aggregatorOn(dir);
    await replay(third.aggregator, [...events, { ...(first.published[0] as ControlEvent & { type: 'report.ready' }), verdict: 'pass' }]);
    await third.aggregator.onCaughtUp();
    expect(third.published.map((e) => e.type === 'report.ready' && e.verdict)).toEqual(['fail']);
  });

  it('waits REPORT_WAIT after the drain for missing final reports, then builds with what it has and says so', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'agg-'));
    const clock = { now: 0 };
    const { aggregator, published } = aggregatorOn(dir, clock);
    const events = syntheticScenario({ ...small, withoutFinal: ['v2'] });
    const drainedAt = events.find((e) => e.type === 'scenario.drained')!.atMs;
    await replay(aggregator, events);
    clock.now = drainedAt + 29_999;
    await aggregator.onCaughtUp();
    expect(aggregator.scenarios()[0].phase).toBe('drained');
    expect(await aggregator.report('fixture-1', 'json')).toEqual({ ok: false, reason: 'not_ready', phase: 'drained' });
    clock.now = drainedAt + 30_000;
    await aggregator.tick();
    expect(published).toHaveLength(1);
    const report = JSON.parse(files(dir)[0]);
    expect(report.basis).toMatchObject({
      complete: false,
      incompleteReason: 'no final report from validator v2: built from its latest progress report',
    });
  });

  it('serves the files it wrote, and tells unknown scenarios apart', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'agg-'));
    const { aggregator } = aggregatorOn(dir);
    await replay(aggregator, syntheticScenario(small));
    const html = await aggregator.report('fixture-1', 'html');
    expect(html.ok && html.body.toString()).toBe(files(dir)[1]);
    expect(await aggregator.report('nope', 'html')).toEqual({ ok: false, reason: 'unknown_scenario' });
  });
});
