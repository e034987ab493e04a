import { findLab } from '@mirrorlab/lab';
import { createKafka, createLogger } from '@mirrorlab/service-kit';
import { BatchProducer, type ClientEvent, type Report, type ReportListener } from '../src';

/**
 * The batch producer against the lab's real source cluster: each record's own report, matched
 * by id, names where it was written, and reading the topic back finds each record there.
 */
const lab = findLab();
const brokers = lab.source.bootstrap;
const logger = createLogger({ service: 'rdkafka-batch-int', instance: 'int', write: () => undefined });
const kafka = createKafka({ brokers: brokers.split(',') }, 'rdkafka-batch-int', logger);
const topic = `ml.rdkafka-batch-int-${Date.now()}`;
const producers: BatchProducer[] = [];
const listener = (onReport: (r: Report) => void): ReportListener => ({ onReport });

function producer(
  config: Record<string, string | number | boolean> = {},
  maxQueuedRecords = 100_000,
  events: ClientEvent[] = [],
): BatchProducer {
  const p = new BatchProducer({
    config: { 'bootstrap.servers': brokers, 'enable.idempotence': true, acks: -1, 'linger.ms': 5, ...config },
    maxQueuedRecords,
    onEvent: (e) => events.push(e),
  });
  producers.push(p);
  return p;
}

beforeAll(async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 3 }], waitForLeaders: true });
  await admin.disconnect();
});

afterAll(async () => {
  for (const p of producers) await p.close();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
});

test('5,000 records over three partitions, half with a header written into the batch: every report names its own record, and the topic holds each where its report says', async () => {
  const p = producer();
  expect(await p.partitionCount(topic, 10_000)).toBe(3);
  const reports = new Map<string, Report>();
  let calls = 0;
  for (let i = 0; i < 5_000; i++) {
    const key = `k${i % 50}`;
    const report = listener((r) => {
      calls += 1;
      reports.set(`v${i}`, r);
    });
    // Every other record's header writes its value into the batch itself (produceWithHeader, the producer's path).
    const n = Buffer.from(String(i));
    const accepted =
      i % 2 === 0
        ? p.produce(topic, i % 3, Buffer.from(key), Buffer.from(`v${i}`), { n }, report)
        : p.produceWithHeader(
            topic,
            i % 3,
            Buffer.from(key),
            Buffer.from(`v${i}`),
            { name: 'n', length: n.length, writeInto: (out, at) => out.set(n, at) },
            report,
          );
    expect(accepted).toBe(true);
    // Several turns of the event loop, so that the records go in several batches.
    if (i % 1_000 === 999) await new Promise((r) => setImmediate(r));
  }
  await p.flush(30_000);
  expect(calls).toBe(5_000);
  expect(p.outstanding).toBe(0);
  const failed = [...reports.values()].filter((r) => !r.ok);
  expect(failed).toEqual([]);

  const consumer = kafka.consumer({ groupId: `${topic}-check`, maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const found = new Map<string, { partition: number; offset: number; key: string; n: string }>();
  await new Promise<void>((resolve) => {
    const hard = setTimeout(resolve, 60_000);
    void consumer.run({
      eachMessage: async ({ partition, message }) => {
        found.set(message.value!.toString(), {
          partition,
          offset: Number(message.offset),
          key: message.key!.toString(),
          n: message.headers!.n!.toString(),
        });
        if (found.size === 5_000) {
          clearTimeout(hard);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  expect(found.size).toBe(5_000);
  for (let i = 0; i < 5_000; i++) {
    const r = reports.get(`v${i}`)!;
    const f = found.get(`v${i}`)!;
    expect(r.ok && { partition: r.partition, offset: r.offset }).toEqual({ partition: f.partition, offset: f.offset });
    expect(f).toMatchObject({ partition: i % 3, key: `k${i % 50}`, n: String(i) });
  }
});

test('a record for a partition the topic does not have fails alone; the records around it are written', async () => {
  const p = producer();
  const outcomes: Report[] = [];
  for (const partition of [0, 7, 1])
    p.produce(
      topic,
      partition,
      Buffer.from('k'),
      Buffer.from('v'),
      {},
      listener((r) => outcomes.push(r)),
    );
  await p.flush(30_000);
  expect(outcomes).toHaveLength(3);
  const bad = outcomes.find((r) => !r.ok);
  expect(bad && !bad.ok && bad.error.type).toBe('_UNKNOWN_PARTITION');
  expect(bad && !bad.ok && bad.error.persistence).toBe('not_persisted');
  expect(
    outcomes
      .filter((r) => r.ok)
      .map((r) => r.ok && r.partition)
      .sort(),
  ).toEqual([0, 1]);
});

test('a record that cannot be delivered in message.timeout.ms gets its own timed-out report', async () => {
  const events: ClientEvent[] = [];
  const p = producer({ 'message.timeout.ms': 1_500, 'allow.auto.create.topics': false }, 100, events);
  const outcomes: Report[] = [];
  p.produce(
    `${topic}-absent`,
    0,
    Buffer.from('k'),
    Buffer.from('v'),
    {},
    listener((r) => outcomes.push(r)),
  );
  await p.flush(30_000);
  expect(outcomes).toHaveLength(1);
  const r = outcomes[0]!;
  expect(r.ok).toBe(false);
  expect(!r.ok && r.error.type).toBe('_MSG_TIMED_OUT');
});

test('produce says full at maxQueuedRecords, and takes records again once reports have come', async () => {
  const p = producer({}, 10);
  let reported = 0;
  const accepted = Array.from({ length: 11 }, () =>
    p.produce(
      topic,
      0,
      Buffer.from('k'),
      Buffer.from('v'),
      {},
      listener(() => (reported += 1)),
    ),
  );
  expect(accepted.filter(Boolean)).toHaveLength(10);
  expect(accepted[10]).toBe(false);
  await p.flush(30_000);
  expect(reported).toBe(10);
  expect(
    p.produce(
      topic,
      0,
      Buffer.from('k'),
      Buffer.from('v'),
      {},
      listener(() => (reported += 1)),
    ),
  ).toBe(true);
  await p.flush(30_000);
  expect(reported).toBe(11);
});

test('librdkafka refuses a bad property by name; metadata for a missing topic fails naming it', async () => {
  expect(
    () =>
      new BatchProducer({ config: { 'bootstrap.servers': brokers, 'linger.ms': 'soon' }, maxQueuedRecords: 1, onEvent: () => undefined }),
  ).toThrow(/linger\.ms/);
  const p = producer({ 'allow.auto.create.topics': false });
  await expect(p.partitionCount(`${topic}-absent`, 5_000)).rejects.toThrow(`topic ${topic}-absent not found`);
});

test('after close, produce throws and the client is gone', async () => {
  const p = producer();
  await p.close();
  expect(() =>
    p.produce(
      topic,
      0,
      Buffer.from('k'),
      Buffer.from('v'),
      {},
      listener(() => undefined),
    ),
  ).toThrow('closed');
});
