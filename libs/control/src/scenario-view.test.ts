import fc from 'fast-check';
import { LatencyHistograms, ValidatorState } from '@mirrorlab/validation';
import type { ControlEvent, ControlEventOf } from './control-events';
import { ScenarioView } from './scenario-view';
import { testScenarioSpec } from './testing/scenario-spec-fixture';

const base = { v: 1 as const, scenarioId: 's1', source: 'x' };

const started = (atMs: number, endAtMs = 1000): ControlEvent => ({
  ...base,
  type: 'scenario.started',
  atMs,
  spec: testScenarioSpec(),
  targetTopics: {},
  startAtMs: atMs,
  endAtMs,
});

const keyReport = (acked: number) => [
  { topic: 't', keyEpoch: 0, key: 'k', acked: acked > 0 ? [[0, acked - 1] as [number, number]] : [], failed: [], indeterminate: [] },
];

const progress = (
  producerId: string,
  atMs: number,
  opts: { windows?: Array<[number, number, number]>; final?: boolean; acked?: number; keys?: boolean } = {},
): ControlEvent => ({
  ...base,
  type: 'producer.progress',
  atMs,
  producerId,
  final: opts.final ?? false,
  counts: { sent: opts.acked ?? 1, acked: opts.acked ?? 1, failed: 0, indeterminate: 0, bytesSent: 0, achievedRate: 0, targetRate: 0 },
  windows: opts.windows ?? [],
  rates: [],
  ...(opts.keys || opts.final ? { keys: keyReport(opts.acked ?? 1) } : {}),
});

function latencyAt(seconds: number[]): unknown {
  const h = new LatencyHistograms();
  for (const s of seconds) h.record(s * 1e6, 1000);
  return { endToEnd: h.toSnapshot() };
}

/** A validator state that read seqs 0..offsets-1 of key k at offsets 0..offsets-1 of t/0. */
function stateAt(offsets: number): unknown {
  const s = new ValidatorState();
  for (let i = 0; i < offsets; i++)
    s.observe({ topic: 't', partition: 0, offset: i, producerId: 'p', keyEpoch: 0, key: 'k', seq: i, sendTimeUs: 0, arrivalUs: 0 });
  return s.toSnapshot();
}

const report = (validatorId: string, atMs: number, opts: Partial<ControlEventOf<'validator.report'>> = {}): ControlEvent => ({
  ...base,
  type: 'validator.report',
  atMs,
  validatorId,
  final: false,
  state: new ValidatorState().toSnapshot(),
  latency: latencyAt([]),
  partitions: [],
  drained: false,
  ...opts,
});

const fold = (events: ControlEvent[], detail?: ConstructorParameters<typeof ScenarioView>[1]) => {
  const v = new ScenarioView('s1', detail);
  events.forEach((e) => v.apply(e));
  return v;
};

describe('ScenarioView: lifecycle', () => {
  it("folds only its own scenario's events", () => {
    const s = new ScenarioView('s1');
    expect(s.apply({ ...base, scenarioId: 'other', type: 'scenario.stopping', atMs: 1, reason: 'r' })).toBe(false);
    expect(s.apply({ ...base, type: 'scenario.stopping', atMs: 3, reason: 'r' })).toBe(true);
    expect([s.size, s.asOfMs, s.stopping?.atMs, s.isStopping()]).toEqual([1, 3, 3, true]);
  });

  it('keeps the first scenario.started (the rule of the report and the provisioner; the run coordinator kept the last)', () => {
    const s = fold([started(10, 100), started(20, 200)]);
    expect([s.started?.atMs, s.started?.endAtMs]).toEqual([10, 100]);
  });

  it('is finished from the first scenario.drained or report.ready, and keeps the latest report.ready', () => {
    const ready = (atMs: number, verdict: 'pass' | 'fail'): ControlEvent => ({
      ...base,
      type: 'report.ready',
      atMs,
      verdict,
      reasons: [],
      location: '/r',
    });
    const s = fold([started(0), ready(50, 'fail')]);
    expect([s.isFinished(), s.finishedAtMs]).toEqual([true, 50]);
    s.apply({ ...base, type: 'scenario.drained', atMs: 60, drained: true, waitedMs: 1 });
    s.apply(ready(70, 'pass'));
    expect([s.finishedAtMs, s.drained?.atMs, s.report?.verdict]).toEqual([50, 60, 'pass']);
  });
});

