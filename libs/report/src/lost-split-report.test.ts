import type { ControlEvent } from '@mirrorlab/control';
import { buildReport } from './build-report';
import { renderHtml } from './render/render-html';
import { renderMarkdown } from './render/render-markdown';
import { ScenarioView } from '@mirrorlab/control';
import { syntheticScenario, type FixtureOptions } from './testing';

const base: FixtureOptions = { durationS: 20, rate: 30, partitions: 2, validators: 1, anomalies: { lost: 3 } };

function build(events: readonly ControlEvent[]) {
  const folded = new ScenarioView('fixture-1');
  events.forEach((e) => folded.apply(e));
  return buildReport(folded);
}

/**
 * The fixture's run with its 3 lost records placed in the source log: the first at offset 10,
 * the others at 5000. The audit sees the log start pass `purgedTo` before the run starts.
 */
function audited(options: FixtureOptions, purgedTo: number): { events: ControlEvent[]; lostSeqs: string[] } {
  const events = syntheticScenario(options);
  const plain = build(events);
  const lost = plain.lostSplit!.lostInReplication.examples;
  expect(lost).toHaveLength(3);
  const started = events.find((e) => e.type === 'scenario.started')!;
  const head = { v: 1 as const, scenarioId: 'fixture-1', source: 'test' };
  const offsets: ControlEvent[] = lost.map((e, i) => ({
    ...head,
    type: 'producer.offsets',
    atMs: started.atMs + 1,
    producerId: e.producerId,
    keys: [{ topic: 'orders', partition: 0, keyEpoch: e.keyEpoch, key: e.key, runs: [[e.seq, 1, i === 0 ? 10 : 5000, 1]] }],
  }));
  const sample = (atMs: number, logStartOffset: number): ControlEvent => ({
    ...head,
    type: 'source.audit',
    atMs,
    partitions: [{ topic: 'orders', partition: 0, logStartOffset, highWatermark: 10_000 }],
  });
  const drainedAt = events.findIndex((e) => e.type === 'scenario.drained');
  const withAudit = [
    ...events.slice(0, drainedAt),
    ...offsets,
    sample(started.atMs - 2000, 0),
    sample(started.atMs - 1000, purgedTo),
    ...events.slice(drainedAt),
  ];
  return { events: withAudit, lostSeqs: lost.map((e) => `${e.key}#${e.seq}`) };
}

describe('report: the lost split', () => {
  it('shows a record purged before it was mirrored apart from those lost in replication, and fails on the latter when the spec names the split', () => {
    const { events } = audited({ ...base, expectations: { purgedBeforeMirrored: { max: 1000 } } }, 100);
    const r = build(events);
    expect(r.lostSplit).toMatchObject({
      audited: true,
      unaudited: 0,
      samples: 2,
      purgedBeforeMirrored: { count: 1 },
      lostInReplication: { count: 2 },
      lostAtSource: { count: 0 },
    });
    expect(r.lostSplit!.purgedBeforeMirrored.examples[0]).toMatchObject({ topic: 'orders', partition: 0, sourceOffset: 10 });
    const names = r.expectations.map((e) => e.name);
    expect(names).not.toContain('lost');
    expect(
      r.expectations
        .filter((e) => ['lostAtSource', 'purgedBeforeMirrored', 'lostInReplication'].includes(e.name))
        .map((e) => [e.name, e.measured, e.status]),
    ).toEqual([
      ['lostAtSource', 0, 'met'],
      ['purgedBeforeMirrored', 1, 'met'],
      ['lostInReplication', 2, 'failed'],
    ]);
    expect(r.verdict).toBe('fail');
    expect(renderMarkdown(r)).toContain('| purged before mirrored | 1 |');
    expect(renderHtml(r)).toContain('id="lost-split"');
  });

  it('passes a run whose only missing records were purged, when the spec allows the purge', () => {
    const { events } = audited({ ...base, expectations: { purgedBeforeMirrored: { max: 1000 } } }, 9000);
    const r = build(events);
    expect(r.lostSplit).toMatchObject({ purgedBeforeMirrored: { count: 3 }, lostInReplication: { count: 0 } });
    expect(r.expectations.find((e) => e.name === 'purgedBeforeMirrored')).toMatchObject({ measured: 3, status: 'met' });
    expect(r.reasons).toEqual([]);
  });

  it('without the split in the spec, a purge still fails `lost` (the total), and the report says the records were purged', () => {
    const { events } = audited(base, 9000);
    const r = build(events);
    expect(r.expectations.find((e) => e.name === 'lost')).toMatchObject({ measured: 3, status: 'failed' });
    expect(r.warnings.some((w) => w.includes('3 records were purged by source retention'))).toBe(true);
  });

  it('a run without an audit says so: everything missing is lost in replication, unaudited', () => {
    const r = build(syntheticScenario(base));
    expect(r.lostSplit).toMatchObject({
      audited: false,
      samples: 0,
      unaudited: 3,
      lostInReplication: { count: 3 },
      purgedBeforeMirrored: { count: 0 },
    });
    expect(renderMarkdown(r)).toContain('No source audit for this run');
  });

  it('a clean audited run shows nothing missing and no purge', () => {
    const r = build(syntheticScenario({ ...base, anomalies: {} }));
    expect(r.lostSplit).toMatchObject({ lostAtSource: { count: 0 }, purgedBeforeMirrored: { count: 0 }, lostInReplication: { count: 0 } });
    expect(renderHtml(r)).not.toContain('id="lost-split"');
  });
});
