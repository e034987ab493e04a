import fc from 'fast-check';
import { IntervalSet } from './interval-set';

const values = fc.array(fc.integer({ min: -40, max: 40 }), { maxLength: 60 });

function build(xs: number[]): IntervalSet {
  const s = new IntervalSet();
  for (const x of xs) s.add(x);
  return s;
}

function sorted(xs: Iterable<number>): number[] {
  return [...new Set(xs)].sort((a, b) => a - b);
}

/** Ranges are sorted, disjoint and never adjacent: the canonical form. */
function expectCanonical(s: IntervalSet): void {
  const r = s.toRanges();
  for (let i = 0; i < r.length; i++) {
    expect(r[i][0]).toBeLessThanOrEqual(r[i][1]);
    if (i > 0) expect(r[i][0]).toBeGreaterThan(r[i - 1][1] + 1);
  }
  expect(s.size).toBe(r.reduce((n, [lo, hi]) => n + hi - lo + 1, 0));
}

describe('IntervalSet', () => {
  it('behaves like a Set of integers under add/has/size/min/max', () => {
    fc.assert(
      fc.property(values, fc.integer({ min: -45, max: 45 }), (xs, probe) => {
        const naive = new Set<number>();
        const s = new IntervalSet();
        for (const x of xs) {
          const isNew = !naive.has(x);
          naive.add(x);
          expect(s.add(x)).toBe(isNew);
        }
        expectCanonical(s);
        expect([...s.values()]).toEqual(sorted(naive));
        expect(s.size).toBe(naive.size);
        expect(s.has(probe)).toBe(naive.has(probe));
        expect(s.min()).toBe(naive.size ? Math.min(...naive) : undefined);
        expect(s.max()).toBe(naive.size ? Math.max(...naive) : undefined);
      }),
    );
  });

  it('computes union, intersection, difference, complement and clip like the naive sets', () => {
    fc.assert(
      fc.property(values, values, fc.integer({ min: -45, max: 45 }), fc.integer({ min: 0, max: 30 }), (xs, ys, lo, width) => {
        const a = build(xs);
        const b = build(ys);
        const hi = lo + width;
        const inRange = (v: number) => v >= lo && v <= hi;
        const cases: Array<[IntervalSet, number[]]> = [
          [a.union(b), sorted([...xs, ...ys])],
          [a.intersect(b), sorted(xs.filter((x) => ys.includes(x)))],
          [a.subtract(b), sorted(xs.filter((x) => !ys.includes(x)))],
          [a.complementWithin(lo, hi), Array.from({ length: width + 1 }, (_, i) => lo + i).filter((v) => !xs.includes(v))],
          [a.clip(lo, hi), sorted(xs.filter(inRange))],
        ];
        for (const [got, want] of cases) {
          expectCanonical(got);
          expect([...got.values()]).toEqual(want);
        }
      }),
    );
  });

  it('round-trips through its range list and builds the same set from ranges in any order', () => {
    fc.assert(
      fc.property(values, (xs) => {
        const s = build(xs);
        expect(IntervalSet.fromRanges(s.toRanges()).equals(s)).toBe(true);
        expect(IntervalSet.fromRanges([...s.toRanges()].reverse()).equals(s)).toBe(true);
        expect(IntervalSet.fromRanges(xs.map((x) => [x, x])).equals(s)).toBe(true);
      }),
    );
  });

  it('adds ranges and reports how many values were new', () => {
    const s = IntervalSet.of(1, 2, 10);
    expect(s.addRange(0, 12)).toBe(10);
    expect(s.toRanges()).toEqual([[0, 12]]);
  });

  it('stays one range for a contiguous run, whatever its length', () => {
    const s = new IntervalSet();
    for (let i = 0; i < 100_000; i++) s.add(i);
    expect(s.rangeCount).toBe(1);
    expect(s.toRanges()).toEqual([[0, 99_999]]);
  });

  it('takes the smallest values without walking the whole set', () => {
    const s = IntervalSet.fromRanges([
      [0, 1e12],
      [2e12, 2e12],
    ]);
    expect(s.take(3)).toEqual([0, 1, 2]);
    expect(s.size).toBe(1e12 + 2);
  });

  it('rejects malformed ranges', () => {
    expect(() => IntervalSet.fromRanges([[3, 1]])).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(() => IntervalSet.fromRanges([[0.5, 1]])).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });
});
