import fc from 'fast-check';
import { judgeCapacity, type CapacitySecond, type CapacityStep } from './capacity';

/** Steps of 10 s at the given offered rates, achieved = offered unless given. */
function steps(offered: number[], achieved: number[] = offered): CapacityStep[] {
  return offered.map((r, i) => ({ fromMs: i * 10_000, toMs: (i + 1) * 10_000, offered: r, achieved: achieved[i] }));
}

/** Per-second series: the target reads `readCap` records/s at most; p99 from a function of the rate. */
function seconds(st: CapacityStep[], readCap: number, p99Us = (_rate: number) => 50_000): CapacitySecond[] {
  return st.flatMap((s) =>
    Array.from({ length: (s.toMs - s.fromMs) / 1000 }, (_, i) => ({
      t: s.fromMs + i * 1000,
      acked: s.achieved,
      consumed: Math.min(s.achieved, readCap),
      p99Us: p99Us(s.achieved),
    })),
  );
}

describe('judgeCapacity', () => {
  it('the sustained capacity is the last step before the target falls behind; the replicator saturates there', () => {
    const st = steps([1000, 2000, 3000, 4000]);
    const r = judgeCapacity(st, seconds(st, 2500));
    expect(r.sustainedRecordsPerSec).toBe(2000);
    expect(r.replicatorSaturatedAt).toBe(3000);
    expect(r.testerSaturatedAt).toBeNull();
    expect(r.lowerBound).toBe(false);
    expect(r.steps[2].reason).toMatch(/fell behind/);
  });

  it('a tester that cannot deliver a step is reported apart, and the capacity is then only a lower bound', () => {
    const st = steps([1000, 2000, 3000], [1000, 2000, 2200]);
    const r = judgeCapacity(st, seconds(st, 10_000));
    expect(r).toMatchObject({ sustainedRecordsPerSec: 2000, testerSaturatedAt: 3000, replicatorSaturatedAt: null, lowerBound: true });
    expect(r.steps[2].reason).toMatch(/tester sent 2200 of the 3000/);
  });

  it("a tester-saturated step says when the target fell behind even the load it got, and stays the tester's", () => {
    const st = steps([4000], [2000]);
    const behind = judgeCapacity(st, seconds(st, 500));
    expect(behind).toMatchObject({ testerSaturatedAt: 4000, replicatorSaturatedAt: null });
    expect(behind.steps[0].reason).toBe(
      'the tester sent 2000 of the 4000 records/s offered, and the target fell behind even that by 13500 records (500 of 2000 records/s read)',
    );
    expect(judgeCapacity(st, seconds(st, 10_000)).steps[0].reason).toBe('the tester sent 2000 of the 4000 records/s offered');
  });

  it('p99 above the bound saturates the replicator even when it keeps pace', () => {
    const st = steps([1000, 2000]);
    const r = judgeCapacity(
      st,
      seconds(st, 10_000, (rate) => (rate > 1500 ? 900_000 : 20_000)),
      { p99BoundUs: 500_000 },
    );
    expect(r).toMatchObject({ sustainedRecordsPerSec: 1000, replicatorSaturatedAt: 2000 });
  });

  it('a ramp that never saturates anything: capacity is the top step, a lower bound', () => {
    const st = steps([100, 200]);
    expect(judgeCapacity(st, seconds(st, 1e9))).toMatchObject({
      sustainedRecordsPerSec: 200,
      testerSaturatedAt: null,
      replicatorSaturatedAt: null,
      lowerBound: true,
    });
  });

  it('the sustained capacity never exceeds the target read rate, nor a step where anything saturated (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 100, max: 10_000 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 50, max: 20_000 }),
        (rates, cap) => {
          const sorted = [...rates].sort((a, b) => a - b);
          const st = steps(sorted);
          const r = judgeCapacity(st, seconds(st, cap));
          if (r.sustainedRecordsPerSec !== null)
            expect(r.sustainedRecordsPerSec).toBeLessThanOrEqual(Math.max(cap / 0.95, sorted[0]) + 1e-9);
          const firstBad = r.steps.findIndex((s) => s.status !== 'ok');
          if (firstBad >= 0) expect(r.sustainedRecordsPerSec).toBe(firstBad === 0 ? null : sorted[firstBad - 1]);
        },
      ),
    );
  });
});
