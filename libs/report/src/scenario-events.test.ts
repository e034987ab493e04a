import type { ControlEvent, ControlEventOf } from '@mirrorlab/control';
import { LatencyHistograms, ValidatorState } from '@mirrorlab/validation';
import { ScenarioEvents } from './scenario-events';

const base = { v: 1 as const, scenarioId: 's1', source: 'x' };
const progress = (producerId: string, atMs: number, windows: Array<[number, number, number]>, final = false): ControlEvent => ({
  ...base,
  type: 'producer.progress',
  atMs,
  producerId,
  final,
  counts: { sent: 1, acked: 1, failed: 0, indeterminate: 0, bytesSent: 0, achievedRate: 0, targetRate: 0 },
  windows,
  rates: [],
  ...(final ? { keys: [] } : {}),
});

function latencyAt(seconds: number[]): unknown {
  const h = new LatencyHistograms();
  for (const s of seconds) h.record(s * 1e6, 1000);
  return { endToEnd: h.toSnapshot() };
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

describe('ScenarioEvents', () => {
  it("folds only its own scenario's events, never report.ready", () => {
    const s = new ScenarioEvents('s1');
    expect(s.apply({ ...base, scenarioId: 'other', type: 'scenario.stopping', atMs: 1, reason: 'r' })).toBe(false);
    expect(s.apply({ ...base, type: 'report.ready', atMs: 2, verdict: 'pass', reasons: [], location: '/r' })).toBe(false);
    expect(s.apply({ ...base, type: 'scenario.stopping', atMs: 3, reason: 'r' })).toBe(true);
    expect([s.size, s.asOfMs, s.stopping?.atMs]).toEqual([1, 3, 3]);
  });

  it("adds up a producer's per-second windows over its progress events and keeps its latest counts", () => {
    const s = new ScenarioEvents('s1');
    [
      progress('p1', 10, [[0, 5, 4]]),
      progress('p1', 20, [
        [1000, 6, 6],
        [0, 1, 2],
      ]),
      progress('p1', 30, [], true),
    ].forEach((e) => s.apply(e));
    const p = s.producers.get('p1')!;
    expect([...p.windows.entries()]).toEqual([
      [0, { sent: 6, acked: 6 }],
      [1000, { sent: 6, acked: 6 }],
    ]);
    expect([p.reports, p.final, p.keys]).toEqual([3, true, []]);
  });

  it('tells a restarted validator (same id, fresh histograms) from one that keeps reporting', () => {
    const s = new ScenarioEvents('s1');
    s.apply(report('v1', 10, { latency: latencyAt([100, 101]) }));
    s.apply(report('v1', 20, { latency: latencyAt([100, 101, 102]) }));
    expect(s.validators.get('v1')!.incarnations).toHaveLength(1);
    s.apply(report('v1', 30, { latency: latencyAt([105]) }));
    expect(s.validators.get('v1')!.incarnations.map((i) => i.latest.atMs)).toEqual([20, 30]);
  });

  it('takes a restart from the incarnation a validator states, even one its histograms cannot show', () => {
    const s = new ScenarioEvents('s1');
    // Restarted within the same second: the new process's windows look like a continuation, so inferring
    // restarts from the windows (the rule before) kept only the second run's report and lost the first run's reads.
    s.apply(report('v1', 10, { incarnation: 'a', latency: latencyAt([100]) }));
    s.apply(report('v1', 20, { incarnation: 'b', latency: latencyAt([100]) }));
    s.apply(report('v1', 30, { incarnation: 'b', latency: latencyAt([100, 101]) }));
    expect(s.validators.get('v1')!.incarnations.map((i) => [i.id, i.latest.atMs])).toEqual([
      ['a', 10],
      ['b', 30],
    ]);
    expect(s.validatorReports.counted().map((r) => r.atMs)).toEqual([10, 30]);
    expect(s.validators.get('v1')!.reports).toBe(3);
  });

  it('is complete once drained and every validator that reported sent a final report or was taken over', () => {
    const s = new ScenarioEvents('s1');
    const part = (partition: number, nextOffset: number) => ({ topic: 't', partition, nextOffset, highWatermark: nextOffset });
    s.apply(report('v1', 10, { partitions: [part(0, 50), part(1, 40)] }));
    s.apply(report('v2', 11, { partitions: [part(2, 30)] }));
    expect(s.readiness()).toEqual({ drained: false, awaitingFinal: ['v1', 'v2'], complete: false });
    s.apply({ ...base, type: 'scenario.drained', atMs: 20, drained: true, waitedMs: 5 });
    s.apply(report('v2', 21, { final: true, partitions: [part(0, 60), part(1, 39), part(2, 30)] }));
    expect(s.readiness()).toEqual({ drained: true, awaitingFinal: ['v1'], complete: false });
    s.apply(report('v2', 22, { final: true, partitions: [part(0, 60), part(1, 45), part(2, 30)] }));
    expect(s.readiness()).toEqual({ drained: true, awaitingFinal: [], complete: true });
    expect(s.isSuperseded('v1')).toBe(true);
  });
});
