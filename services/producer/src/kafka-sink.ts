import { BatchProducer, type ClientEvent } from '@mirrorlab/rdkafka-batch';
import { rdkafkaConnectionConfig, type KafkaConnection, type Logger } from '@mirrorlab/service-kit';
import type { DeliveryListener, OutgoingRecord, RecordSink } from './producer-run';

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
  /** librdkafka properties set over the ones above (bench/producer-path `--set`: trying a setting before the service takes it). */
  clientOverrides?: Record<string, string | number | boolean>;
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
    // librdkafka's own bound sits above ours (BatchProducer counts a record until its report is
    // served), so a full queue is ours to report, not the client's.
    'queue.buffering.max.messages': o.maxQueuedRecords + 1000,
    'queue.buffering.max.kbytes': 256 * 1024,
    // Transactions imply idempotence and acks=all (librdkafka refuses anything else).
    ...(o.transactionalId !== undefined ? { 'transactional.id': o.transactionalId, 'enable.idempotence': true, acks: -1 } : {}),
    log_level: 4,
    ...o.clientOverrides,
  };
}

export interface ConnectedSink extends RecordSink {
  disconnect(): Promise<void>;
}

const METADATA_TIMEOUT_MS = 10_000;

/**
 * The source cluster behind RecordSink, through librdkafka (@mirrorlab/rdkafka-batch: records go
 * into the client, and delivery reports come out of it, in batches). Each record is produced to
 * the partition the key plan chose and carries an id; the delivery report that comes back with
 * that id names the record's partition and offset (or its error), and is the only thing that
 * books it.
 */
export async function connectKafkaSink(
  conn: KafkaConnection,
  clientId: string,
  opts: KafkaSinkOptions,
  logger: Logger,
): Promise<ConnectedSink> {
  const producer = new BatchProducer({
    config: producerConfig(conn, clientId, opts),
    maxQueuedRecords: opts.maxQueuedRecords,
    onEvent: (e) => logClientEvent(logger, e),
  });
  try {
    if (opts.transactionalId !== undefined) {
      // Fences an earlier incarnation with the same id and aborts what it left open.
      await producer.initTransactions(30_000);
    }
  } catch (err) {
    await producer.close();
    throw err;
  }
  return {
    produce: (topic: string, r: OutgoingRecord, listener: DeliveryListener): boolean =>
      producer.produce(topic, r.partition, r.key, r.value, r.headers, listener),
    produceWithHeader: (topic, partition, key, value, header, listener) =>
      producer.produceWithHeader(topic, partition, key, value, header, listener),
    flush: (timeoutMs: number) => producer.flush(timeoutMs),
    partitionCount: (topic: string) => producer.partitionCount(topic, METADATA_TIMEOUT_MS),
    ...(opts.transactionalId !== undefined
      ? {
          transactions: {
            begin: () => producer.beginTransaction(),
            commit: () => producer.commitTransaction(opts.deliveryTimeoutMs),
            abort: () => producer.abortTransaction(opts.deliveryTimeoutMs),
          },
        }
      : {}),
    disconnect: () => producer.close(),
  };
}

/** librdkafka's syslog levels: 0-3 are errors, 4 warnings, the rest information. */
function logClientEvent(logger: Logger, e: ClientEvent): void {
  if (e.kind === 'error') {
    logger[e.fatal ? 'error' : 'warn']('kafka_client_error', {
      client: 'librdkafka',
      code: e.code,
      type: e.type,
      message: e.message,
      fatal: e.fatal,
    });
    return;
  }
  logger[e.level <= 3 ? 'error' : e.level <= 4 ? 'warn' : 'info']('kafka_client_log', {
    client: 'librdkafka',
    facility: e.facility,
    message: e.message,
  });
}
