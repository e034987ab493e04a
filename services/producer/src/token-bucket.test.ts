import fc from 'fast-check';
import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  it('admits exactly rate x elapsed records over time, whatever the tick pattern', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50_000 }), fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 300 }), (rate, ticks) => {
        const bucket = new TokenBucket(rate, 0, 1e9);
        let now = 0;
        let taken = 0;
        for (const dt of ticks) {
          now += dt;
          taken += bucket.take(now, Number.MAX_SAFE_INTEGER);
        }
        const due = (now / 1000) * rate;
        expect(taken).toBeLessThanOrEqual(due + 1e-6);
        expect(taken).toBeGreaterThan(due - 1 - 1e-6);
      }),
    );
  });

  it('caps the backlog after a stall', () => {
    const bucket = new TokenBucket(100, 0, 1);
    expect(bucket.take(60_000, 10_000)).toBe(100);
  });

  it('respects max and keeps the rest', () => {
    const bucket = new TokenBucket(1000, 0);
    expect(bucket.take(500, 200)).toBe(200);
    expect(bucket.take(500, 1000)).toBe(300);
  });

  it('says how long until the next record', () => {
    const bucket = new TokenBucket(10, 0);
    expect(bucket.msUntilNext(0)).toBe(100);
    expect(bucket.msUntilNext(100)).toBe(0);
  });

  it('rejects a non-positive rate', () => {
    expect(() => new TokenBucket(0, 0)).toThrow('rate must be > 0');
  });
});
