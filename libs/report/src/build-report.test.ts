import fc from 'fast-check';
import type { ControlEvent } from '@mirrorlab/protocol';
import { buildReport } from './build-report';
import { renderJson } from './render/render-json';
import { ScenarioEvents } from './scenario-events';
import { syntheticScenario, type FixtureOptions } from './testing';

function report(events: readonly ControlEvent[], scenarioId = 'fixture-1') {
  const folded = new ScenarioEvents(scenarioId);
  events.forEach((e) => folded.apply(e));
  return buildReport(folded);
}

const small: FixtureOptions = {
  durationS: 40,
  rate: 60,
  partitions: 3,
  validators: 3,
  faults: [
    { id: 'f1', kind: 'kill-broker', target: 'source:1', atS: 12, durationS: 6, stall: true },
    { id: 'f2', kind: 'pause-replicator', target: 'replicator', atS: 27, durationS: 4, stall: true },
  ],
  anomalies: { lost: 2, duplicate: 1, reorder: 1, redelivery: 2 },
  expectations: { lost: { max: 0 }, unexpected: { max: 0 }, duplicates: { max: 0 }, p99LatencyMs: { max: 60_000 }, recoverySeconds: { max: 30 } },
};
const events = syntheticScenario(small);

/**
 * Reorders events the way a topic could have delivered them: each publisher's
 * own events stay in order (one producer per instance, keyed by scenario), but
 * producers' and validators' streams interleave differently.
 */
function interleave(list: readonly ControlEvent[], seed: number): ControlEvent[] {
  const streams = new Map<string, ControlEvent[]>();
  for (const e of list) {
    const who = e.type === 'validator.report' ? e.validatorId : e.type === 'producer.progress' ? e.producerId : 'coordination';
    streams.set(who, [...(streams.get(who) ?? []), e]);
  }
  const coordination = streams.get('coordination')!;
  streams.delete('coordination');
  let x = seed >>> 0;
  const rnd = () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const queues = [...streams.values()].map((s) => [...s]);
  const out: ControlEvent[] = [...coordination.filter((e) => e.type === 'scenario.started')];
  while (queues.some((q) => q.length > 0)) {
    const live = queues.filter((q) => q.length > 0);
    out.push(live[Math.floor(rnd() * live.length)].shift()!);
  }
  return [...out, ...coordination.filter((e) => e.type !== 'scenario.started')];
}

