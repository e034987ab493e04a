/**
 * One client, one job, in a process of its own (so its CPU is its own): produce N records of a size
 * to a topic's partitions round-robin (acks=all, idempotent, explicit partitions), or read a backlog
 * of N records from the start. Prints one JSON line: records, seconds, CPU seconds.
 *   tsx bench/clients/worker.ts '{"client":"librdkafka","mode":"produce",...}'
 */
import { randomBytes } from 'node:crypto';
import { splitThreads, ThreadCpuTracker } from '../producer-path/thread-cpu';

interface Job {
  client: 'kafkajs' | 'librdkafka' | 'platformatic';
  mode: 'produce' | 'consume';
  brokers: string;
  topic: string;
  partitions: number;
  size: number;
  records: number;
  /** Producer batch bytes and linger, as in the ProducerPerformance row it is compared with. */
  batchBytes: number;
  lingerMs: number;
  /**
   * librdkafka only, to tell where the mirrorlab producer's cost comes from (bench/producer): a callback per record
   * passed as the opaque and called from the delivery report, as the producer does; and records per turn of the event
   * loop (the producer hands over 100 per turn; default 5000).
   */
  opaqueCallback?: boolean;
  perTurn?: number;
  /** librdkafka only: through the producer's own batch addon (@mirrorlab/rdkafka-batch) instead of the binding. */
  batchAddon?: boolean;
  /**
   * Batch addon only: records shaped as the mirrorlab producer's single-header records (a 27-byte key and a 112-byte
   * `ml` header, the sizes RecordEncoder writes for bench/producer's ids), instead of a short key and a 1-byte header,
   * to tell the cost of the bytes a test record carries from the cost of the producer's own work.
   */
  mirrorlabShape?: boolean;
  /** With mirrorlabShape: the key's bytes, the header's name and its value's bytes, when not the single-header sizes above. */
  shape?: { keyBytes: number; header: string; headerBytes: number };
  /** Batch addon only: clients in the process, partitions split among them (each its own connection per broker). */
  instances?: number;
}

const job = JSON.parse(process.argv[2]) as Job;
const value = randomBytes(job.size);
/** Records per send call for the clients whose API sends arrays (about one batch per partition). */
const perSend = Math.max(100, Math.floor((job.batchBytes * job.partitions) / job.size / 4));

/** The CommonJS binding through a dynamic import: its exports sit under `default`. */
async function rdkafka(): Promise<typeof import('@confluentinc/kafka-javascript')> {
  const mod = (await import('@confluentinc/kafka-javascript')) as typeof import('@confluentinc/kafka-javascript') & {
    default?: typeof import('@confluentinc/kafka-javascript');
  };
  return mod.default ?? mod;
}

async function produceLibrdkafka(): Promise<void> {
  const { Producer } = await rdkafka();
  const p = new Producer({
    'bootstrap.servers': job.brokers,
    'enable.idempotence': true,
    acks: -1,
    'linger.ms': job.lingerMs,
    'batch.size': job.batchBytes,
    'queue.buffering.max.messages': 500_000,
    dr_cb: true,
    event_cb: true,
  });
  await new Promise<void>((res, rej) => p.connect({}, (err) => (err ? rej(err) : res())));
  p.setPollInBackground(true);
  let acked = 0;
  let failed = 0;
  let settle: () => void = () => undefined;
  const done = new Promise<void>((res) => (settle = res));
  const count = (err: unknown): void => {
    if (err) failed += 1;
    else acked += 1;
    if (acked + failed === job.records) settle();
  };
  p.on('delivery-report', (err, report) => {
    const cb = report.opaque as ((err: unknown) => void) | undefined;
    if (cb !== undefined) cb(err);
    else count(err);
  });
  const perTurn = job.perTurn ?? 5000;
  let i = 0;
  while (i < job.records) {
    try {
      const opaque = job.opaqueCallback ? (err: unknown) => count(err) : undefined;
      p.produce(job.topic, i % job.partitions, value, Buffer.from(String(i % 1000)), undefined, opaque, [{ k: Buffer.from('v') }]);
      i += 1;
    } catch {
      await new Promise((r) => setTimeout(r, 1));
    }
    if (i % perTurn === 0) await new Promise((r) => setImmediate(r));
  }
  await done;
  if (failed > 0) throw new Error(`${failed} records failed`);
  await new Promise<void>((res) => p.disconnect(() => res()));
}

