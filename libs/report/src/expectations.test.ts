import { checkExpectations, decideVerdict, type Measured } from './expectations';
import type { FaultReport, Recovery } from './report-schema';

const clean: Measured = {
  lost: 0,
  unseen: 0,
  unexpected: 0,
  duplicates: 0,
  corrupt: 0,
  foreign: 0,
  inconsistentOffsets: 0,
  p99Us: 120_000,
  faults: [],
};
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
  it('checks what the spec states plus the correctness defaults, each with expected and measured', () => {
    const results = checkExpectations(
      { lost: { max: 0 }, duplicates: { max: 10 }, p99LatencyMs: { max: 100 } },
      { ...clean, lost: 2, unseen: 1, duplicates: 4 },
    );
    expect(results.map((r) => [r.name, r.status, r.measured, r.detail])).toEqual([
      ['lost', 'failed', 3, 'lost: 3 > max 0 (2 lost + 1 unseen after the drain)'],
      ['unexpected', 'met', 0, 'unexpected: 0 <= max 0 (default)'],
      ['corrupt', 'met', 0, 'corrupt: 0 <= max 0 (default)'],
      ['foreign', 'met', 0, 'foreign: 0 <= max 0 (default)'],
      ['inconsistentOffsets', 'met', 0, 'inconsistentOffsets: 0 <= max 0 (default)'],
      ['duplicates', 'met', 4, 'duplicates: 4 <= max 10'],
      ['p99LatencyMs', 'failed', 120, 'p99 latency: 120 ms > max 100 ms'],
    ]);
    expect(decideVerdict([], results)).toEqual({
      verdict: 'fail',
      reasons: ['lost: 3 > max 0 (2 lost + 1 unseen after the drain)', 'p99 latency: 120 ms > max 100 ms'],
      warnings: [],
    });
  });

  it('passes when every stated expectation is met', () => {
    const results = checkExpectations({ lost: { max: 0 }, unexpected: { max: 0 }, corrupt: { max: 0 } }, clean);
    expect(results.every((r) => r.status === 'met')).toBe(true);
    expect(decideVerdict([], results)).toEqual({ verdict: 'pass', reasons: [], warnings: [] });
  });

  it('checks recovery against every fault, naming the slow and the unrecovered', () => {
    const faults = [
      fault('f1', { seconds: 12 }),
      fault('f2', { status: 'not-recovered', seconds: null, recoveredAtMs: null, reason: 'x' }),
      fault('f3', { seconds: 3 }),
    ];
    const r = checkExpectations({ recoverySeconds: { max: 10 } }, { ...clean, faults }).find((x) => x.name === 'recoverySeconds')!;
    expect(r).toMatchObject({ status: 'failed', measured: 12, unit: 's' });
    expect(r.detail).toBe(
      'recovery: f1 (kill-broker) 12 s > max 10 s; f2 (kill-broker) did not recover before the workload ended (max 10 s)',
    );
    const recovery = (m: Measured) => checkExpectations({ recoverySeconds: { max: 10 } }, m).find((x) => x.name === 'recoverySeconds')!;
    expect(recovery({ ...clean, faults: [fault('f3', { seconds: 3.5 })] }).detail).toBe('recovery: slowest 3.5 s <= max 10 s');
    expect(recovery(clean)).toMatchObject({ status: 'met', detail: 'recovery: no faults were injected' });
  });

  it('turns what could not be measured into an error unless something failed anyway', () => {
    const unknown = checkExpectations(
      { recoverySeconds: { max: 10 } },
      { ...clean, faults: [fault('f1', { status: 'not-measured', seconds: null, reason: 'no baseline: 1 s' })] },
    ).filter((r) => r.name === 'recoverySeconds');
    expect(unknown[0].status).toBe('unknown');
    expect(decideVerdict([], unknown)).toEqual({
      verdict: 'error',
      reasons: ['not checked: recovery: not measured for f1 (kill-broker) (no baseline: 1 s)'],
      warnings: [],
    });
    const both = [...checkExpectations({ lost: { max: 0 } }, { ...clean, lost: 1 }), ...unknown];
    expect(both.length).toBe(6);
    expect(decideVerdict([], both)).toMatchObject({
      verdict: 'fail',
      reasons: ['lost: 1 > max 0'],
      warnings: ['not checked: recovery: not measured for f1 (kill-broker) (no baseline: 1 s)'],
    });
    const none = checkExpectations(
      { lost: { max: 0 }, p99LatencyMs: { max: 5 } },
      { ...clean, lost: null, unseen: null, unexpected: null, corrupt: null, foreign: null, inconsistentOffsets: null, p99Us: null },
    );
    expect(none.map((r) => r.status)).toEqual(['unknown', 'unknown', 'unknown', 'unknown', 'unknown', 'unknown']);
    expect(decideVerdict(['no validator reports'], none).verdict).toBe('error');
    expect(decideVerdict(['no validator reports'], none).reasons).toEqual(['no validator reports']);
  });

  it('fails a spec that names only p99LatencyMs on 5 lost and 2 unexpected records (correctness is checked by default)', () => {
    const results = checkExpectations({ p99LatencyMs: { max: 500 } }, { ...clean, lost: 5, unexpected: 2 });
    expect(decideVerdict([], results)).toEqual({
      verdict: 'fail',
      reasons: ['lost: 5 > max 0 (default)', 'unexpected: 2 > max 0 (default)'],
      warnings: [],
    });
  });

  it('fails on inconsistent offsets by default, in ranges', () => {
    const [r] = checkExpectations({}, { ...clean, inconsistentOffsets: 2 }).filter((x) => x.name === 'inconsistentOffsets');
    expect(r).toMatchObject({ status: 'failed', unit: 'ranges', measured: 2, detail: 'inconsistentOffsets: 2 > max 0 (default)' });
  });

  it('fails on foreign records by default, and passes when the spec allows them', () => {
    expect(decideVerdict([], checkExpectations({}, { ...clean, foreign: 3 }))).toMatchObject({
      verdict: 'fail',
      reasons: ['foreign: 3 > max 0 (default)'],
    });
    expect(decideVerdict([], checkExpectations({ foreign: { max: 10 } }, { ...clean, foreign: 3 })).verdict).toBe('pass');
  });

  it('checks duplicates at 0 when the spec says the replicator is exactly-once, and not otherwise', () => {
    expect(decideVerdict([], checkExpectations({ exactlyOnce: true }, { ...clean, duplicates: 1 }))).toMatchObject({
      verdict: 'fail',
      reasons: ['duplicates: 1 > max 0 (default)'],
    });
    expect(decideVerdict([], checkExpectations({}, { ...clean, duplicates: 1 })).verdict).toBe('pass');
  });

  it('inconclusive when the tester fell short; a real anomaly still fails; errors stay errors', () => {
    const why = [
      'the tester delivered 13% of the requested 40 MiB/s (5.2 MiB/s over 40 s outside fault windows): no conclusion about the replicator at that rate',
    ];
    expect(decideVerdict([], checkExpectations({}, clean), why)).toEqual({ verdict: 'inconclusive', reasons: why, warnings: [] });
    expect(decideVerdict([], checkExpectations({}, { ...clean, lost: 1 }), why)).toEqual({
      verdict: 'fail',
      reasons: ['lost: 1 > max 0 (default)'],
      warnings: why,
    });
    expect(decideVerdict(['no validator reports'], checkExpectations({}, clean), why).verdict).toBe('error');
    // What the short run left unmeasured is a warning, not an error, once the run is inconclusive anyway.
    const p99 = checkExpectations({ p99LatencyMs: { max: 5 } }, { ...clean, p99Us: null });
    expect(decideVerdict([], p99, why)).toEqual({
      verdict: 'inconclusive',
      reasons: why,
      warnings: ['not checked: p99 latency: not measured (no records were read)'],
    });
  });

  describe('pickupSeconds', () => {
    const pickup = (seconds: Array<number | null>) => seconds.map((s, i) => ({ topic: 'src', partition: 6 + i, seconds: s }));
    const added = { ...fault('f1', {}), kind: 'add-partitions', oneShot: true };
    const check = (m: Partial<Measured>) =>
      checkExpectations({ pickupSeconds: { max: 10 } }, { ...clean, faults: [added], ...m }).find((r) => r.name === 'pickupSeconds')!;

    it('is met when every new partition was on the target within the bound, measured as the slowest', () => {
      expect(check({ pickup: pickup([3, 6.5]) })).toMatchObject({
        status: 'met',
        measured: 6.5,
        detail: 'pickup: slowest new partition 6.5 s <= max 10 s',
      });
    });

    it('fails on a slow partition and on one never picked up, naming them', () => {
      expect(check({ pickup: pickup([12, null]) })).toMatchObject({
        status: 'failed',
        measured: 12,
        detail: 'pickup: src/6 12 s > max 10 s; src/7 never reached the target',
      });
    });

    it('is unknown when partitions were added but nothing was written to them, met when none were added', () => {
      expect(check({ pickup: [] })).toMatchObject({ status: 'unknown', measured: null });
      expect(check({ pickup: [], faults: [] })).toMatchObject({ status: 'met', detail: 'pickup: no partitions were added' });
    });
  });
});
