/**
 * The producer's own CPU per record, without Kafka: a ProducerRun (services/producer) writing into a sink that
 * acknowledges every record on the next turn of the event loop, as the librdkafka binding serves delivery reports
 * (up to 100 per turn). Everything the producer does per record is in it (pacing, key plan, encoding, the ack and
 * source-offset ledgers, metrics, per-second meters) except the binding's native produce() call. A micro-benchmark
 * for changes to that path; the producer's real rate is bench/producer/run.ts --only=producer on the lab.
 *
 *   npx tsx bench/producer-path/run.ts [--size=1024] [--seconds=3] [--rounds=3] [--encoding=compact] [--rate=100000]
 *     [--ack-delay-ms=0] [--brokers=127.0.0.1:9092 --topic=t [--batch-bytes=1000000] [--max-queued=200000] [--set=name=value]...] [--threads] [--scenario-id=bench --producer-id=producer-0] [--json]
 *
 * With --brokers (and an existing --topic of 6 partitions) the run writes through the service's own librdkafka sink
 * (services/producer/src/kafka-sink.ts, the service's settings) to a real cluster: the producer without its service
 * around it (no control topic, no HTTP), to tell the run and its client apart from the process that hosts them.
 */
import { randomPayloadSource, validateScenario, type RecordEncoding } from '@mirrorlab/protocol';
import { createLogger, systemClock, type Logger } from '@mirrorlab/service-kit';
import { DEFAULT_BATCH_BYTES } from '../../services/producer/src/config';
import { connectKafkaSink, type ConnectedSink, type KafkaSinkOptions } from '../../services/producer/src/kafka-sink';
import { Registry } from 'prom-client';
import { splitThreads, ThreadCpuTracker } from './thread-cpu';
import { ProducerMetrics } from '../../services/producer/src/producer-metrics';
import { ProducerRun, type DeliveryListener, type OutgoingRecord, type RecordSink } from '../../services/producer/src/producer-run';

