import type { ControlEvent } from '@mirrorlab/control';
import { attribute, faultWindows, withRecovery } from './fault-windows';
import type { FaultReport, SecondPoint } from './report-schema';
import { ScenarioView } from '@mirrorlab/control';
import { testScenarioSpec } from '@mirrorlab/control/testing';
import { readSpec } from './spec-view';

const fault = (id: string, from: number, heal: number | null, to: number, oneShot = false): FaultReport => ({
  faultId: id,
  kind: 'kill-broker',
  target: null,
  params: {},
  injectedAtMs: from,
  healedAtMs: heal,
  healStartedAtMs: heal,
  backAtMs: heal,
  oneShot,
  verified: heal === null ? null : true,
  healDetail: '',
  recovery: { status: 'recovered', seconds: 0, recoveredAtMs: to, reason: null, baseline: null },
  impactWindow: { fromMs: from, toMs: to },
  attributedExamples: {},
});

const faults = [fault('f1', 10_000, 20_000, 30_000), fault('f2', 25_000, 28_000, 40_000), fault('f3', 50_000, null, 55_000, true)];

describe('attribute', () => {
  it('puts a witnessed time in every impact window that contains it, with its phase', () => {
    expect(attribute({ kind: 'witnessed', atMs: 9_999 }, faults)).toEqual([]);
    expect(attribute({ kind: 'witnessed', atMs: 10_000 }, faults)).toEqual([{ faultId: 'f1', phase: 'during' }]);
    expect(attribute({ kind: 'witnessed', atMs: 20_000 }, faults)).toEqual([{ faultId: 'f1', phase: 'during' }]);
    expect(attribute({ kind: 'witnessed', atMs: 26_000 }, faults)).toEqual([
      { faultId: 'f1', phase: 'recovery' },
      { faultId: 'f2', phase: 'during' },
    ]);
    expect(attribute({ kind: 'witnessed', atMs: 30_001 }, faults)).toEqual([{ faultId: 'f2', phase: 'recovery' }]);
    expect(attribute({ kind: 'witnessed', atMs: 45_000 }, faults)).toEqual([]);
  });

  it('attributes an estimated send interval to the windows it overlaps', () => {
    expect(attribute({ kind: 'estimated', fromMs: 9_000, toMs: 10_000, basis: 'x' }, faults)).toEqual([]);
    expect(attribute({ kind: 'estimated', fromMs: 9_500, toMs: 10_500, basis: 'x' }, faults)).toEqual([{ faultId: 'f1', phase: 'during' }]);
    expect(attribute({ kind: 'estimated', fromMs: 40_000, toMs: 41_000, basis: 'x' }, faults)).toEqual([
      { faultId: 'f2', phase: 'recovery' },
    ]);
  });

  it('counts everything after a one-shot fault, until it recovered, as its aftermath', () => {
    expect(attribute({ kind: 'witnessed', atMs: 50_000 }, faults)).toEqual([{ faultId: 'f3', phase: 'recovery' }]);
    expect(attribute({ kind: 'witnessed', atMs: 55_001 }, faults)).toEqual([]);
  });

  it('cannot place an example without a time', () => {
    expect(attribute({ kind: 'unknown' }, faults)).toEqual([]);
  });
});