describe('buildReport', () => {
  it('is deterministic: the same events give byte-identical JSON, folded afresh', () => {
    expect(renderJson(report(events))).toBe(renderJson(report(events)));
  });

  it('property: how the validators and producers interleaved on the topic does not change the report', () => {
    const reference = renderJson(report(events));
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        expect(renderJson(report(interleave(events, seed)))).toBe(reference);
      }),
      { numRuns: 12 },
    );
  });

  it('fails with each failed expectation saying what was expected and what was measured', () => {
    const r = report(events);
    expect(r.verdict).toBe('fail');
    expect(r.reasons).toEqual(['lost: 2 > max 0', 'duplicates: 1 > max 0']);
    expect(r.expectations.map((e) => [e.name, e.status])).toEqual([
      ['lost', 'failed'],
      ['unexpected', 'met'],
      ['duplicates', 'failed'],
      ['p99LatencyMs', 'met'],
      ['recoverySeconds', 'met'],
    ]);
    expect(r.totals).toMatchObject({ produced: 2400, acknowledged: 2400, failed: 0, indeterminate: 0, consumed: 2399, consumedDistinct: 2398 });
    expect(r.basis).toMatchObject({ complete: true, incompleteReason: null });
    expect(r.basis.validators.map((v) => v.id)).toEqual(['v1', 'v2', 'v3']);
  });

  it('passes a clean run, and counts unseen records against `lost`', () => {
    expect(report(syntheticScenario({ ...small, anomalies: {} }))).toMatchObject({ verdict: 'pass', reasons: [], anomalies: [] });
    const unseen = report(syntheticScenario({ ...small, anomalies: { unseen: 1 } }));
    expect(unseen.reasons).toEqual(['lost: 1 > max 0 (0 lost + 1 unseen after the drain)']);
  });

  it('is an error, with the reason, without validator reports or without producer reports', () => {
    const noValidators = report(events.filter((e) => e.type !== 'validator.report'));
    expect(noValidators.verdict).toBe('error');
    expect(noValidators.reasons[0]).toBe('no validator reports: nothing was checked on the target cluster');
    expect(noValidators.series.length).toBeGreaterThan(0);
    const noProducers = report(events.filter((e) => e.type !== 'producer.progress'));
    expect(noProducers.verdict).toBe('error');
    expect(noProducers.reasons[0]).toBe('no producer reports: nothing tells what the source cluster acknowledged');
    expect(report(events.filter((e) => e.type !== 'scenario.started')).reasons[0]).toMatch(/^no scenario.started event/);
  });

  it('is an error naming the validator whose state does not decode', () => {
    const broken = events.map((e) => (e.type === 'validator.report' && e.validatorId === 'v2' && e.final ? { ...e, state: { version: 1, firstSeq: 0, maxExamples: 5, partitions: 'nope' } } : e));
    const r = report(broken);
    expect(r.verdict).toBe('error');
    expect(r.reasons.some((x) => /^validator v2's report at .* has an invalid checker state: partitions/.test(x))).toBe(true);
  });

  it('says so when a validator sent no final report, unless others took its partitions over', () => {
    const r = report(syntheticScenario({ ...small, withoutFinal: ['v2'] }));
    expect(r.basis.complete).toBe(false);
    expect(r.basis.incompleteReason).toBe('no final report from validator v2: built from its latest progress report');
    expect(r.basis.validators.find((v) => v.id === 'v2')).toMatchObject({ final: false, superseded: false });
    expect(report(events.filter((e) => e.type !== 'scenario.drained')).basis.incompleteReason).toBe('no scenario.drained event: validators may not have read everything');
  });

  it('builds the per-second series, latency percentiles and lag from the merged validator reports', () => {
    const r = report(events);
    expect(r.series[0].t).toBe(Math.floor(r.scenario.startAtMs! / 1000));
    expect(r.series.reduce((s, p) => s + p.produced, 0)).toBe(r.totals.produced);
    // Latency windows count first reads: every valid target record once (re-reads excluded).
    expect(r.series.reduce((s, p) => s + p.consumed, 0)).toBe(r.totals.consumed);
    expect(r.latency.endToEnd!.count).toBe(r.totals.consumed);
    const lat = r.latency.endToEnd!;
    expect(lat.p50Us).toBeLessThanOrEqual(lat.p99Us);
    expect(lat.p99Us).toBeLessThanOrEqual(lat.maxUs);
    expect(r.replicationLag.length).toBeGreaterThan(0);
    expect(Math.max(...r.replicationLag.map((p) => p.records))).toBeGreaterThan(0);
    expect(r.replicationLag[r.replicationLag.length - 1].records).toBe(0);
  });

  it('lists fault windows with their recovery and warns about unhealed and unverified faults', () => {
    const r = report(events);
    expect(r.faults.map((f) => [f.faultId, f.kind, f.healedAtMs! - f.injectedAtMs, f.recovery.status])).toEqual([
      ['f1', 'kill-broker', 6000, 'recovered'],
      ['f2', 'pause-replicator', 4000, 'recovered'],
    ]);
    const odd = report(
      syntheticScenario({
        ...small,
        faults: [
          { id: 'f1', kind: 'packet-loss', atS: 12, durationS: 6, verified: false },
          { id: 'f2', kind: 'kill-replicator', atS: 20, durationS: 5, healed: false },
          { id: 'f3', kind: 'add-topic', atS: 25 },
        ],
      }),
    );
    expect(odd.warnings).toEqual(
      expect.arrayContaining(['the heal of fault f1 (packet-loss) was not verified: iptables rule still present', 'fault f2 (kill-replicator) was never healed']),
    );
    expect(odd.faults.find((f) => f.faultId === 'f3')).toMatchObject({ oneShot: true, healedAtMs: null });
    expect(odd.faults.find((f) => f.faultId === 'f2')?.recovery).toMatchObject({ status: 'not-measured', reason: 'the fault was never healed' });
  });

  it('never reads the wall clock: its as-of time is the last event time', () => {
    const r = report(events);
    expect(r.basis.asOfMs).toBe(Math.max(...events.map((e) => e.atMs)));
    expect(r.basis.events).toBe(events.length);
  });
});

describe('warm-up (issue 11 item 13)', () => {
  // The replicator copied nothing for the first 8 s and caught up by 14 s; the provisioner started measuring at 16 s.
  const cold: FixtureOptions = {
    durationS: 60,
    rate: 60,
    partitions: 3,
    validators: 1,
    coldS: 8,
    faults: [{ id: 'f1', kind: 'kill-broker', target: 'source:1', atS: 25, durationS: 6 }],
    expectations: { lost: { max: 0 }, unexpected: { max: 0 }, p99LatencyMs: { max: 2000 } },
  };
  const start = Date.UTC(2026, 0, 15, 9, 30, 0);

  it('shows the warm-up and keeps it out of the recovery baseline and the latency expectation', () => {
    const r = report(syntheticScenario({ ...cold, warmupS: 16 }));
    expect(r.warmup).toEqual({ startAtMs: start, measuringAtMs: start + 16_000, seconds: 16, firstReadAtMs: start + 8000, firstReadSeconds: 8, steady: true, detail: 'p99 steady for 3 s' });
    expect(r.faults[0].recovery.baseline?.fromT).toBe(start / 1000 + 16);
    expect(r.expectations.find((e) => e.name === 'p99LatencyMs')?.status).toBe('met');
    expect(r.verdict).toBe('pass');
    // The warm-up's records are still checked: every one was read.
    expect(r.totals.produced).toBe(3600);
    expect(r.anomalies.filter((a) => a.class === 'lost' || a.class === 'unseen')).toEqual([]);
  });

  it('without a warm-up the cold seconds are part of the baseline and the p99 (the old behaviour)', () => {
    const r = report(syntheticScenario(cold));
    expect(r.warmup).toBeNull();
    expect(r.faults[0].recovery.baseline?.fromT).toBe(start / 1000);
    expect(r.expectations.find((e) => e.name === 'p99LatencyMs')?.status).toBe('failed');
  });
});
