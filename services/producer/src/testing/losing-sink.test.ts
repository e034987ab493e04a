import type { Delivery, OutgoingRecord, RecordSink } from '../producer-run';
import { losingSink } from './losing-sink';

const record = (partition: number): OutgoingRecord => ({ partition, key: Buffer.from('k'), value: Buffer.from('v'), headers: {} });

test("loses each topic's chosen records after acknowledging them; a refused record keeps its index", async () => {
  const written: Array<[string, number]> = [];
  let refuseNext = false;
  const inner: RecordSink = {
    produce(topic, r, listener) {
      if (refuseNext) return (refuseNext = false);
      written.push([topic, r.partition]);
      listener.onReport({ ok: true, partition: r.partition, offset: written.length - 1 });
      return true;
    },
    flush: async () => undefined,
    partitionCount: async () => 3,
  };
  const sink = losingSink(inner, new Set([2]));
  const reports: Delivery[] = [];
  const report = { onReport: (d: Delivery) => void reports.push(d) };

  expect(sink.produce('a', record(0), report)).toBe(true); // a#0 written
  refuseNext = true;
  expect(sink.produce('a', record(1), report)).toBe(false); // a#1 refused (queue full): handed over again, still index 1
  expect(sink.produce('a', record(1), report)).toBe(true); // a#1 written
  expect(sink.produce('b', record(0), report)).toBe(true); // b#0 written
  expect(sink.produce('a', record(2), report)).toBe(true); // a#2 lost
  expect(sink.produce('b', record(1), report)).toBe(true); // b#1 written
  expect(sink.produce('b', record(2), report)).toBe(true); // b#2 lost
  expect(sink.produce('a', record(0), report)).toBe(true); // a#3 written
  expect(reports.filter((d) => d.ok && d.offset === -1)).toEqual([]); // a lost record's ack comes later, as a real one
  await new Promise((r) => setImmediate(r));

  expect(written).toEqual([
    ['a', 0],
    ['a', 1],
    ['b', 0],
    ['b', 1],
    ['a', 0],
  ]);
  expect(reports.filter((d) => d.ok && d.offset === -1)).toEqual([
    { ok: true, partition: 2, offset: -1 },
    { ok: true, partition: 2, offset: -1 },
  ]);
  expect(reports).toHaveLength(7);
  expect(await sink.partitionCount('a')).toBe(3);
});
