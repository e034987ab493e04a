import fc from 'fast-check';
import { measureRecovery, median, RECOVERY_RULE } from './recovery';
import type { SecondPoint } from './report-schema';

const T0 = 1_800_000_000; // seconds
const ms = (s: number) => (T0 + s) * 1000;

/** A steady run of `seconds` seconds at `rate`/s and p99 `p99Ms`, with per-second overrides. */
function series(seconds: number, overrides: Record<number, Partial<SecondPoint>> = {}, rate = 100, p99Ms = 50): SecondPoint[] {
  return Array.from({ length: seconds }, (_, i) => ({
    t: T0 + i,
    produced: rate,
    acked: rate,
    requested: null,
    achieved: null,
    consumed: rate,
    p50Us: 20_000,
    p99Us: p99Ms * 1000,
    p999Us: p99Ms * 1500,
    maxUs: p99Ms * 2000,
    publishDelayP99Us: null,
    ...overrides[i],
  }));
}

/** Seconds [from, to) with nothing read: a stall. */
function stall(from: number, to: number): Record<number, Partial<SecondPoint>> {
  const out: Record<number, Partial<SecondPoint>> = {};
  for (let s = from; s < to; s++) out[s] = { consumed: 0, p50Us: null, p99Us: null, p999Us: null, maxUs: null };
  return out;
}

const run = { startAtMs: ms(0), endAtMs: ms(120) };

