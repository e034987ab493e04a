import fc from 'fast-check';
import { OutstandingRecords, PendingRecord, type Delivery, type KeyState } from './pending-record';

const keyState = { key: 'p/e0/k1-0', partition: 4 } as KeyState;

test('OutstandingRecords holds exactly the records added and not deleted, whatever the order', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.boolean(), fc.nat({ max: 30 })), { maxLength: 200 }), (ops) => {
      const records = Array.from({ length: 31 }, (_, i) => new PendingRecord('t', 0, i, keyState, 0, 0, () => undefined));
      const list = new OutstandingRecords();
      const model = new Set<PendingRecord>();
      for (const [add, i] of ops) {
        const p = records[i]!;
        if (add && !model.has(p)) {
          list.add(p);
          model.add(p);
        } else if (!add) {
          // Deleting a record that is not in the list (never added, or removed already) changes nothing.
          list.delete(p);
          model.delete(p);
        }
        expect(list.size).toBe(model.size);
      }
      expect(new Set(list.toArray())).toEqual(model);
      expect(list.toArray()).toHaveLength(model.size);
    }),
  );
});

test('a pending record hands its own delivery to the run, and names its key and partition from its key state', () => {
  const heard: Array<[PendingRecord, Delivery]> = [];
  const p = new PendingRecord('t', 2, 7, keyState, 1_000, 2_000, (r, d) => heard.push([r, d]));
  p.onReport({ ok: true, partition: 4, offset: 9 });
  expect(heard).toEqual([[p, { ok: true, partition: 4, offset: 9 }]]);
  expect([p.key, p.partition, p.seq, p.keyEpoch, p.settled, p.inTransaction]).toEqual(['p/e0/k1-0', 4, 7, 2, false, false]);
});