describe('ScenarioView: producers', () => {
  it("adds up a producer's per-second windows over its progress events and keeps its latest counts", () => {
    const s = fold([
      progress('p1', 10, { windows: [[0, 5, 4]] }),
      progress('p1', 20, {
        windows: [
          [1000, 6, 6],
          [0, 1, 2],
        ],
      }),
      progress('p1', 30, { final: true, acked: 0 }),
    ]);
    const p = s.producers.get('p1')!;
    expect([...p.windows.entries()]).toEqual([
      [0, { sent: 6, acked: 6 }],
      [1000, { sent: 6, acked: 6 }],
    ]);
    expect([p.reports, p.final, p.keys]).toEqual([3, true, keyReport(0)]);
    expect(s.producersFinal()).toBe(true);
  });

  it('never lets a non-final progress after the final report replace it (the report kept the later counts; the provisioner did not)', () => {
    const s = fold([progress('p1', 10, { final: true, acked: 9 }), progress('p1', 20, { acked: 5, keys: true })]);
    const p = s.producers.get('p1')!;
    expect([p.final, p.counts.acked, p.reports]).toEqual([true, 9, 2]);
    expect(s.producerReports()).toEqual([{ producerId: 'p1', scenarioId: 's1', keys: keyReport(9) }]);
  });

  it('keeps the latest key report of each producer, and no series below history detail', () => {
    const s = fold([progress('p', 5, { acked: 5, keys: true, windows: [[0, 5, 5]] }), progress('p', 9, { acked: 9, keys: true })], 'state');
    expect(s.producerReports()).toEqual([{ producerId: 'p', scenarioId: 's1', keys: keyReport(9) }]);
    expect([s.producers.get('p')!.windows.size, s.producersFinal()]).toEqual([0, false]);
  });
});

describe('ScenarioView: validators by incarnation', () => {
  it('tells a restarted validator (same id, fresh histograms) from one that keeps reporting', () => {
    const s = fold([report('v1', 10, { latency: latencyAt([100, 101]) }), report('v1', 20, { latency: latencyAt([100, 101, 102]) })]);
    expect(s.validators.get('v1')!.incarnations).toHaveLength(1);
    s.apply(report('v1', 30, { latency: latencyAt([105]) }));
    expect(s.validators.get('v1')!.incarnations.map((i) => i.latest.atMs)).toEqual([20, 30]);
  });

  it('takes a restart from the incarnation a validator states, even one its histograms cannot show', () => {
    // Restarted within the same second: the new process's windows look like a continuation, so inferring
    // restarts from the windows (the rule before) kept only the second run's report and lost the first run's reads.
    const s = fold([
      report('v1', 10, { incarnation: 'a', latency: latencyAt([100]) }),
      report('v1', 20, { incarnation: 'b', latency: latencyAt([100]) }),
      report('v1', 30, { incarnation: 'b', latency: latencyAt([100, 101]) }),
    ]);
    expect(s.validators.get('v1')!.incarnations.map((i) => [i.id, i.latest.atMs])).toEqual([
      ['a', 10],
      ['b', 30],
    ]);
    expect(s.validatorReports.counted().map((r) => r.atMs)).toEqual([10, 30]);
    expect(s.validators.get('v1')!.reports).toBe(3);
    expect(s.latestValidatorReports().map((r) => r.atMs)).toEqual([30]);
  });

  it("takes a validator's latest report by its time, not by arrival (the provisioner took the last to arrive)", () => {
    const s = fold([report('v1', 20, { incarnation: 'a', drained: true }), report('v1', 10, { incarnation: 'a' })]);
    expect(s.latestValidatorReports().map((r) => [r.atMs, r.drained])).toEqual([[20, true]]);
  });

  it('is complete once drained and every validator that reported sent a final report or was taken over', () => {
    const part = (partition: number, nextOffset: number) => ({ topic: 't', partition, nextOffset, highWatermark: nextOffset });
    const s = fold([report('v1', 10, { partitions: [part(0, 50), part(1, 40)] }), report('v2', 11, { partitions: [part(2, 30)] })]);
    expect(s.readiness()).toEqual({ drained: false, awaitingFinal: ['v1', 'v2'], complete: false });
    s.apply({ ...base, type: 'scenario.drained', atMs: 20, drained: true, waitedMs: 5 });
    s.apply(report('v2', 21, { final: true, partitions: [part(0, 60), part(1, 39), part(2, 30)] }));
    expect(s.readiness()).toEqual({ drained: true, awaitingFinal: ['v1'], complete: false });
    s.apply(report('v2', 22, { final: true, partitions: [part(0, 60), part(1, 45), part(2, 30)] }));
    expect(s.readiness()).toEqual({ drained: true, awaitingFinal: [], complete: true });
    expect([s.isSuperseded('v1'), s.isSuperseded('v2')]).toEqual([true, false]);
  });
});

