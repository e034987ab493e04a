import fc from 'fast-check';
import type { ControlEvent } from '@mirrorlab/control';
import { buildReport } from './build-report';
import { renderJson } from './render/render-json';
import { renderHtml } from './render/render-html';
import { renderMarkdown } from './render/render-markdown';
import { ValidatorState } from '@mirrorlab/validation';
import { ScenarioView } from '@mirrorlab/control';
import { syntheticScenario, type FixtureOptions } from './testing';

function report(events: readonly ControlEvent[], scenarioId = 'fixture-1') {
  const folded = new ScenarioView(scenarioId);
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
  expectations: {
    lost: { max: 0 },
    unexpected: { max: 0 },
    duplicates: { max: 0 },
    p99LatencyMs: { max: 60_000 },
    recoverySeconds: { max: 30 },
  },
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
  const rnd = () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32;
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
      ['corrupt', 'met'],
      ['foreign', 'met'],
      ['inconsistentOffsets', 'met'],
      ['duplicates', 'failed'],
      ['p99LatencyMs', 'met'],
      ['recoverySeconds', 'met'],
    ]);
    expect(r.totals).toMatchObject({
      produced: 2400,
      acknowledged: 2400,
      failed: 0,
      indeterminate: 0,
      consumed: 2399,
      consumedDistinct: 2398,
    });
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
    const broken = events.map((e) =>
      e.type === 'validator.report' && e.validatorId === 'v2' && e.final
        ? { ...e, state: { version: 1, firstSeq: 0, maxExamples: 5, partitions: 'nope' } }
        : e,
    );
    const r = report(broken);
    expect(r.verdict).toBe('error');
    expect(r.reasons.some((x) => /^validator v2's report at .* has an invalid checker state: partitions/.test(x))).toBe(true);
  });

  it('says so when a validator sent no final report, unless others took its partitions over', () => {
    const r = report(syntheticScenario({ ...small, withoutFinal: ['v2'] }));
    expect(r.basis.complete).toBe(false);
    expect(r.basis.incompleteReason).toBe('no final report from validator v2: built from its latest progress report');
    expect(r.basis.validators.find((v) => v.id === 'v2')).toMatchObject({ final: false, superseded: false });
    expect(report(events.filter((e) => e.type !== 'scenario.drained')).basis.incompleteReason).toBe(
      'no scenario.drained event: validators may not have read everything',
    );
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

  it('gives latency from the schedule when every validator measured it, and leaves it out with a warning when only some did', () => {
    const withSchedule = (only?: string) =>
      events.map((e) =>
        e.type === 'validator.report' && (only === undefined || e.validatorId === only)
          ? { ...e, latency: { ...(e.latency as object), fromSchedule: (e.latency as { endToEnd: unknown }).endToEnd } }
          : e,
      );
    const all = report(withSchedule());
    expect(all.latency.fromSchedule).toEqual(all.latency.endToEnd);
    expect(renderMarkdown(all)).toContain('| from the schedule |');
    expect(renderHtml(all)).toContain('<td>from the schedule</td>');
    const some = report(withSchedule('v1'));
    expect(some.latency.fromSchedule).toBeNull();
    expect(some.warnings).toContain('latency from the schedule left out: only some validators measured it (some validators predate it)');
    const none = report(events);
    expect(none.latency.fromSchedule).toBeNull();
    expect(none.warnings.filter((w) => w.includes('schedule'))).toEqual([]);
    expect(renderMarkdown(none)).not.toContain('## Latency');
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
      expect.arrayContaining([
        'the heal of fault f1 (packet-loss) was not verified: iptables rule still present',
        'fault f2 (kill-replicator) was never healed',
      ]),
    );
    expect(odd.faults.find((f) => f.faultId === 'f3')).toMatchObject({ oneShot: true, healedAtMs: null });
    expect(odd.faults.find((f) => f.faultId === 'f2')?.recovery).toMatchObject({
      status: 'not-measured',
      reason: 'the fault was never healed',
    });
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
    expect(r.warmup).toEqual({
      startAtMs: start,
      measuringAtMs: start + 16_000,
      seconds: 16,
      firstReadAtMs: start + 8000,
      firstReadSeconds: 8,
      steady: true,
      detail: 'p99 steady for 3 s',
    });
    expect(r.faults[0].recovery.baseline?.fromT).toBe(start / 1000 + 16);
    expect(r.expectations.find((e) => e.name === 'p99LatencyMs')?.status).toBe('met');
    expect(r.verdict).toBe('pass');
    // The warm-up's records are still checked: every one was read.
    expect(r.totals.produced).toBe(3600);
    expect(r.anomalies.filter((a) => a.class === 'lost' || a.class === 'unseen')).toEqual([]);
  });

  it('a warm-up that timed out is shown as not steady and named in the warnings (a finding: the replicator never settled)', () => {
    const r = report(syntheticScenario({ ...cold, warmupS: 16, warmupTimedOut: true }));
    expect(r.warmup).toMatchObject({ seconds: 16, steady: false, detail: 'no steady p99 within the 16 s warm-up timeout' });
    expect(r.warnings.filter((w) => w.startsWith('warm-up:'))).toEqual(['warm-up: no steady p99 within the 16 s warm-up timeout']);
    // Still kept out of the baseline: the measured workload started after it either way.
    expect(r.faults[0].recovery.baseline?.fromT).toBe(start / 1000 + 16);
  });

  it('a steady warm-up gives no warm-up warning', () => {
    const r = report(syntheticScenario({ ...cold, warmupS: 16 }));
    expect(r.warnings.filter((w) => w.startsWith('warm-up'))).toEqual([]);
  });

  it('without a warm-up the cold seconds are part of the baseline and the p99 (the old behaviour)', () => {
    const r = report(syntheticScenario(cold));
    expect(r.warmup).toBeNull();
    expect(r.faults[0].recovery.baseline?.fromT).toBe(start / 1000);
    expect(r.expectations.find((e) => e.name === 'p99LatencyMs')?.status).toBe('failed');
  });
});

