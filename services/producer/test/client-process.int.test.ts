import path from 'node:path';
import { findLab } from '@mirrorlab/lab';
import { createKafka, createLogger } from '@mirrorlab/service-kit';
import { startClientProcess, type ClientProcessData } from '../src/client-process-main';
import type { ConnectedSink } from '../src/kafka-sink';
import type { Delivery } from '../src/producer-run';
import { connectRemoteSink } from '../src/remote-sink';
import { classifyDeliveryError } from '../src/send-outcome';

/**
 * CLIENT_PROCESS against the lab's real source cluster: the service's bundle started as a client process (as the
 * service starts it), records handed over in batches, each one's own delivery report back. Then the process is
 * killed with records in flight: each of those is reported, as indeterminate.
 */
const lab = findLab();
const bundle = path.join(__dirname, '../dist/main.js');
const logger = createLogger({ service: 'producer-int', instance: 'client-process', write: () => undefined });
const kafka = createKafka({ brokers: lab.source.bootstrap.split(',') }, 'producer-client-process-int', logger);
const topic = `ml.producer-client-process-int-${Date.now()}`;
const PARTITIONS = 3;
const data: ClientProcessData = {
  connection: { brokers: lab.source.bootstrap.split(',') },
  clientId: 'producer-client-process-int',
  options: {
    acks: 'all',
    idempotent: true,
    compression: 'none',
    lingerMs: 5,
    batchBytes: 256 * 1024,
    deliveryTimeoutMs: 30_000,
    retries: 2_147_483_647,
    maxQueuedRecords: 10_000,
  },
  log: { service: 'producer', instance: 'int', level: 'warn', scenarioId: 'client-process-int' },
};
let sink: ConnectedSink | undefined;

beforeAll(async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 3 }], waitForLeaders: true });
  await admin.disconnect();
});

afterAll(async () => {
  await sink?.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
});

const record = (i: number) => ({
  partition: i % PARTITIONS,
  key: Buffer.from(`key-${i % 7}`),
  value: Buffer.alloc(100, i % 256),
  headers: { ml: Buffer.from(`record-${i}`) },
});

test('every record is written once, in order per partition, and acknowledged by its own report', async () => {
  sink = await connectRemoteSink(startClientProcess(bundle, data, logger), data.options.maxQueuedRecords);
  expect(await sink.partitionCount(topic)).toBe(PARTITIONS);
  const reports = new Map<number, Delivery>();
  let handed = 0;
  while (handed < 3000) {
    // As the producer does: a turn of records, then the event loop.
    for (let n = 0; n < 100 && handed < 3000; n++, handed++) {
      const i = handed;
      expect(sink.produce(topic, record(i), (d) => reports.set(i, d))).toBe(true);
    }
    await new Promise((r) => setImmediate(r));
  }
  await sink.flush(30_000);
  for (let t = 0; t < 100 && reports.size < 3000; t++) await new Promise((r) => setTimeout(r, 50));
  expect(reports.size).toBe(3000);
  // Per partition the offsets are 0, 1, 2, ... in the order the records were handed over.
  const byPartition = new Map<number, number[]>();
  for (let i = 0; i < 3000; i++) {
    const d = reports.get(i)!;
    expect(d).toMatchObject({ ok: true, partition: i % PARTITIONS });
    if (d.ok) byPartition.set(d.partition, [...(byPartition.get(d.partition) ?? []), d.offset]);
  }
  for (const offsets of byPartition.values()) expect(offsets).toEqual(offsets.map((_, j) => j));
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  expect(ends.map((e) => Number(e.high)).reduce((a, b) => a + b, 0)).toBe(3000);
}, 120_000);

test('records in flight when the client process dies are each reported, as indeterminate', async () => {
  const client = startClientProcess(bundle, data, logger);
  const remote = await connectRemoteSink(client, data.options.maxQueuedRecords);
  const reports: Delivery[] = [];
  for (let i = 0; i < 500; i++) remote.produce(topic, record(i), (d) => reports.push(d));
  // Killed before the batch could be acknowledged (it leaves at the end of this turn, in a microtask).
  const killed = client.terminate();
  await killed;
  for (let t = 0; t < 100 && reports.length < 500; t++) await new Promise((r) => setTimeout(r, 50));
  expect(reports).toHaveLength(500);
  const indeterminate = reports.filter((d) => !d.ok && classifyDeliveryError(d.error) === 'indeterminate').length;
  const acked = reports.filter((d) => d.ok).length;
  // Whatever the client got written before it died was acknowledged; every other record is indeterminate.
  expect(acked + indeterminate).toBe(500);
  expect(indeterminate).toBeGreaterThan(0);
}, 60_000);
