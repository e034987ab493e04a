import { ScenarioView, type ControlEvent } from '@mirrorlab/control';
import { ValidatorState } from '@mirrorlab/validation';
import { buildReport } from './build-report';
import { renderHtml } from './render/render-html';
import { renderMarkdown } from './render/render-markdown';
import { syntheticScenario, type FixtureOptions } from './testing';

const base: FixtureOptions = { durationS: 20, rate: 30, partitions: 2, validators: 1, anomalies: { lost: 3 } };
const head = { v: 1 as const, scenarioId: 'fixture-1', source: 'test' };

function build(events: readonly ControlEvent[]) {
  const folded = new ScenarioView('fixture-1');
  events.forEach((e) => folded.apply(e));
  return buildReport(folded);
}

/** The run's events with `extra` inserted before scenario.drained, and the spec asking for the audit consumer. */
function withAudit(events: ControlEvent[], extra: ControlEvent[], ask = true): ControlEvent[] {
  const out = events.map((e) =>
    e.type === 'scenario.started' && ask ? { ...e, spec: { ...e.spec, audit: { sourceConsumer: true } } } : e,
  );
  const drainedAt = out.findIndex((e) => e.type === 'scenario.drained');
  return [...out.slice(0, drainedAt), ...extra, ...out.slice(drainedAt)];
}

/**
 * The fixture's 3 lost records placed in the source log (orders/0: the first at offset 10, the
 * others at 5000 and 5001). The audit consumer read every acknowledged record except the first lost
 * one, around which it read other records at offsets 9 and 11: that one was never on the source.
 */
function auditedRun() {
  const events = syntheticScenario(base);
  const lost = build(events).lostSplit!.lostInReplication.examples;
  const started = events.find((e) => e.type === 'scenario.started')!;
  const offsets: ControlEvent[] = lost.map((e, i) => ({
    ...head,
    type: 'producer.offsets',
    atMs: started.atMs + 1,
    producerId: e.producerId,
    keys: [{ topic: 'orders', partition: 0, keyEpoch: e.keyEpoch, key: e.key, runs: [[e.seq, 1, i === 0 ? 10 : 4999 + i, 1]] }],
  }));
  const state = new ValidatorState();
  const see = (partition: number, offset: number, producerId: string, keyEpoch: number, key: string, seq: number) =>
    state.observe({ topic: 'orders', partition, offset, producerId, keyEpoch, key, seq, sendTimeUs: 0, arrivalUs: 0 });
  let next = 20_000;
  const isLost = (p: string, k: string, s: number) => lost.some((e) => e.producerId === p && e.key === k && e.seq === s);
  let acked = 0;
  for (const e of events)
    if (e.type === 'producer.progress' && e.final)
      for (const k of e.keys ?? [])
        for (const [lo, hi] of k.acked)
          for (let s = lo; s <= hi; s++) {
            acked++;
            if (!isLost(e.producerId, k.key, s)) see(1, next++, e.producerId, k.keyEpoch, k.key, s);
          }
  see(0, 9, 'other', 0, 'x', 0);
  see(0, 11, 'other', 0, 'x', 1);
  lost.slice(1).forEach((e, i) => see(0, 5000 + i, e.producerId, e.keyEpoch, e.key, e.seq));
  const report: ControlEvent = {
    ...head,
    type: 'validator.report',
    atMs: started.endAtMs + 500,
    source: 'fixture-1-a0',
    validatorId: 'fixture-1-a0',
    final: true,
    state: state.toSnapshot(),
    latency: {},
    partitions: [],
    drained: true,
    sourceAudit: true,
  };
  return { events, lost, acked, extra: [...offsets, report] };
}

describe('report: the source audit consumer', () => {
  it('shows what it read and splits the lost records by it: one never on the source, two read there', () => {
    const { events, lost, acked, extra } = auditedRun();
    const r = build(withAudit(events, extra));
    expect(r.sourceConsumer).toEqual({
      ran: true,
      validators: ['fixture-1-a0'],
      final: true,
      acked,
      ackedRead: acked - 1,
      missing: { count: 1, examples: [{ producerId: lost[0].producerId, keyEpoch: lost[0].keyEpoch, key: lost[0].key, seq: lost[0].seq }] },
      records: acked - 1 + 2,
    });
    expect(r.lostSplit).toMatchObject({
      audited: true,
      lostAtSource: { count: 1 },
      lostInReplication: { count: 2 },
      purgedBeforeMirrored: { count: 0 },
      sourceReads: { readOnSource: 2, notOnSource: 1, notReached: 0 },
    });
    expect(r.lostSplit!.lostAtSource.examples[0]).toMatchObject({ sourceOffset: 10, evidence: 'not-on-source' });
    // The audit consumer's reads stay out of the target's accounting.
    expect(r.anomalies.find((a) => a.class === 'lost')).toMatchObject({ count: 3 });
    expect(renderMarkdown(r)).toContain(`read ${acked - 1} of ${acked} acknowledged records on the source, 1 never read there`);
    expect(renderHtml(r)).toContain('source audit consumer: read past it, not there');
  });

  it('a run that did not ask for it has no sourceConsumer and no evidence, as before', () => {
    const r = build(syntheticScenario(base));
    expect(r.sourceConsumer).toBeNull();
    expect(r.lostSplit && 'sourceReads' in r.lostSplit).toBe(false);
    expect(renderMarkdown(r)).not.toContain('Source audit consumer');
  });

  it('asked for but silent: the report says so and warns', () => {
    const r = build(withAudit(syntheticScenario(base), []));
    expect(r.sourceConsumer).toMatchObject({ ran: false, validators: [] });
    expect(r.warnings.some((w) => w.startsWith('audit.sourceConsumer: the source audit consumer sent no report'))).toBe(true);
    expect(renderMarkdown(r)).toContain('Source audit consumer: asked for (audit.sourceConsumer) but sent no report.');
  });
});