describe('buildReport: INCONCLUSIVE when the tester did not deliver (issue 9, issue 11 item 2)', () => {
  const base: FixtureOptions = { durationS: 30, rate: 60, partitions: 3, expectations: {} };

  it('an empty run (nothing produced, nothing consumed) is inconclusive, never pass', () => {
    const r = report(syntheticScenario({ ...base, rate: 0 }));
    expect(r.totals).toMatchObject({ produced: 0, consumed: 0 });
    expect(r.verdict).toBe('inconclusive');
    expect(r.reasons).toEqual(['nothing was produced: the run tested nothing']);
  });

  it('producers that delivered 15% of the requested rate make it inconclusive, saying so', () => {
    const r = report(syntheticScenario({ ...base, requestedRate: 400 }));
    expect(r.verdict).toBe('inconclusive');
    expect(r.reasons).toEqual([
      'the tester delivered 15% of the requested 400 records/s (60 records/s over 30 s outside fault windows): no conclusion about the replicator at that rate',
    ]);
    expect(r.delivery).toEqual({
      checked: true,
      unit: 'records',
      threshold: 0.95,
      seconds: 30,
      requestedPerSecond: 400,
      achievedPerSecond: 60,
      fraction: 0.15,
    });
  });

  it('judges bytes/s workloads in bytes', () => {
    const events = syntheticScenario({ ...base, requestedRate: 400 }).map((e) =>
      e.type === 'scenario.started' ? { ...e, spec: { ...e.spec, workload: { ...e.spec.workload, rate: { bytes: 102_400 } } } } : e,
    );
    expect(report(events).reasons[0]).toBe(
      'the tester delivered 15% of the requested 100 KiB/s (15 KiB/s over 30 s outside fault windows): no conclusion about the replicator at that rate',
    );
  });

  it('a real anomaly still fails; the shortfall is then a warning', () => {
    const r = report(syntheticScenario({ ...base, requestedRate: 400, anomalies: { lost: 2 } }));
    expect(r.verdict).toBe('fail');
    expect(r.reasons).toEqual(['lost: 2 > max 0 (default)']);
    expect(r.warnings).toContain(
      'the tester delivered 15% of the requested 400 records/s (60 records/s over 30 s outside fault windows): no conclusion about the replicator at that rate',
    );
  });

  it('seconds inside a fault window do not count against the tester', () => {
    // Seconds in the fault's impact window are left out of the comparison.
    const r = report(
      syntheticScenario({
        ...base,
        durationS: 40,
        faults: [{ id: 'f1', kind: 'kill-broker', atS: 12, durationS: 6, stall: true }],
        expectations: { lost: { max: 0 } },
      }),
    );
    expect(r.delivery.seconds).toBeLessThan(40);
    expect(r.delivery.fraction).toBe(1);
    expect(r.verdict).toBe('pass');
  });

  it('passes with no inconclusive reason when the tester delivered the requested rate', () => {
    const r = report(syntheticScenario(base));
    expect(r.verdict).toBe('pass');
    expect(r.delivery).toMatchObject({ checked: true, fraction: 1, seconds: 30 });
    expect(r.warnings).toEqual([]);
  });

  it('skips the rate rule with a warning when producers report no rates (older producers)', () => {
    const r = report(syntheticScenario({ ...base, requestedRate: null }));
    expect(r.verdict).toBe('pass');
    expect(r.delivery.checked).toBe(false);
    expect(r.warnings).toEqual([
      'the producers reported no offered vs achieved load (producer.progress.rates): whether the tester delivered the requested rate was not checked',
    ]);
  });

  it('a spec that names only p99LatencyMs still fails on lost and unexpected records (item 1)', () => {
    const r = report(
      syntheticScenario({ ...base, expectations: { p99LatencyMs: { max: 60_000 } }, anomalies: { lost: 2, unexpected: 2 } }),
    );
    expect(r.verdict).toBe('fail');
    expect(r.reasons).toEqual(['lost: 2 > max 0 (default)', 'unexpected: 2 > max 0 (default)']);
  });
});

