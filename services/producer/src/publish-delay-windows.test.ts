import fc from 'fast-check';
import { PublishDelayWindows } from './publish-delay-windows';

describe('PublishDelayWindows', () => {
  it('reduces each closed second to its record count, p99 and max; the open second waits', () => {
    const w = new PublishDelayWindows();
    for (let i = 1; i <= 100; i++) w.add(1_000 + i, i * 1_000);
    w.add(2_500, 7_000);
    expect(w.drainClosed(2_600, false)).toEqual([[1_000, 100, 99_000, 100_000]]);
    expect(w.drainClosed(2_700, false)).toEqual([]);
    expect(w.drainClosed(2_800, true)).toEqual([[2_000, 1, 7_000, 7_000]]);
    expect(w.drainClosed(9_000, true)).toEqual([]);
  });

  it('property: every delay is published once, in the second it was acknowledged, within its min and max', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 9_999 }), fc.integer({ min: 0, max: 10_000_000 })), { maxLength: 300 }),
        (acks) => {
          const w = new PublishDelayWindows();
          for (const [ms, d] of acks) w.add(ms, d);
          const out = [...w.drainClosed(5_000, false), ...w.drainClosed(5_000, true)];
          expect(out.reduce((s, x) => s + x[1], 0)).toBe(acks.length);
          for (const [second, n, p99, max] of out) {
            const mine = acks.filter(([ms]) => Math.floor(ms / 1000) * 1000 === second).map(([, d]) => d);
            expect(n).toBe(mine.length);
            expect(max).toBe(Math.max(...mine));
            const sorted = [...mine].sort((a, b) => a - b);
            expect(p99).toBe(sorted[Math.ceil(0.99 * sorted.length) - 1]);
          }
        },
      ),
    );
  });
});