describe('measureRecovery', () => {
  it('counts from the heal to the first of 5 steady seconds after a stall and its catch-up burst', () => {
    const s = series(120, {
      ...stall(40, 50),
      50: { consumed: 400, p99Us: 9_000_000 },
      51: { consumed: 400, p99Us: 4_000_000 },
      52: { consumed: 200, p99Us: 600_000 },
    });
    const r = measureRecovery({ series: s, injectedAtMs: ms(40), referenceMs: ms(50), otherFaults: [], ...run });
    expect(r).toMatchObject({ status: 'recovered', seconds: 3, recoveredAtMs: ms(53), reason: null });
    expect(r.baseline).toEqual({
      fromT: T0 + 10,
      toT: T0 + 39,
      seconds: 30,
      consumedMedian: 100,
      consumedMean: 100,
      bursty: false,
      p99MedianUs: 50_000,
    });
  });

  it('is 0 when the system is healthy at once, and measures from a fractional heal time', () => {
    const r = measureRecovery({ series: series(120), injectedAtMs: ms(40), referenceMs: ms(50) - 250, otherFaults: [], ...run });
    expect(r).toMatchObject({ status: 'recovered', seconds: 0.25, recoveredAtMs: ms(50) });
  });

  it('does not call a throughput within ±20 % but with p99 above 2x the baseline recovered', () => {
    const slow: Record<number, Partial<SecondPoint>> = {};
    for (let s = 50; s < 60; s++) slow[s] = { p99Us: 120_000 };
    const r = measureRecovery({ series: series(120, slow), injectedAtMs: ms(40), referenceMs: ms(50), otherFaults: [], ...run });
    expect(r.seconds).toBe(10);
  });

  it('lets a low baseline p99 be exceeded up to the floor (100 ms)', () => {
    const jitter: Record<number, Partial<SecondPoint>> = {};
    for (let s = 50; s < 60; s++) jitter[s] = { p99Us: 90_000 };
    const r = measureRecovery({ series: series(120, jitter, 100, 5), injectedAtMs: ms(40), referenceMs: ms(50), otherFaults: [], ...run });
    expect(r.seconds).toBe(0);
  });

  it('averages throughput over the window: batchy deliveries still recover', () => {
    const batchy: Record<number, Partial<SecondPoint>> = {};
    for (let s = 50; s < 120; s++) batchy[s] = { consumed: s % 2 === 0 ? 60 : 140 };
    expect(
      measureRecovery({ series: series(120, batchy), injectedAtMs: ms(40), referenceMs: ms(50), otherFaults: [], ...run }).seconds,
    ).toBe(0);
  });

  it('says the fault never recovered when throughput stays low until the end, and why', () => {
    const degraded: Record<number, Partial<SecondPoint>> = {};
    for (let s = 40; s < 120; s++) degraded[s] = { consumed: 50 };
    const r = measureRecovery({ series: series(120, degraded), injectedAtMs: ms(40), referenceMs: ms(50), otherFaults: [], ...run });
    expect(r.status).toBe('not-recovered');
    expect(r.seconds).toBeNull();
    expect(r.reason).toBe(
      'did not recover in the 70 s between the heal start and the end of the workload: throughput outside ±20 % of 100/s in 70 s, p99 above 100 ms (or nothing read) in 0 s',
    );
  });

  it('does not guess when the workload ends too soon after the heal', () => {
    const r = measureRecovery({ series: series(120), injectedAtMs: ms(100), referenceMs: ms(117), otherFaults: [], ...run });
    expect(r).toMatchObject({ status: 'not-measured', seconds: null });
    expect(r.reason).toMatch(/^the workload ended 3 s after the heal/);
  });

  it('needs a baseline: a fault in the first seconds is not measured', () => {
    const r = measureRecovery({ series: series(120), injectedAtMs: ms(2), referenceMs: ms(10), otherFaults: [], ...run });
    expect(r).toMatchObject({ status: 'not-measured', baseline: null });
    expect(r.reason).toMatch(/^no baseline: 2 s of undisturbed data/);
  });

  it('needs a heal for a fault with a duration', () => {
    expect(measureRecovery({ series: series(120), injectedAtMs: ms(40), referenceMs: undefined, otherFaults: [], ...run }).reason).toBe(
      'the fault was never healed',
    );
  });

  it('leaves other faults out of the baseline (every second touching their window)', () => {
    const s = series(120, { ...stall(20, 30), 30: { consumed: 300 } });
    const r = measureRecovery({
      series: s,
      injectedAtMs: ms(40),
      referenceMs: ms(45),
      otherFaults: [{ fromMs: ms(20), toMs: ms(30) }],
      ...run,
    });
    expect(r.baseline).toMatchObject({ fromT: T0 + 10, toT: T0 + 39, seconds: 19, consumedMedian: 100 });
  });

  it('lets the next fault cut the steady window short rather than hide the recovery', () => {
    const s = series(120, { ...stall(40, 50), ...stall(53, 60) });
    const r = measureRecovery({
      series: s,
      injectedAtMs: ms(40),
      referenceMs: ms(50),
      otherFaults: [{ fromMs: ms(53), toMs: ms(60) }],
      ...run,
    });
    expect(r).toMatchObject({ status: 'recovered', seconds: 0 });
    const never = measureRecovery({
      series: series(120, stall(40, 60)),
      injectedAtMs: ms(40),
      referenceMs: ms(50),
      otherFaults: [{ fromMs: ms(53), toMs: ms(60) }],
      ...run,
    });
    expect(never.status).toBe('not-recovered');
    expect(never.reason).toMatch(/^did not recover in the 3 s between the heal start and the next fault/);
  });

  it('measures a one-shot fault from its injection', () => {
    const s = series(120, { 40: { consumed: 10, p99Us: 2_000_000 }, 41: { consumed: 10, p99Us: 2_000_000 } });
    const r = measureRecovery({ series: s, injectedAtMs: ms(40), referenceMs: ms(40), otherFaults: [], ...run });
    expect(r).toMatchObject({ status: 'recovered', seconds: 2 });
  });

  it('property: recovery is never before the reference and moves with the series in time', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 35, max: 80 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 10 }),
        fc.integer({ min: 0, max: 1000 }),
        (inject, length, burst, shift) => {
          const heal = inject + length;
          const s = series(120, {
            ...stall(inject, heal),
            ...Object.fromEntries(Array.from({ length: burst }, (_, i) => [heal + i, { consumed: 250 }])),
          });
          const input = { series: s, injectedAtMs: ms(inject), referenceMs: ms(heal), otherFaults: [], ...run };
          const r = measureRecovery(input);
          if (r.status === 'recovered') {
            expect(r.recoveredAtMs!).toBeGreaterThanOrEqual(ms(heal));
            expect(r.seconds).toBe(Math.min(burst, 120 - heal));
          }
          const moved = measureRecovery({
            ...input,
            series: s.map((p) => ({ ...p, t: p.t + shift })),
            injectedAtMs: input.injectedAtMs + shift * 1000,
            referenceMs: input.referenceMs + shift * 1000,
            startAtMs: run.startAtMs + shift * 1000,
            endAtMs: run.endAtMs + shift * 1000,
          });
          expect(moved.seconds).toBe(r.seconds);
          expect(moved.status).toBe(r.status);
        },
      ),
    );
  });

  describe('bursty delivery (MirrorMaker 2 exactly-once: a transaction per offset flush, nothing read between)', () => {
    /** 200/s in three seconds of every four, nothing in the fourth (what an exactly-once run on the lab showed), p99 1.3 s: a mean of 146.7/s over the 30 s baseline (8 idle). */
    const bursts = (seconds: number, overrides: Record<number, Partial<SecondPoint>> = {}) =>
      series(seconds, {}, 200, 1300).map((p, i) => ({
        ...p,
        ...(i % 4 === 3 ? { consumed: 0, p50Us: null, p99Us: null, p999Us: null, maxUs: null } : {}),
        ...overrides[i],
      }));

    it('recovers once the bursts are back: idle seconds between bursts pass, the mean over 10 s is the rate', () => {
      const s = bursts(120, { ...stall(40, 50), 50: { consumed: 400, p99Us: 10_000_000 } });
      const r = measureRecovery({ series: s, injectedAtMs: ms(40), referenceMs: ms(50), otherFaults: [], ...run });
      expect(r.baseline).toMatchObject({ bursty: true, consumedMean: 146.7, consumedMedian: 200 });
      // Second 50 is the catch-up (p99 10 s): the first healthy window starts at 51.
      expect(r).toMatchObject({ status: 'recovered', seconds: 1, recoveredAtMs: ms(51), reason: null });
    });

    it('the steady rule would call the same run not recovered (every fourth second reads nothing)', () => {
      const s = bursts(120, { ...stall(40, 50), 50: { consumed: 400, p99Us: 10_000_000 } });
      const r = measureRecovery(
        { series: s, injectedAtMs: ms(40), referenceMs: ms(50), otherFaults: [], ...run },
        { ...RECOVERY_RULE, burstyIdleShare: 1 },
      );
      expect(r.status).toBe('not-recovered');
    });

    it('is not recovered when the bursts come back at half the rate', () => {
      const half: Record<number, Partial<SecondPoint>> = {};
      for (let t = 50; t < 120; t++) half[t] = { consumed: t % 4 === 3 ? 0 : 100 };
      const r = measureRecovery({
        series: bursts(120, { ...stall(40, 50), ...half }),
        injectedAtMs: ms(40),
        referenceMs: ms(50),
        otherFaults: [],
        ...run,
      });
      expect(r).toMatchObject({ status: 'not-recovered', seconds: null });
      expect(r.reason).toContain('bursty delivery');
    });

    it('still judges the latency of the seconds that read', () => {
      const slow: Record<number, Partial<SecondPoint>> = {};
      for (let t = 50; t < 70; t++) if (t % 4 !== 3) slow[t] = { p99Us: 5_000_000 };
      const r = measureRecovery({
        series: bursts(120, { ...stall(40, 50), ...slow }),
        injectedAtMs: ms(40),
        referenceMs: ms(50),
        otherFaults: [],
        ...run,
      });
      // 2.6 s bound (2 x 1.3 s): the first window without a slow second starts at 70.
      expect(r).toMatchObject({ status: 'recovered', recoveredAtMs: ms(70) });
    });

    it('one idle second in a steady baseline keeps the steady rule', () => {
      const r = measureRecovery({
        series: series(120, { 20: { consumed: 0, p99Us: null }, ...stall(40, 50), 52: { consumed: 0, p99Us: null } }),
        injectedAtMs: ms(40),
        referenceMs: ms(50),
        otherFaults: [],
        ...run,
      });
      expect(r.baseline).toMatchObject({ bursty: false });
      // 52 read nothing: not healthy under the steady rule, so the first window starts at 53.
      expect(r).toMatchObject({ status: 'recovered', recoveredAtMs: ms(53) });
    });
  });

  it('uses the documented constants', () => {
    expect(RECOVERY_RULE).toEqual({
      baselineSeconds: 30,
      minBaselineSeconds: 3,
      throughputTolerance: 0.2,
      latencyFactor: 2,
      latencyFloorMs: 100,
      sustainSeconds: 5,
      burstyIdleShare: 0.1,
      burstySustainSeconds: 10,
    });
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });
});