const arg = (name: string, fallback: string): string => process.argv.find((x) => x.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const SIZE = Number(arg('size', '1024'));
const SECONDS = Number(arg('seconds', '3'));
const ROUNDS = Number(arg('rounds', '3'));
const ENCODING = arg('encoding', 'compact') as RecordEncoding;
const RATE = Number(arg('rate', '100000'));
/** How long after it is produced a record is acknowledged (a broker's round trip with acks=all is tens to hundreds of ms). */
const ACK_DELAY_MS = Number(arg('ack-delay-ms', '0'));
const BROKERS = arg('brokers', '');
const TOPIC = arg('topic', 'bench');
/** The service's scenarios default to 4 (libs/protocol scenario-spec). */
const KEYS_PER_PARTITION = Number(arg('keys-per-partition', '100'));
const JSON_OUTPUT = process.argv.includes('--json');
const SHOW_THREADS = process.argv.includes('--threads');
/**
 * The ids every record carries in its meta header: bench/producer passes ids as long as its service samples' so that
 * both write records of the same bytes (the defaults make each record ~50 B shorter).
 */
const SCENARIO_ID = arg('scenario-id', 'bench');
const PRODUCER_ID = arg('producer-id', 'producer-0');
/** --set=name=value (repeatable): a librdkafka property over the service's, to try a setting on the lab. */
const CLIENT_OVERRIDES: Record<string, string> = Object.fromEntries(
  process.argv
    .filter((x) => x.startsWith('--set='))
    .map((x) => {
      const [name, ...value] = x.slice('--set='.length).split('=');
      return [name, value.join('=')];
    }),
);
/** Records the sink may hold (queued and in flight) before the run waits: the service's MAX_QUEUED_RECORDS by default. */
const MAX_QUEUED = Number(arg('max-queued', '200000'));

/**
 * Acknowledges each record on a later turn, at most 100 per turn (as the binding serves reports). Kept cheap (no
 * closure or object per record: three parallel rings), so that a profile without Kafka shows the producer's work.
 */
class AckingSink implements RecordSink {
  private static readonly CAPACITY = 200_000;
  private readonly listeners: Array<DeliveryListener | undefined> = new Array(AckingSink.CAPACITY).fill(undefined);
  private readonly partitions = new Int32Array(AckingSink.CAPACITY);
  private readonly dueAt = new Float64Array(AckingSink.CAPACITY);
  private head = 0;
  private length = 0;
  private offsets = [0, 0, 0, 0, 0, 0];
  private scheduled = false;
  produce(_topic: string, record: OutgoingRecord, listener: DeliveryListener): boolean {
    return this.enqueue(record.partition, listener);
  }
  private enqueue(partition: number, listener: DeliveryListener): boolean {
    if (this.length >= AckingSink.CAPACITY) return false;
    const i = (this.head + this.length) % AckingSink.CAPACITY;
    this.listeners[i] = listener;
    this.partitions[i] = partition;
    this.dueAt[i] = ACK_DELAY_MS > 0 ? performance.now() + ACK_DELAY_MS : 0;
    this.length += 1;
    this.schedule();
    return true;
  }
  /** The compact meta header is written into the client's batch: here into a scratch buffer, so that its cost counts. */
  private readonly scratch = Buffer.alloc(1024);
  produceWithHeader(
    _topic: string,
    partition: number,
    _key: Buffer,
    _value: Buffer,
    header: { length: number; writeInto(out: Uint8Array, at: number): void },
    listener: DeliveryListener,
  ): boolean {
    if (header.length > this.scratch.length) throw new RangeError(`a ${header.length}-byte header`);
    header.writeInto(this.scratch, 0);
    return this.enqueue(partition, listener);
  }
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const now = ACK_DELAY_MS > 0 ? performance.now() : 0;
      for (let n = 0; n < 100 && this.length > 0 && this.dueAt[this.head] <= now; n++) {
        const listener = this.listeners[this.head]!;
        const partition = this.partitions[this.head];
        this.listeners[this.head] = undefined;
        this.head = (this.head + 1) % AckingSink.CAPACITY;
        this.length -= 1;
        listener.onReport({ ok: true, partition, offset: this.offsets[partition]++ });
      }
      if (this.length > 0) this.schedule();
    });
  }
  async flush(): Promise<void> {
    while (this.length > 0) await new Promise((r) => setImmediate(r));
  }
  async partitionCount(): Promise<number> {
    return 6;
  }
}

/** The service's sink with the service's defaults (producer-service.ts, config.ts). */
function realSink(logger: Logger): Promise<ConnectedSink> {
  const options: KafkaSinkOptions = {
    acks: 'all',
    idempotent: true,
    compression: 'none',
    lingerMs: Number(arg('linger-ms', '5')),
    batchBytes: Number(arg('batch-bytes', String(DEFAULT_BATCH_BYTES))),
    deliveryTimeoutMs: 60_000,
    retries: 2_147_483_647,
    maxQueuedRecords: MAX_QUEUED,
    clientOverrides: CLIENT_OVERRIDES,
  };
  return connectKafkaSink({ brokers: BROKERS.split(',') }, 'producer-path-bench', options, logger);
}

interface RoundResult {
  kafka: boolean;
  encoding: RecordEncoding;
  size: number;
  acked: number;
  recordsPerSec: number;
  /** The whole process's CPU (every thread) per acknowledged record. */
  cpuUsPerRecord: number;
  /** The JavaScript thread's alone: what the producer's own code and the binding's calls cost. */
  mainThreadUsPerRecord: number;
  /** librdkafka's threads' (rdk:*): batching, the protocol, the sockets. */
  clientThreadsUsPerRecord: number;
  /** --threads: CPU us per record of each thread (by name), in user space and in the kernel. */
  threads?: Record<string, { user: number; system: number }>;
}