/** librdkafka through @mirrorlab/rdkafka-batch: records packed per turn of the event loop, reports in batches. */
async function produceBatchAddon(): Promise<void> {
  const { BatchProducer } = await import('@mirrorlab/rdkafka-batch');
  // `instances` clients, partition p written by client p % instances: each has its own connection per broker.
  const producers = Array.from(
    { length: job.instances ?? 1 },
    () =>
      new BatchProducer({
        config: {
          'bootstrap.servers': job.brokers,
          'enable.idempotence': true,
          acks: -1,
          'linger.ms': job.lingerMs,
          'batch.size': job.batchBytes,
          'queue.buffering.max.messages': 510_000,
        },
        maxQueuedRecords: 500_000,
        onEvent: () => undefined,
      }),
  );
  let acked = 0;
  let failed = 0;
  const listener = {
    onReport: (r: { ok: boolean }): void => {
      if (r.ok) acked += 1;
      else failed += 1;
    },
  };
  const perTurn = job.perTurn ?? 5000;
  const shape = job.shape ?? { keyBytes: 27, header: 'ml', headerBytes: 112 };
  const headers: Record<string, Buffer> = job.mirrorlabShape
    ? { [shape.header]: Buffer.alloc(shape.headerBytes, 0x37) }
    : { k: Buffer.from('v') };
  const keys = Array.from({ length: 1000 }, (_, k) =>
    Buffer.from(job.mirrorlabShape ? String(k).padStart(shape.keyBytes, 'k') : String(k)),
  );
  let i = 0;
  while (i < job.records) {
    const partition = i % job.partitions;
    if (producers[partition % producers.length]!.produce(job.topic, partition, keys[i % 1000]!, value, headers, listener)) i += 1;
    else await new Promise((r) => setTimeout(r, 1));
    if (i % perTurn === 0) await new Promise((r) => setImmediate(r));
  }
  for (const p of producers) await p.flush(120_000);
  for (const p of producers) await p.close();
  if (failed > 0 || acked !== job.records) throw new Error(`${failed} records failed, ${job.records - acked - failed} without a report`);
}

