import fc from 'fast-check';
import { PartitionReportQueues } from './partition-report-queues';

describe('PartitionReportQueues', () => {
  test("each partition's records come back oldest first, whatever the interleaving of partitions and topics", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('a', 'b'), fc.nat(3), fc.boolean()), { maxLength: 5000 }), (ops) => {
        const q = new PartitionReportQueues<number>();
        const model = new Map<string, number[]>();
        let next = 0;
        for (const [topic, partition, push] of ops) {
          const id = `${topic}/${partition}`;
          const m = model.get(id) ?? [];
          model.set(id, m);
          if (push) {
            q.push(topic, partition, next);
            m.push(next++);
          } else expect(q.shift(topic, partition)).toBe(m.shift());
        }
        expect(q.size).toBe([...model.values()].reduce((a, m) => a + m.length, 0));
      }),
    );
  });

  test('an empty or unknown partition gives undefined and leaves the count alone', () => {
    const q = new PartitionReportQueues<string>();
    expect(q.shift('t', 0)).toBeUndefined();
    q.push('t', 1, 'x');
    expect(q.shift('t', 0)).toBeUndefined();
    expect(q.shift('u', 1)).toBeUndefined();
    expect(q.size).toBe(1);
    expect(q.shift('t', 1)).toBe('x');
    expect(q.size).toBe(0);
  });

  test('long queues stay in order across compaction', () => {
    const q = new PartitionReportQueues<number>();
    for (let i = 0; i < 10_000; i++) q.push('t', 0, i);
    for (let i = 0; i < 6_000; i++) expect(q.shift('t', 0)).toBe(i);
    for (let i = 10_000; i < 12_000; i++) q.push('t', 0, i);
    for (let i = 6_000; i < 12_000; i++) expect(q.shift('t', 0)).toBe(i);
    expect(q.shift('t', 0)).toBeUndefined();
  });
});
