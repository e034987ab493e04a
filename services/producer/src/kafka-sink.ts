import { CODES, Producer, type DeliveryReport, type LibrdKafkaError, type MessageHeader } from '@confluentinc/kafka-javascript';
import { rdkafkaConnectionConfig, type KafkaConnection, type Logger } from '@mirrorlab/service-kit';
import { PartitionReportQueues } from './partition-report-queues';
import type { Delivery, OutgoingRecord, RecordSink } from './producer-run';

export interface KafkaSinkOptions {
  acks: 'all' | 'leader' | 'none';
  idempotent: boolean;
  compression: 'none' | 'gzip';
  lingerMs: number;
  /** Bytes per partition batch (librdkafka `batch.size`). */
  batchBytes: number;
  /** How long a record may wait for a usable leader and retries before its delivery fails (`message.timeout.ms`): indeterminate. */
  deliveryTimeoutMs: number;
  /** Retries per record within the delivery timeout (librdkafka `retries`). */
  retries: number;
  /** Records the client holds (queued and in flight) before `produce` reports a full queue. */
  maxQueuedRecords: number;
  /** Set for a transactional workload: the client writes in transactions under this id (idempotent, acks=all). */
  transactionalId?: string;
}

const ACKS = { all: -1, leader: 1, none: 0 } as const;

/** librdkafka producer properties for a run (exported for the client benchmark, which must match the service). */
export function producerConfig(conn: KafkaConnection, clientId: string, o: KafkaSinkOptions): Record<string, string | number | boolean> {
  return {
    ...rdkafkaConnectionConfig(conn, clientId),
    // Idempotence gives per-key order with up to 5 requests in flight per connection (and no
    // duplicates from the client's own retries), so one slow partition does not hold the others.
    'enable.idempotence': o.idempotent && o.acks === 'all',
    acks: ACKS[o.acks],
    'compression.type': o.compression,
    'linger.ms': o.lingerMs,
    'batch.size': o.batchBytes,
    'message.timeout.ms': o.deliveryTimeoutMs,
    retries: o.retries,
    'queue.buffering.max.messages': o.maxQueuedRecords,
    'queue.buffering.max.kbytes': 256 * 1024,
    // Transactions imply idempotence and acks=all (librdkafka refuses anything else).
    ...(o.transactionalId !== undefined ? { 'transactional.id': o.transactionalId, 'enable.idempotence': true, acks: -1 } : {}),
    dr_cb: true,
    // Errors and logs come as events into our JSON logger; nothing is printed to the terminal.
    event_cb: true,
    log_level: 4,
  };
}

type DeliveryCallback = (d: Delivery) => void;

export interface ConnectedSink extends RecordSink {
  disconnect(): Promise<void>;
}

/**
 * The source cluster behind RecordSink, through librdkafka (@confluentinc/kafka-javascript's
 * native API). Each record is produced to the partition the key plan chose; the delivery report
 * that comes back names that record's partition and offset (or its error), and is the only thing
 * that books it. With idempotence (acks=all, the default) a partition's reports come in the order
 * its records were produced, so each report goes to its partition's oldest record waiting
 * (PartitionReportQueues), checked by its key; otherwise each record's callback rides along as the
 * binding's opaque.
 */