describe('ScenarioView: the combined state and accounting', () => {
  it('hands over the most advanced published state of a partition', () => {
    const s = fold([report('a', 1, { state: stateAt(3) }), report('b', 2, { state: stateAt(7) }), report('a', 0, { state: stateAt(9) })]);
    // a's report at 0 is older than its report at 1: superseded, ignored.
    expect(s.latestPartition('t', 0)?.partitions[0].nextOffset).toBe(7);
    expect(s.latestPartition('t', 1)).toBeUndefined();
    expect(new ScenarioView('s1').latestPartition('t', 0)).toBeUndefined();
  });

  it("counts every incarnation's reads: a restarted validator's first run is not lost", () => {
    // Incarnation a read offsets 0..4 of t/0; incarnation b, restarted, owns t/1 only. Both count.
    const onT1 = new ValidatorState();
    onT1.observe({ topic: 't', partition: 1, offset: 0, producerId: 'p', keyEpoch: 0, key: 'k', seq: 5, sendTimeUs: 0, arrivalUs: 0 });
    const s = fold([
      progress('p', 1, { final: true, acked: 6 }),
      report('v1', 10, { incarnation: 'a', state: stateAt(5) }),
      report('v1', 20, { incarnation: 'b', state: onT1.toSnapshot() }),
    ]);
    const acc = s.accounting()!;
    expect([acc.totals.seenDistinct, acc.lost.count, acc.unseen.count]).toEqual([6, 0, 0]);
  });

  it('accounts records no producer reported yet as pending until every producer is final, then as unexpected', () => {
    const s = fold([progress('p', 1, { acked: 2, keys: true }), report('v1', 10, { state: stateAt(4) })]);
    expect([s.accounting()!.pending.count, s.accounting()!.unexpected.count]).toEqual([2, 0]);
    expect(s.accounting({ phase: 'final' })!.unexpected.count).toBe(2);
    s.apply(progress('p', 20, { final: true, acked: 4 }));
    const acc = s.accounting()!;
    expect([acc.pending.count, acc.unexpected.count, acc.lost.count, acc.totals.seenDistinct]).toEqual([0, 0, 0, 4]);
  });

  it('has no accounting before a validator reports, and names an unreadable state', () => {
    expect(fold([progress('p', 1, { final: true })]).accounting()).toBeUndefined();
    const bad = fold([report('v1', 1, { state: { nonsense: true } })]);
    expect(() => bad.combined()).toThrow();
    expect(() => bad.accounting()).toThrow();
  });
});

describe('ScenarioView: faults', () => {
  it('lists faults injected and not healed', () => {
    const injected = (faultId: string, atMs: number): ControlEvent => ({
      ...base,
      type: 'fault.injected',
      atMs,
      faultId,
      kind: 'kill',
      params: {},
    });
    const healed = (faultId: string, atMs: number): ControlEvent => ({
      ...base,
      type: 'fault.healed',
      atMs,
      faultId,
      kind: 'kill',
      verified: true,
      detail: '',
    });
    const s = fold([injected('f1', 1), injected('f2', 2), healed('f1', 3), healed('f3', 4)]);
    expect(s.unhealedFaults()).toEqual(['f2']);
    expect([...s.faults.values()].filter((f) => f.healed).map((f) => f.faultId)).toEqual(['f1', 'f3']);
  });

  it('does not wait for the heal of a one-shot fault (announced without a duration), which never comes', () => {
    const announced = (faultId: string, durationMs: number | null): ControlEvent => ({
      ...base,
      type: 'fault.injected',
      atMs: 1,
      faultId,
      kind: 'add-partitions',
      params: {},
      durationMs,
    });
    expect(fold([announced('once', null), announced('lasting', 5000)]).unhealedFaults()).toEqual(['lasting']);
  });
});