describe('faultWindows: one-shot is a matter of duration, not kind (issue 11 item 10)', () => {
  // Two kill-brokers: f0 lasts 10 s but its heal never came; f1 has no duration (one-shot).
  const spec = readSpec(
    testScenarioSpec({
      workload: { rate: { records: 10 }, duration: '2m' },
      faults: [
        { at: 0, kind: 'kill-broker', target: 'source:1', duration: 10_000 },
        { at: 0, kind: 'kill-broker', target: 'source:1' },
      ],
    }),
  );
  const injected = (faultId: string, atMs: number, durationMs?: number | null) =>
    ({
      v: 1,
      type: 'fault.injected',
      scenarioId: 's',
      atMs,
      source: 'r',
      faultId,
      kind: 'kill-broker',
      params: {},
      ...(durationMs !== undefined ? { durationMs } : {}),
    }) as const;
  const fold = (events: ControlEvent[]) => {
    const e = new ScenarioView('s');
    events.forEach((x) => e.apply(x));
    return faultWindows(e, spec);
  };

  it('a 10 s kill-broker never healed keeps its warning beside a one-shot kill-broker, and its anomalies are "during"', () => {
    for (const [f0, f1] of [
      [injected('s/f0', 10_000, 10_000), injected('s/f1', 40_000, null)],
      // An older runner says nothing about durations: the spec's fault at the id's index decides.
      [injected('s/f0', 10_000), injected('s/f1', 40_000)],
    ]) {
      const { faults, warnings } = fold([f0, f1]);
      expect(faults.map((f) => [f.faultId, f.oneShot])).toEqual([
        ['s/f0', false],
        ['s/f1', true],
      ]);
      expect(warnings).toEqual(['fault s/f0 (kill-broker) was never healed']);
      const reports = withRecovery(faults, [], { startAtMs: 0, endAtMs: 60_000 });
      expect(reports[0].recovery).toMatchObject({ status: 'not-measured', reason: 'the fault was never healed' });
      expect(attribute({ kind: 'witnessed', atMs: 25_000 }, reports)).toEqual([{ faultId: 's/f0', phase: 'during' }]);
      expect(attribute({ kind: 'witnessed', atMs: 40_500 }, reports)).toEqual([
        { faultId: 's/f0', phase: 'during' },
        { faultId: 's/f1', phase: 'recovery' },
      ]);
    }
  });

  it('when every fault has a duration and healed, nothing is one-shot and nothing is warned about', () => {
    const healed = {
      v: 1,
      type: 'fault.healed',
      scenarioId: 's',
      atMs: 20_000,
      source: 'r',
      faultId: 's/f0',
      kind: 'kill-broker',
      verified: true,
      detail: '',
    } as const;
    const { faults, warnings } = fold([injected('s/f0', 10_000, 10_000), healed]);
    expect(faults.map((f) => [f.faultId, f.oneShot, f.healedAtMs])).toEqual([['s/f0', false, 20_000]]);
    expect(warnings).toEqual(['the scenario lists 2 faults; 1 was injected']);
  });
});

describe('faultWindows: injection, heal start and back; recovery from the heal start (issue 11 item 11)', () => {
  const spec = readSpec(
    testScenarioSpec({
      workload: { rate: { records: 10 }, duration: '2m' },
      faults: [{ at: 0, kind: 'kill-broker', target: 'source:1', duration: 20_000 }],
    }),
  );
  // 100 records/s at 20 ms p99 throughout, except nothing read from 30 s (injection) to 75 s (broker back).
  const series: SecondPoint[] = Array.from({ length: 120 }, (_, t) => {
    const stalled = t >= 30 && t < 75;
    return {
      t,
      produced: 100,
      acked: 100,
      requested: null,
      achieved: null,
      consumed: stalled ? 0 : 100,
      p50Us: stalled ? null : 10_000,
      p99Us: stalled ? null : 20_000,
      p999Us: null,
      maxUs: null,
      publishDelayP99Us: null,
    };
  });
  const events = (healed: Record<string, unknown>) => {
    const e = new ScenarioView('s');
    e.apply({
      v: 1,
      type: 'fault.injected',
      scenarioId: 's',
      atMs: 30_000,
      source: 'r',
      faultId: 's/f0',
      kind: 'kill-broker',
      params: {},
      durationMs: 20_000,
    });
    e.apply({
      v: 1,
      type: 'fault.healed',
      scenarioId: 's',
      atMs: 75_000,
      source: 'r',
      faultId: 's/f0',
      kind: 'kill-broker',
      verified: true,
      detail: '',
      ...healed,
    } as ControlEvent);
    return faultWindows(e, spec).faults;
  };

  it('a 20 s kill whose broker served 25 s after the heal began: three moments, recovery 25 s from the heal start', () => {
    const faults = events({ healStartedAtMs: 50_000, backAtMs: 75_000 });
    expect(faults[0]).toMatchObject({ injectedAtMs: 30_000, healStartedAtMs: 50_000, backAtMs: 75_000, healedAtMs: 75_000 });
    const [r] = withRecovery(faults, series, { startAtMs: 0, endAtMs: 120_000 });
    expect(r.recovery).toMatchObject({ status: 'recovered', seconds: 25, recoveredAtMs: 75_000 });
  });

  it('an older runner (no heal start) and an unverified heal: heal start is the heal, nothing is back', () => {
    const old = events({});
    expect(old[0]).toMatchObject({ healStartedAtMs: 75_000, backAtMs: 75_000, healedAtMs: 75_000 });
    expect(withRecovery(old, series, { startAtMs: 0, endAtMs: 120_000 })[0].recovery).toMatchObject({ status: 'recovered', seconds: 0 });
    const unverified = events({ verified: false, healStartedAtMs: 50_000 });
    expect(unverified[0]).toMatchObject({ healStartedAtMs: 50_000, backAtMs: null, healedAtMs: 75_000 });
  });
});
