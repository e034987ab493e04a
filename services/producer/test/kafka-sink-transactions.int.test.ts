import { findLab } from '@mirrorlab/lab';
import { createKafka, createLogger } from '@mirrorlab/service-kit';
import { connectKafkaSink, type ConnectedSink } from '../src/kafka-sink';
import type { Delivery } from '../src/producer-run';
import { endTransaction } from '../src/transaction-plan';

/**
 * The transactional sink against the lab's real source cluster (librdkafka): three transactions
 * of 10 records, the second aborted on purpose. A read_committed reader must see exactly the
 * 20 committed records, a read_uncommitted one all 30: what the checker's aborted-read class
 * relies on.
 */
const lab = findLab();
const logger = createLogger({ service: 'producer-int', instance: 'tx', write: () => undefined });
const kafka = createKafka({ brokers: lab.source.bootstrap.split(',') }, 'producer-tx-int', logger);
const topic = `ml.producer-tx-int-${Date.now()}`;
let sink: ConnectedSink | undefined;

afterAll(async () => {
  await sink?.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
});

async function readAll(readUncommitted: boolean, expected: number): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: `${topic}-${readUncommitted ? 'ru' : 'rc'}`, readUncommitted, maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const values: string[] = [];
  let idle: NodeJS.Timeout | undefined;
  await new Promise<void>((resolve) => {
    // Done when `expected` records are in and nothing more came for 3 s, or after 30 s.
    const finish = () => resolve();
    const hard = setTimeout(finish, 30_000);
    void consumer.run({
      eachMessage: async ({ message }) => {
        values.push(message.value!.toString());
        if (idle) clearTimeout(idle);
        if (values.length >= expected) idle = setTimeout(() => (clearTimeout(hard), finish()), 3_000);
      },
    });
  });
  await consumer.disconnect();
  return values.sort();
}

test('committed transactions are read at read_committed, the aborted one only at read_uncommitted', async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 3 }], waitForLeaders: true });
  await admin.disconnect();

  sink = await connectKafkaSink(
    { brokers: lab.source.bootstrap.split(',') },
    'producer-tx-int',
    {
      acks: 'all',
      idempotent: true,
      compression: 'none',
      lingerMs: 5,
      batchBytes: 65536,
      deliveryTimeoutMs: 30_000,
      retries: 10,
      maxQueuedRecords: 10_000,
      transactionalId: `${topic}-tx`,
    },
    logger,
  );
  const tx = sink.transactions!;
  expect(tx).toBeDefined();
  const errors: string[] = [];
  const outcomes: string[] = [];
  for (const [i, ending] of (['commit', 'abort', 'commit'] as const).entries()) {
    await tx.begin();
    const deliveries: Array<Promise<Delivery>> = [];
    for (let j = 0; j < 10; j++) {
      const value = Buffer.from(`t${i}-r${j}`);
      deliveries.push(
        new Promise((resolve) =>
          expect(sink!.produce(topic, { partition: 0, key: Buffer.from('k'), value, headers: {} }, { onReport: resolve })).toBe(true),
        ),
      );
    }
    // Every record is written before the transaction ends, so the aborted ones are in the log (behind an abort marker).
    const delivered = await Promise.all(deliveries);
    expect(delivered.filter((d) => !d.ok)).toEqual([]);
    const r = await endTransaction(tx, ending, 3, (what, err, action) =>
      errors.push(`${what} ${action}: ${String(err)} ${JSON.stringify(err)}`),
    );
    outcomes.push(r.outcome);
  }
  expect(errors).toEqual([]);
  expect(outcomes).toEqual(['acked', 'aborted', 'acked']);

  const committed = Array.from({ length: 10 }, (_, j) => [`t0-r${j}`, `t2-r${j}`])
    .flat()
    .sort();
  expect(await readAll(false, 20)).toEqual(committed);
  const all = await readAll(true, 30);
  expect(all).toEqual([...committed, ...Array.from({ length: 10 }, (_, j) => `t1-r${j}`)].sort());
}, 120_000);
