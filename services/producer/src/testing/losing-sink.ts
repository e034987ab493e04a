import type { DeliveryListener, OutgoingRecord, RecordSink } from '../producer-run';

/**
 * Test only (never in the shipped bundle): a sink that loses chosen records after
 * acknowledging them, as a broker that acks a write and then loses it would. The producer
 * books them acknowledged; a correct checker must then report each one lost.
 *
 * `indexes` counts each topic's records in the order the producer hands them over (0 is the
 * first record of the topic); a record the inner sink refuses (its queue is full) is handed
 * over again and keeps its index.
 */
export function losingSink(inner: RecordSink, indexes: ReadonlySet<number>): RecordSink {
  const handed = new Map<string, number>();
  return {
    produce(topic: string, record: OutgoingRecord, listener: DeliveryListener): boolean {
      const index = handed.get(topic) ?? 0;
      if (indexes.has(index)) {
        handed.set(topic, index + 1);
        // Asynchronous, as a real delivery report: the producer books the record only after produce() returns.
        setImmediate(() => listener.onReport({ ok: true, partition: record.partition, offset: -1 }));
        return true;
      }
      if (!inner.produce(topic, record, listener)) return false;
      handed.set(topic, index + 1);
      return true;
    },
    flush: (timeoutMs) => inner.flush(timeoutMs),
    partitionCount: (topic) => inner.partitionCount(topic),
  };
}