describe('buildReport: validator states that do not extend each other (item 7)', () => {
  it('merges them as a union and says so in the warnings', () => {
    const events = syntheticScenario({ durationS: 20, rate: 40, partitions: 1, validators: 1, expectations: {} });
    const last = [...events].reverse().find((e) => e.type === 'validator.report')!;
    const topic = Object.values((events[0] as { targetTopics: Record<string, string> }).targetTopics)[0];
    // A second validator read one offset past v1's end, without a handover: neither state extends the other.
    const stray = new ValidatorState();
    stray.observeForeign({ topic, partition: 0, offset: 1_000_000, arrivalUs: 1 });
    const extra = { ...last, validatorId: 'v9', source: 'v9', state: JSON.parse(JSON.stringify(stray.toSnapshot())) } as ControlEvent;
    const r = report([...events, extra]);
    expect(r.warnings.filter((w) => w.includes('do not extend each other'))).toHaveLength(1);
    expect(r.warnings.find((w) => w.includes('do not extend each other'))).toContain(`partition ${topic}/0`);
    // The union keeps v1's reads (nothing lost) and adds the one new offset the stray validator read.
    expect(r.anomalies.map((a) => [a.class, a.count])).toEqual([['foreign', 1]]);
    expect(r.verdict).toBe('fail');
  });

  it('warns about nothing when the validators handed partitions over properly', () => {
    const r = report(syntheticScenario({ durationS: 20, rate: 40, partitions: 3, validators: 3, expectations: {} }));
    expect(r.warnings.some((w) => w.includes('do not extend each other'))).toBe(false);
  });
});
