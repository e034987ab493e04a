import fc from 'fast-check';
import { WaitingTable } from './waiting-table';

test('take gives back exactly what was set for each id, once, like a Map (slots shared by ids far apart)', () => {
  // Operations on ids from a small and a wide range, so slots collide (1024 slots) and ids wrap past 2^32.
  const ids = fc.oneof(fc.nat({ max: 3000 }), fc.constantFrom(0xffff_fffe, 0xffff_ffff, 1024, 2048, 4096));
  const ops = fc.array(fc.tuple(fc.boolean(), ids), { maxLength: 400 });
  fc.assert(
    fc.property(ops, (list) => {
      const table = new WaitingTable<string>(1000);
      const model = new Map<number, string>();
      list.forEach(([isSet, id], i) => {
        if (isSet && !model.has(id)) {
          table.set(id, `v${i}`);
          model.set(id, `v${i}`);
        } else {
          expect(table.take(id)).toBe(model.get(id));
          model.delete(id);
        }
        expect(table.size).toBe(model.size);
      });
      for (const [id, v] of model) expect(table.take(id)).toBe(v);
      expect(table.size).toBe(0);
    }),
    { numRuns: 300 },
  );
});

test('an id whose slot an older waiting id holds is kept and found', () => {
  const table = new WaitingTable<string>(1);
  table.set(5, 'old');
  table.set(5 + 1024, 'new');
  expect(table.take(5 + 1024)).toBe('new');
  expect(table.take(5)).toBe('old');
  expect(table.take(5)).toBeUndefined();
  expect(table.size).toBe(0);
});
