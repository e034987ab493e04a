import { checkExpectations, decideVerdict, type Measured } from './expectations';
import type { FaultReport, Recovery } from './report-schema';

const clean: Measured = { lost: 0, unseen: 0, unexpected: 0, duplicates: 0, corrupt: 0, p99Us: 120_000, faults: [] };
const fault = (id: string, recovery: Partial<Recovery>): FaultReport => ({
  faultId: id,
  kind: 'kill-broker',
  target: 'source:1',
  params: {},
  injectedAtMs: 0,
  healedAtMs: 1000,
  healStartedAtMs: 1000,
  backAtMs: 1000,
  oneShot: false,
  verified: true,
  healDetail: '',
  recovery: { status: 'recovered', seconds: 1, recoveredAtMs: 2000, reason: null, baseline: null, ...recovery },
  impactWindow: { fromMs: 0, toMs: 2000 },
  attributedExamples: {},
});

describe('expectations', () => {
  it('checks only what the spec states, each with expected and measured', () => {
    const results = checkExpectations({ lost: { max: 0 }, duplicates: { max: 10 }, p99LatencyMs: { max: 100 } }, { ...clean, lost: 2, unseen: 1, duplicates: 4 });
    expect(results.map((r) => [r.name, r.status, r.measured, r.detail])).toEqual([
      ['lost', 'failed', 3, 'lost: 3 > max 0 (2 lost + 1 unseen after the drain)'],
      ['duplicates', 'met', 4, 'duplicates: 4 <= max 10'],
      ['p99LatencyMs', 'failed', 120, 'p99 latency: 120 ms > max 100 ms'],
    ]);
    expect(decideVerdict([], results)).toEqual({ verdict: 'fail', reasons: ['lost: 3 > max 0 (2 lost + 1 unseen after the drain)', 'p99 latency: 120 ms > max 100 ms'], warnings: [] });
  });

  it('passes when every stated expectation is met', () => {
    const results = checkExpectations({ lost: { max: 0 }, unexpected: { max: 0 }, corrupt: { max: 0 } }, clean);
    expect(results.every((r) => r.status === 'met')).toBe(true);
    expect(decideVerdict([], results)).toEqual({ verdict: 'pass', reasons: [], warnings: [] });
  });

  it('checks recovery against every fault, naming the slow and the unrecovered', () => {
    const faults = [fault('f1', { seconds: 12 }), fault('f2', { status: 'not-recovered', seconds: null, recoveredAtMs: null, reason: 'x' }), fault('f3', { seconds: 3 })];
    const [r] = checkExpectations({ recoverySeconds: { max: 10 } }, { ...clean, faults });
    expect(r).toMatchObject({ status: 'failed', measured: 12, unit: 's' });
    expect(r.detail).toBe('recovery: f1 (kill-broker) 12 s > max 10 s; f2 (kill-broker) did not recover before the workload ended (max 10 s)');
    expect(checkExpectations({ recoverySeconds: { max: 10 } }, { ...clean, faults: [fault('f3', { seconds: 3.5 })] })[0].detail).toBe('recovery: slowest 3.5 s <= max 10 s');
    expect(checkExpectations({ recoverySeconds: { max: 10 } }, clean)[0]).toMatchObject({ status: 'met', detail: 'recovery: no faults were injected' });
  });

  it('turns what could not be measured into an error unless something failed anyway', () => {
    const unknown = checkExpectations({ recoverySeconds: { max: 10 } }, { ...clean, faults: [fault('f1', { status: 'not-measured', seconds: null, reason: 'no baseline: 1 s' })] });
    expect(unknown[0].status).toBe('unknown');
    expect(decideVerdict([], unknown)).toEqual({ verdict: 'error', reasons: ['not checked: recovery: not measured for f1 (kill-broker) (no baseline: 1 s)'], warnings: [] });
    const both = [...checkExpectations({ lost: { max: 0 } }, { ...clean, lost: 1 }), ...unknown];
    expect(decideVerdict([], both)).toMatchObject({ verdict: 'fail', reasons: ['lost: 1 > max 0'], warnings: ['not checked: recovery: not measured for f1 (kill-broker) (no baseline: 1 s)'] });
    const none = checkExpectations({ lost: { max: 0 }, p99LatencyMs: { max: 5 } }, { ...clean, lost: null, unseen: null, p99Us: null });
    expect(none.map((r) => r.status)).toEqual(['unknown', 'unknown']);
    expect(decideVerdict(['no validator reports'], none).verdict).toBe('error');
    expect(decideVerdict(['no validator reports'], none).reasons).toEqual(['no validator reports']);
  });
});
