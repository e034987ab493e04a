import fc from 'fast-check';
import { Pacer, requestedRecords } from './pacer';

/** Takes every due record at `nowMs`. */
function takeAll(p: Pacer, nowMs: number): number[] {
  const out: number[] = [];
  for (let t = p.next(nowMs); t !== undefined; t = p.next(nowMs)) {
    out.push(t);
    p.advance();
  }
  return out;
}

describe('Pacer', () => {
  it('schedules records at fixed times from the rate, whenever they are taken', () => {
    const p = new Pacer({ startMs: 1000, rateAt: () => 4 });
    expect(takeAll(p, 999)).toEqual([]);
    expect(takeAll(p, 1000)).toEqual([1000]);
    expect(takeAll(p, 1600)).toEqual([1250, 1500]);
    expect(p.nextDueMs).toBe(1750);
  });

  it('keeps the schedule when the caller is late: the scheduled times, not the take times, travel in the records', () => {
    const p = new Pacer({ startMs: 0, rateAt: () => 10 });
    expect(takeAll(p, 450)).toEqual([0, 100, 200, 300, 400]);
  });

  it('sheds records more than maxLagMs late and counts them', () => {
    const p = new Pacer({ startMs: 0, rateAt: () => 10, maxLagMs: 1000 });
    // At 3000 ms nothing was taken: records scheduled before 2000 ms are given up (20 of them).
    const taken = takeAll(p, 3000);
    expect(p.shed).toBe(20);
    expect(taken[0]).toBe(2000);
    expect(taken.length).toBe(11);
  });

  it('sheds a long backlog in bulk: far behind at a huge rate, the next record is within maxLagMs of now', () => {
    const p = new Pacer({ startMs: 0, rateAt: () => 1_000_000, maxLagMs: 1000 });
    const t = p.next(60_000)!;
    expect(60_000 - t).toBeLessThanOrEqual(1000);
    expect(60_000 - t).toBeGreaterThan(999);
    expect(p.shed).toBe(59_000_000);
  });

  it('follows a rate that changes (a ramp step)', () => {
    const p = new Pacer({ startMs: 0, rateAt: (t) => (t < 1000 ? 2 : 4), maxLagMs: 10_000 });
    expect(takeAll(p, 2000)).toEqual([0, 500, 1000, 1250, 1500, 1750, 2000]);
  });

  it('a constant rate yields exactly rate x seconds records (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 5 }), (rate, seconds) => {
        const p = new Pacer({ startMs: 0, rateAt: () => rate, maxLagMs: 10_000 });
        const n = takeAll(p, seconds * 1000 - 1e-9).length;
        expect(Math.abs(n - rate * seconds)).toBeLessThanOrEqual(1);
      }),
    );
  });
});

describe('requestedRecords', () => {
  it('integrates the rate over the window, clipped to the run', () => {
    expect(requestedRecords(() => 100, 500, 10_000, 0, 1000)).toBeCloseTo(50, 9);
    expect(requestedRecords(() => 100, 0, 10_000, 1000, 2000)).toBeCloseTo(100, 9);
    expect(requestedRecords(() => 100, 0, 1500, 1000, 2000)).toBeCloseTo(50, 9);
    expect(requestedRecords((t) => (t < 1000 ? 10 : 30), 0, 10_000, 500, 1500)).toBeCloseTo(20, 9);
  });
});