async function produceKafkajs(): Promise<void> {
  const { Kafka, logLevel } = await import('kafkajs');
  const producer = new Kafka({ clientId: 'bench', brokers: job.brokers.split(','), logLevel: logLevel.NOTHING }).producer({
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  for (let i = 0; i < job.records;) {
    const n = Math.min(perSend, job.records - i);
    const messages = Array.from({ length: n }, (_, j) => ({
      partition: (i + j) % job.partitions,
      key: String((i + j) % 1000),
      value,
      headers: { k: 'v' },
    }));
    await producer.send({ topic: job.topic, acks: -1, messages });
    i += n;
  }
  await producer.disconnect();
}

async function producePlatformatic(): Promise<void> {
  const { Producer } = await import('@platformatic/kafka');
  const producer = new Producer({
    clientId: 'bench',
    bootstrapBrokers: job.brokers.split(','),
    idempotent: true,
    acks: -1,
    autocreateTopics: false,
  });
  for (let i = 0; i < job.records;) {
    const n = Math.min(perSend, job.records - i);
    const messages = Array.from({ length: n }, (_, j) => ({
      topic: job.topic,
      partition: (i + j) % job.partitions,
      key: Buffer.from(String((i + j) % 1000)),
      value,
      headers: new Map([[Buffer.from('k'), Buffer.from('v')]]),
    }));
    await producer.send({ messages });
    i += n;
  }
  await producer.close();
}

async function consumeLibrdkafka(): Promise<void> {
  const { KafkaConsumer } = await rdkafka();
  const c = new KafkaConsumer(
    {
      'bootstrap.servers': job.brokers,
      'group.id': `bench-${randomBytes(4).toString('hex')}`,
      'enable.auto.commit': false,
      event_cb: true,
    },
    { 'auto.offset.reset': 'earliest' },
  );
  await new Promise<void>((res, rej) => c.connect({}, (err) => (err ? rej(err) : res())));
  c.assign(Array.from({ length: job.partitions }, (_, partition) => ({ topic: job.topic, partition, offset: 0 })));
  let n = 0;
  let bytes = 0;
  while (n < job.records) {
    const batch = await new Promise<Array<{ value: Buffer | null }>>((res, rej) =>
      c.consume(10_000, (err, msgs) => (err ? rej(err) : res(msgs))),
    );
    for (const m of batch) bytes += m.value?.length ?? 0;
    n += batch.length;
  }
  if (bytes === 0) throw new Error('read nothing');
  await new Promise<void>((res) => c.disconnect(() => res()));
}

async function consumeKafkajs(): Promise<void> {
  const { Kafka, logLevel } = await import('kafkajs');
  const consumer = new Kafka({ clientId: 'bench', brokers: job.brokers.split(','), logLevel: logLevel.NOTHING }).consumer({
    groupId: `bench-${randomBytes(4).toString('hex')}`,
    maxWaitTimeInMs: 500,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [job.topic], fromBeginning: true });
  let n = 0;
  await new Promise<void>((res) => {
    void consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        n += batch.messages.length;
        if (n >= job.records) res();
      },
    });
  });
  await consumer.disconnect();
}

async function consumePlatformatic(): Promise<void> {
  const { Consumer, MessagesStreamModes } = await import('@platformatic/kafka');
  const consumer = new Consumer({
    clientId: 'bench',
    groupId: `bench-${randomBytes(4).toString('hex')}`,
    bootstrapBrokers: job.brokers.split(','),
  });
  const stream = await consumer.consume({ topics: [job.topic], mode: MessagesStreamModes.EARLIEST, autocommit: false, maxWaitTime: 500 });
  let n = 0;
  for await (const _ of stream) {
    n += 1;
    if (n >= job.records) break;
  }
  await stream.close();
  await consumer.close(true);
}

const jobs = {
  produce: { librdkafka: produceLibrdkafka, kafkajs: produceKafkajs, platformatic: producePlatformatic },
  consume: { librdkafka: consumeLibrdkafka, kafkajs: consumeKafkajs, platformatic: consumePlatformatic },
};

// A consumer that never sees its backlog must not hang the bench.
setTimeout(() => {
  process.stderr.write('gave up after 180 s\n');
  process.exit(1);
}, 180_000).unref();

(async () => {
  const cpu0 = process.cpuUsage();
  // Per thread too: the JavaScript thread apart from the client's own (librdkafka's end with its disconnect: polled).
  const threads = new ThreadCpuTracker();
  const polling = setInterval(() => threads.poll(), 100);
  const t0 = performance.now();
  await (job.mode === 'produce' && job.batchAddon ? produceBatchAddon() : jobs[job.mode][job.client]());
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(polling);
  const { mainMs, clientMs } = splitThreads(threads.since());
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  process.stdout.write(
    JSON.stringify({
      records: job.records,
      seconds,
      recordsPerSec: job.records / seconds,
      MiBps: (job.records * job.size) / seconds / 2 ** 20,
      cpuS,
      cpuPct: (cpuS / seconds) * 100,
      mainThreadUsPerRecord: (mainMs * 1000) / job.records,
      clientThreadsUsPerRecord: (clientMs * 1000) / job.records,
    }) + '\n',
  );
  process.exit(0);
})().catch((err) => {
  process.stderr.write(`${String(err?.stack ?? err)}\n`);
  process.exit(1);
});
