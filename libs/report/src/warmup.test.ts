import { decideWarmup, type WarmupInput } from './warmup';

// Producers started at t = 1000 s; the replicator read nothing for 6 s, then drained its backlog.
const START = 1_000_000;
const w = (second: number, p99Ms: number, count = 200) => ({ second: 1000 + second, count, p99Us: p99Ms * 1000 });
const cold = [w(6, 9000), w(7, 7000), w(8, 4000), w(9, 1500), w(10, 40), w(11, 30), w(12, 45), w(13, 35)];
const at = (s: number, windows = cold, extra: Partial<WarmupInput> = {}) =>
  decideWarmup({
    windows,
    completeBeforeSecond: 1000 + s,
    startAtMs: START,
    nowMs: START + s * 1000,
    steadyForMs: 3000,
    timeoutMs: 60_000,
    ...extra,
  });

describe('decideWarmup', () => {
  it('keeps warming while nothing is read and while p99 is still falling', () => {
    expect(at(5)).toEqual({ state: 'warming', firstReadAtMs: null });
    // Seconds 7..9: 7 s, 4 s, 1.5 s: the biggest is more than twice the smallest.
    expect(at(10)).toEqual({ state: 'warming', firstReadAtMs: 1_006_000 });
    // Seconds 9..11: 1.5 s next to 30 ms.
    expect(at(12)).toEqual({ state: 'warming', firstReadAtMs: 1_006_000 });
  });

  it('is steady once the last 3 complete seconds each read records with p99 within 2x (floor 100 ms)', () => {
    expect(at(13)).toEqual({ state: 'steady', firstReadAtMs: 1_006_000, detail: 'p99 steady for 3 s (30 ms to 45 ms)' });
  });

  it('a second with nothing read breaks the steady run', () => {
    const gap = cold.filter((x) => x.second !== 1011);
    expect(at(13, gap).state).toBe('warming');
    expect(at(14, gap).state).toBe('warming');
    expect(at(15, [...gap, w(14, 30)])).toMatchObject({ state: 'steady' });
  });

  it('times out, saying why, when latency never settles or nothing is read', () => {
    const noisy = Array.from({ length: 70 }, (_, s) => w(s, s % 2 === 0 ? 50 : 900));
    expect(at(59, noisy).state).toBe('warming');
    expect(at(60, noisy)).toEqual({
      state: 'timeout',
      firstReadAtMs: 1_000_000,
      detail: 'warm-up timed out after 60 s: end-to-end latency and throughput were not steady for 3 s; measuring anyway',
    });
    expect(at(60, [])).toEqual({
      state: 'timeout',
      firstReadAtMs: null,
      detail: 'warm-up timed out after 60 s: the replicator copied nothing; measuring anyway',
    });
  });

  it('ignores windows before the start and seconds not yet complete, and is off with a 0 s timeout', () => {
    const early = [w(-5, 30), w(-4, 30), w(-3, 30), w(-2, 30)];
    expect(at(2, early)).toEqual({ state: 'warming', firstReadAtMs: null });
    // Seconds 10..13 are in, but only 10..11 are complete.
    expect(at(13, cold, { completeBeforeSecond: 1012 }).state).toBe('warming');
    expect(at(0, [], { timeoutMs: 0 })).toEqual({ state: 'steady', firstReadAtMs: null, detail: 'no warm-up (warmup.timeout is 0)' });
  });
});

describe('decideWarmup: a catch-up burst is not steady', () => {
  // A flat 500 ms p99, but the target reads 400/s for a 200/s workload until second 8 (seen on the lab, kill-target-broker).
  const burst = [...[1, 2, 3, 4, 5, 6, 7, 8].map((s) => w(s, 500, 400)), ...[9, 10, 11].map((s) => w(s, 500, 200))];
  const input = (s: number, expectedRate?: number) => ({
    windows: burst,
    completeBeforeSecond: 1000 + s,
    startAtMs: START,
    nowMs: START + s * 1000,
    steadyForMs: 3000,
    timeoutMs: 60_000,
    ...(expectedRate !== undefined ? { expectedRate } : {}),
  });

  it('waits until the mean read rate is within 20 % of the scenario rate', () => {
    expect(decideWarmup(input(6, 200)).state).toBe('warming');
    expect(decideWarmup(input(11, 200)).state).toBe('warming');
    expect(decideWarmup(input(12, 200))).toMatchObject({ state: 'steady' });
  });

  it('without a known rate, or reading less than the rate, latency alone decides', () => {
    expect(decideWarmup(input(6))).toMatchObject({ state: 'steady' });
    expect(decideWarmup(input(6, 1000))).toMatchObject({ state: 'steady' });
  });
});
