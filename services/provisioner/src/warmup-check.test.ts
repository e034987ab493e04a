import { ScenarioViews, type ControlEventOf } from '@mirrorlab/control';
import { LatencyHistograms } from '@mirrorlab/validation';
import { scenario } from './testing/world';
import { expectedRecordRate, warmupStatus } from './warmup-check';

const START = 1_000_000;
const settings = { startAtMs: START, steadyForMs: 3000, timeoutMs: 30_000, staleMs: 10_000 };

/** A validator that read 10 records a second at `p99Ms(second after start)` (null: nothing), reporting at `atMs`. */
function report(validatorId: string, atMs: number, p99Ms: (rel: number) => number | null): ControlEventOf<'validator.report'> {
  const h = new LatencyHistograms();
  for (let sec = START / 1000; sec < Math.floor(atMs / 1000); sec++) {
    const v = p99Ms(sec - START / 1000);
    if (v !== null) for (let i = 0; i < 10; i++) h.record(sec * 1e6 + 1, v * 1000);
  }
  return {
    v: 1,
    type: 'validator.report',
    scenarioId: 's',
    atMs,
    source: validatorId,
    validatorId,
    final: false,
    state: {},
    latency: { endToEnd: h.toSnapshot() },
    partitions: [],
    drained: false,
  };
}

describe('warmupStatus', () => {
  it('merges validators and waits for the slowest one to report past the steady seconds', () => {
    const w = new ScenarioViews();
    const steadyFrom2 = (rel: number) => (rel < 2 ? null : 40);
    w.apply(report('v1', START + 6000, steadyFrom2));
    // v2 has only reported up to second 3: seconds 2..4 are not all complete yet.
    w.apply(report('v2', START + 4000, steadyFrom2));
    expect(warmupStatus(w.get('s'), START + 6000, settings)).toEqual({ state: 'warming', firstReadAtMs: START + 2000 });
    w.apply(report('v2', START + 5000, steadyFrom2));
    expect(warmupStatus(w.get('s'), START + 6000, settings)).toMatchObject({ state: 'steady', firstReadAtMs: START + 2000 });
  });

  it('a silent validator stops holding the decision back once stale; an unreadable report never decides', () => {
    const w = new ScenarioViews();
    w.apply(report('v1', START + 20_000, (rel) => (rel < 2 ? null : 40)));
    w.apply(report('v2', START + 3000, () => null));
    // At 12 s v2 (last heard at 3 s) is still live: only seconds 0..2 are complete.
    expect(warmupStatus(w.get('s'), START + 12_000, settings).state).toBe('warming');
    // At 13.001 s it has been silent for more than 10 s: v1 alone decides.
    expect(warmupStatus(w.get('s'), START + 13_001, settings).state).toBe('steady');
    const broken = new ScenarioViews();
    broken.apply({ ...report('v1', START + 20_000, () => 40), latency: { endToEnd: 'garbage' } });
    expect(warmupStatus(broken.get('s'), START + 20_000, settings)).toEqual({ state: 'warming', firstReadAtMs: null });
    expect(warmupStatus(broken.get('s'), START + 30_000, settings)).toMatchObject({ state: 'timeout' });
  });
});

describe('expectedRecordRate', () => {
  const spec = (workload: Record<string, unknown>) =>
    scenario({ workload: { duration: '10s', rate: { records: 10 }, ...workload } as never }).spec;
  it('is the scenario rate in records/s, all producers together', () => {
    expect(expectedRecordRate(spec({ rate: { records: 200 }, producers: 2 }))).toBe(200);
    expect(expectedRecordRate(spec({ rate: { records: 50 }, producers: 3, rateSplit: 'per-producer' }))).toBe(150);
    expect(expectedRecordRate(spec({ rate: { bytes: '51200' }, recordSize: 256 }))).toBe(200);
  });
});
