import fc from 'fast-check';
import { ExampleSet, type WitnessedExample } from './examples';

const example = fc.record({
  producerId: fc.constantFrom('p0', 'p1'),
  keyEpoch: fc.integer({ min: 0, max: 1 }),
  key: fc.constantFrom('a', 'b'),
  seq: fc.integer({ min: 0, max: 6 }),
  topic: fc.constant('t'),
  partition: fc.integer({ min: 0, max: 1 }),
  offset: fc.integer({ min: 0, max: 20 }),
  timeUs: fc.integer({ min: 0, max: 5 }),
});

function setOf(cap: number, items: WitnessedExample[]): ExampleSet {
  const s = new ExampleSet(cap);
  items.forEach((e) => s.offer(e));
  return s;
}

function merged(cap: number, ...parts: WitnessedExample[][]): WitnessedExample[] {
  const out = new ExampleSet(cap);
  parts.forEach((p) => out.mergeFrom(setOf(cap, p)));
  return out.toArray();
}

describe('ExampleSet', () => {
  it('keeps the smallest examples by identity, one per sequence, with its lowest offset', () => {
    const base = { producerId: 'p', keyEpoch: 0, key: 'k', topic: 't', partition: 0, timeUs: 0 };
    const s = setOf(2, [
      { ...base, seq: 9, offset: 1 },
      { ...base, seq: 3, offset: 8 },
      { ...base, seq: 3, offset: 4 },
      { ...base, seq: 5, offset: 2 },
    ]);
    expect(s.toArray().map((e) => [e.seq, e.offset])).toEqual([
      [3, 4],
      [5, 2],
    ]);
    expect(s.isFullBefore('p', 0, 'k', 6)).toBe(true);
    expect(s.isFullBefore('p', 0, 'k', 4)).toBe(false);
  });

  it('merges to the same examples whatever the split and order', () => {
    fc.assert(
      fc.property(
        fc.array(example, { maxLength: 40 }),
        fc.array(fc.nat(2), { maxLength: 40 }),
        fc.integer({ min: 0, max: 6 }),
        (items, owners, cap) => {
          const parts: WitnessedExample[][] = [[], [], []];
          items.forEach((e, i) => parts[owners[i] ?? 0].push(e));
          const whole = setOf(cap, items).toArray();
          expect(merged(cap, ...parts)).toEqual(whole);
          expect(merged(cap, ...[...parts].reverse())).toEqual(whole);
        },
      ),
    );
  });
});
