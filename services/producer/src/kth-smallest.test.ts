import fc from 'fast-check';
import { kthSmallest } from './kth-smallest';

describe('kthSmallest', () => {
  it('finds the smallest, a middle and the largest value', () => {
    expect(kthSmallest(Float64Array.from([5, 1, 4, 2, 3]), 0)).toBe(1);
    expect(kthSmallest(Float64Array.from([5, 1, 4, 2, 3]), 2)).toBe(3);
    expect(kthSmallest(Float64Array.from([5, 1, 4, 2, 3]), 4)).toBe(5);
  });

  it('refuses k outside the values, naming the range', () => {
    expect(() => kthSmallest(Float64Array.from([1, 2]), 2)).toThrow('k must be an integer in [0, 2), got 2');
    expect(() => kthSmallest(new Float64Array(0), 0)).toThrow(RangeError);
    expect(() => kthSmallest(Float64Array.from([1, 2]), 0.5)).toThrow(RangeError);
  });

  it('property: equals the k-th value of the sorted values, duplicates and sorted runs included', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 1e9 })), { minLength: 1, maxLength: 400 }),
        fc.nat(),
        fc.constantFrom('as drawn', 'sorted', 'reversed'),
        (drawn, pick, order) => {
          const values = order === 'as drawn' ? drawn : [...drawn].sort((a, b) => (order === 'sorted' ? a - b : b - a));
          const k = pick % values.length;
          const sorted = [...values].sort((a, b) => a - b);
          expect(kthSmallest(Float64Array.from(values), k)).toBe(sorted[k]);
        },
      ),
    );
  });
});