async function round(): Promise<RoundResult> {
  const r = validateScenario({
    name: 'bench',
    topics: [{ name: TOPIC, partitions: 6 }],
    workload: {
      rate: { records: RATE },
      duration: `${SECONDS}s`,
      keysPerPartition: KEYS_PER_PARTITION,
      recordSize: SIZE,
      encoding: ENCODING,
    },
  });
  if (!r.ok) throw r.error;
  let acked = 0;
  /** When the final report went out: every record had its acknowledgement (or was given up) by then. */
  let lastAckMs = 0;
  const startMs = Date.now();
  const logger = createLogger({
    service: 'producer',
    instance: 'bench',
    write: BROKERS ? (line) => process.stderr.write(`${line}\n`) : () => undefined,
  });
  const real = BROKERS ? await realSink(logger) : undefined;
  const run = new ProducerRun({
    scenarioId: SCENARIO_ID,
    spec: r.spec,
    producerId: PRODUCER_ID,
    recordsPerSecond: RATE,
    meanRecordBytes: SIZE,
    startAtMs: startMs,
    endAtMs: Date.now() + SECONDS * 1000,
    // The service's own payload source (random bytes, their checksums cached).
    payload: randomPayloadSource({ size: SIZE, seed: 7 }),
    sink: real ?? new AckingSink(),
    publish: async (e) => {
      if (e.type === 'producer.progress' && e.final) {
        acked = e.counts.acked;
        lastAckMs = e.atMs;
      }
    },
    clock: systemClock,
    logger,
    metrics: new ProducerMetrics(new Registry()),
    maxBatchRecords: Number(arg('max-batch-records', '100')),
    flushTimeoutMs: 10_000,
    progressIntervalMs: 1000,
    partitionCheckIntervalMs: 60_000,
    acksAll: true,
  });
  const threads = new ThreadCpuTracker();
  const polling = setInterval(() => threads.poll(), 250);
  await run.start();
  clearInterval(polling);
  const all = threads.since();
  const byMode = threads.sinceByMode();
  const { mainMs, clientMs } = splitThreads(all);
  await real?.disconnect();
  const perRecord = (ms: number) => Number(((ms * 1000) / Math.max(1, acked)).toFixed(2));
  return {
    kafka: real !== undefined,
    encoding: ENCODING,
    size: SIZE,
    acked,
    // Until the last acknowledgement, as ProducerPerformance counts: records still queued in the client at the end
    // of the schedule are not free.
    recordsPerSec: Math.round(acked / ((lastAckMs - startMs) / 1000)),
    cpuUsPerRecord: perRecord(Object.values(all).reduce((a, b) => a + b, 0)),
    mainThreadUsPerRecord: perRecord(mainMs),
    clientThreadsUsPerRecord: perRecord(clientMs),
    ...(SHOW_THREADS
      ? {
          threads: Object.fromEntries(
            Object.entries(byMode)
              .filter(([, t]) => t.userMs + t.systemMs > 0)
              .map(([name, t]) => [name, { user: perRecord(t.userMs), system: perRecord(t.systemMs) }]),
          ),
        }
      : {}),
  };
}

function describe(r: RoundResult): string {
  return (
    `${r.kafka ? 'kafka' : 'no kafka'} ${r.encoding} ${r.size} B: ${r.acked.toLocaleString('en-US')} records acked, ` +
    `${r.recordsPerSec.toLocaleString('en-US')} records/s (asked ${RATE.toLocaleString('en-US')}); CPU per record ${r.cpuUsPerRecord} us, ` +
    `of which the JavaScript thread ${r.mainThreadUsPerRecord} us and librdkafka's threads ${r.clientThreadsUsPerRecord} us` +
    (r.threads
      ? `; per thread (user/kernel us per record): ${Object.entries(r.threads)
          .map(([name, t]) => `${name} ${t.user}/${t.system}`)
          .join(', ')}`
      : '')
  );
}

async function main(): Promise<void> {
  for (let i = 0; i < ROUNDS; i++) {
    const r = await round();
    // --json: one line per round, for bench/producer/run.ts, which runs this beside the service on the lab.
    console.log(JSON_OUTPUT ? JSON.stringify(r) : `round ${i}: ${describe(r)}`);
  }
}

void main();