export async function connectKafkaSink(
  conn: KafkaConnection,
  clientId: string,
  opts: KafkaSinkOptions,
  logger: Logger,
): Promise<ConnectedSink> {
  const config = producerConfig(conn, clientId, opts);
  const producer = new Producer(config);
  const inOrder = config['enable.idempotence'] === true;
  const waiting = new PartitionReportQueues<{ key: Buffer; cb: DeliveryCallback }>();
  producer.on('delivery-report', (err: LibrdKafkaError | null, report: DeliveryReport) => {
    let cb = report.opaque as DeliveryCallback | undefined;
    if (cb === undefined && inOrder) {
      const oldest = waiting.shift(report.topic, report.partition);
      if (oldest === undefined) {
        logger.error('delivery_report_unmatched', { topic: report.topic, partition: report.partition, offset: report.offset });
        return;
      }
      cb = oldest.cb;
      const key = report.key;
      if (!Buffer.isBuffer(key) || !key.equals(oldest.key)) {
        // Not the record it should be: book it indeterminate rather than credit it with another's write.
        logger.error('delivery_report_out_of_order', { topic: report.topic, partition: report.partition, offset: report.offset });
        return cb({ ok: false, error: new Error(`delivery report out of order on ${report.topic}/${report.partition}`) });
      }
    }
    if (!cb) return;
    cb(err ? { ok: false, error: err } : { ok: true, partition: report.partition, offset: Number(report.offset) });
  });
  producer.on('event.error', (err: LibrdKafkaError) => logger.warn('kafka_client_error', { client: 'librdkafka', err }));
  producer.on('event.log', (e: { severity: number; fac: string; message: string }) => {
    logger[e.severity <= 3 ? 'error' : e.severity <= 4 ? 'warn' : 'info']('kafka_client_log', {
      client: 'librdkafka',
      facility: e.fac,
      message: e.message,
    });
  });
  await new Promise<void>((resolve, reject) => producer.connect({ timeout: 30_000 }, (err) => (err ? reject(err) : resolve())));
  // Delivery reports are served on librdkafka's own thread, not by a timer on the event loop:
  // a record counts against the client's queue until its report is served, so a slow poll caps
  // the rate (the client's KafkaJS layer does the same).
  producer.setPollInBackground(true);
  if (opts.transactionalId !== undefined) {
    // Fences an earlier incarnation with the same id and aborts what it left open.
    await new Promise<void>((resolve, reject) => producer.initTransactions(30_000, (err) => (err ? reject(err) : resolve())));
  }
  const call = (fn: (cb: (err: LibrdKafkaError) => void) => void) =>
    new Promise<void>((resolve, reject) => fn((err) => (err ? reject(err) : resolve())));

  return {
    produce(topic: string, r: OutgoingRecord, onDelivery: DeliveryCallback): boolean {
      const headers: MessageHeader[] = [];
      for (const name in r.headers) headers.push({ [name]: r.headers[name] });
      try {
        if (!inOrder) {
          producer.produce(topic, r.partition, r.value, r.key, undefined, onDelivery, headers);
          return true;
        }
        producer.produce(topic, r.partition, r.value, r.key, undefined, undefined, headers);
        waiting.push(topic, r.partition, { key: r.key, cb: onDelivery });
        return true;
      } catch (err) {
        if ((err as LibrdKafkaError).code === CODES.ERRORS.ERR__QUEUE_FULL) return false;
        // Refused before queuing (unknown partition, too large for the client): this record's own failure.
        queueMicrotask(() => onDelivery({ ok: false, error: err }));
        return true;
      }
    },
    flush: (timeoutMs: number) => new Promise<void>((resolve) => producer.flush(timeoutMs, () => resolve())),
    partitionCount: (topic: string) =>
      new Promise<number>((resolve, reject) =>
        producer.getMetadata({ topic, timeout: 10_000 }, (err, meta) => {
          if (err) return reject(err);
          const t = meta.topics.find((x) => x.name === topic);
          if (!t || t.partitions.length === 0) return reject(new Error(`topic ${topic} not found on the source cluster`));
          resolve(t.partitions.length);
        }),
      ),
    ...(opts.transactionalId !== undefined
      ? {
          transactions: {
            begin: () => call((cb) => producer.beginTransaction(cb)),
            commit: () => call((cb) => producer.commitTransaction(opts.deliveryTimeoutMs, cb)),
            abort: () => call((cb) => producer.abortTransaction(opts.deliveryTimeoutMs, cb)),
          },
        }
      : {}),
    disconnect: () => new Promise<void>((resolve) => producer.disconnect(10_000, () => resolve())),
  };
}