describe('ScenarioView: one fold', () => {
  // A pool of events of every kind the view derives state from; runs draw from it in any order.
  const pool: ControlEvent[] = [
    started(0),
    { ...base, type: 'scenario.measuring', atMs: 5, measuringAtMs: 5, endAtMs: 900, firstReadAtMs: 4, steady: true, detail: '' },
    { ...base, type: 'scenario.stopping', atMs: 900, reason: 'end' },
    { ...base, type: 'scenario.drained', atMs: 950, drained: true, waitedMs: 50 },
    { ...base, type: 'report.ready', atMs: 990, verdict: 'pass', reasons: [], location: '/r' },
    progress('p', 100, { acked: 3, keys: true, windows: [[0, 3, 3]] }),
    progress('p', 200, { acked: 6, keys: true, windows: [[1000, 3, 3]] }),
    progress('p', 300, { final: true, acked: 8 }),
    progress('q', 150, { acked: 1, keys: true }),
    report('v1', 110, { incarnation: 'a', state: stateAt(2) }),
    report('v1', 210, { incarnation: 'a', state: stateAt(5), final: true, drained: true }),
    report('v1', 220, { incarnation: 'b', state: stateAt(1) }),
    report('v2', 230, { state: stateAt(8), latency: latencyAt([1]) }),
    report('v2', 240, { state: stateAt(3), latency: latencyAt([2]) }),
    { ...base, type: 'fault.injected', atMs: 120, faultId: 'f', kind: 'kill', params: {} },
    { ...base, type: 'fault.healed', atMs: 130, faultId: 'f', kind: 'kill', verified: true, detail: '' },
  ];

  /** Everything derived from the view, as plain data. */
  const summary = (s: ScenarioView) => {
    let accounting: unknown;
    try {
      const acc = s.accounting();
      accounting = acc && [acc.totals.seenDistinct, acc.lost.count, acc.unseen.count, acc.pending.count, acc.unexpected.count];
    } catch (err) {
      accounting = String(err);
    }
    return {
      lifecycle: [s.started?.atMs, s.measuring?.atMs, s.stopping?.atMs, s.drained?.atMs, s.report?.atMs, s.finishedAtMs],
      size: [s.size, s.asOfMs, s.version],
      producers: [...s.producers.values()].map((p) => [p.producerId, p.reports, p.final, p.counts.acked, [...p.windows]]),
      producerReports: s.producerReports(),
      validators: [...s.validators.values()].map((v) => [v.validatorId, v.reports, v.incarnations.length]),
      counted: s.validatorReports.counted().map((r) => `${r.validatorId}@${r.atMs}`),
      readiness: s.readiness(),
      handover: s.latestPartition('t', 0)?.partitions[0].nextOffset,
      accounting,
      faults: s.unhealedFaults(),
      progress: s.progress.length,
    };
  };

  it('folding the events in one pass equals folding them in chunks, reading the view between chunks', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(pool.length - 1), { maxLength: 30 }), fc.array(fc.nat(30), { maxLength: 5 }), (picks, cuts) => {
        const events = picks.map((i) => pool[i]);
        const onePass = fold(events);
        const chunked = new ScenarioView('s1');
        const bounds = [...new Set([0, ...cuts.map((c) => Math.min(c, events.length)), events.length])].sort((a, b) => a - b);
        for (let i = 1; i < bounds.length; i++) {
          for (const e of events.slice(bounds[i - 1], bounds[i])) chunked.apply(e);
          summary(chunked); // reading caches derived state: it must not go stale
        }
        expect(summary(chunked)).toEqual(summary(onePass));
      }),
      { numRuns: 200 },
    );
  });

  it('keeps the same state at every detail level, less of it below history', () => {
    const all = fold(pool);
    const state = fold(pool, 'state');
    const lifecycle = fold(pool, 'lifecycle');
    const { producers: _p, progress: _g, ...rest } = summary(all);
    const { producers: _q, progress: noProgress, ...stateRest } = summary(state);
    expect(stateRest).toEqual(rest);
    expect(noProgress).toBe(0);
    expect(summary(lifecycle).lifecycle).toEqual(summary(all).lifecycle);
    expect([lifecycle.producers.size, lifecycle.validators.size, lifecycle.faults.size]).toEqual([0, 0, 0]);
  });
});

describe('ScenarioView: clocks', () => {
  it('bounds each producer and validator clock from append times (below) and its read delay (above)', () => {
    const s = new ScenarioView(base.scenarioId);
    // Stamped 1,000 ms, appended at 990 ms by the broker: the clock is at least 10 ms ahead; it read an append 25 ms after it.
    s.apply({ ...progress('p', 1000, {}), source: 'producer-0', controlReadDelayMs: 25 }, 990);
    s.apply({ ...report('v1', 1000, {}), source: 'validator-0' }, 1003);
    expect([...s.clocks].map(([source, c]) => [source, c.role, c.bounds.bound])).toEqual([
      ['producer-0', 'producer', { lowMs: 10, highMs: 25 }],
      ['validator-0', 'validator', { lowMs: -3, highMs: null }],
    ]);
  });

  it('keeps no clocks without append times or read delays, nor for other events', () => {
    const s = new ScenarioView(base.scenarioId);
    s.apply(progress('p', 1000, {}));
    s.apply({ ...base, type: 'scenario.stopping', atMs: 1001 } as ControlEvent, 1000);
    expect([...s.clocks.values()].map((c) => [c.role, c.bounds.bound])).toEqual([['producer', { lowMs: null, highMs: null }]]);
  });
});
