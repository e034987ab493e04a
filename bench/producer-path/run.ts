/**
 * The producer's own CPU per record, without Kafka: a ProducerRun (services/producer) writing into a sink that
 * acknowledges every record on the next turn of the event loop, as the librdkafka binding serves delivery reports
 * (up to 100 per turn). Everything the producer does per record is in it (pacing, key plan, encoding, the ack and
 * source-offset ledgers, metrics, per-second meters) except the binding's native produce() call. A micro-benchmark
 * for changes to that path; the producer's real rate is bench/producer/run.ts --only=producer on the lab.
 *
 *   npx tsx bench/producer-path/run.ts [--size=1024] [--seconds=3] [--rounds=3] [--encoding=single-header] [--rate=100000]
 *     [--ack-delay-ms=0]
 */
import { validateScenario, type RecordEncoding } from '@mirrorlab/protocol';
import { createLogger, systemClock } from '@mirrorlab/service-kit';
import { Registry } from 'prom-client';
import { ProducerMetrics } from '../../services/producer/src/producer-metrics';
import { ProducerRun, type Delivery, type OutgoingRecord, type RecordSink } from '../../services/producer/src/producer-run';

const arg = (name: string, fallback: string): string => process.argv.find((x) => x.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const SIZE = Number(arg('size', '1024'));
const SECONDS = Number(arg('seconds', '3'));
const ROUNDS = Number(arg('rounds', '3'));
const ENCODING = arg('encoding', 'single-header') as RecordEncoding;
const RATE = Number(arg('rate', '100000'));
/** How long after it is produced a record is acknowledged (a broker's round trip with acks=all is tens to hundreds of ms). */
const ACK_DELAY_MS = Number(arg('ack-delay-ms', '0'));

/** Acknowledges each record on a later turn, at most 100 per turn (as the binding serves reports). */
class AckingSink implements RecordSink {
  private queue: Array<{ at: number; deliver: () => void }> = [];
  private offsets = [0, 0, 0, 0, 0, 0];
  private scheduled = false;
  produce(_topic: string, record: OutgoingRecord, onDelivery: (d: Delivery) => void): boolean {
    if (this.queue.length >= 200_000) return false;
    const partition = record.partition;
    this.queue.push({
      at: performance.now() + ACK_DELAY_MS,
      deliver: () => onDelivery({ ok: true, partition, offset: this.offsets[partition]++ }),
    });
    this.schedule();
    return true;
  }
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const now = performance.now();
      let n = 0;
      while (n < 100 && n < this.queue.length && this.queue[n].at <= now) n++;
      for (const { deliver } of this.queue.splice(0, n)) deliver();
      if (this.queue.length > 0) this.schedule();
    });
  }
  async flush(): Promise<void> {
    while (this.queue.length > 0) await new Promise((r) => setImmediate(r));
  }
  async partitionCount(): Promise<number> {
    return 6;
  }
}

async function round(): Promise<string> {
  const r = validateScenario({
    name: 'bench',
    topics: [{ name: 'bench', partitions: 6 }],
    workload: { rate: { records: RATE }, duration: `${SECONDS}s`, keysPerPartition: 100, recordSize: SIZE, encoding: ENCODING },
  });
  if (!r.ok) throw r.error;
  const payload = Buffer.alloc(SIZE, 7);
  let acked = 0;
  const run = new ProducerRun({
    scenarioId: 'bench',
    spec: r.spec,
    producerId: 'producer-0',
    recordsPerSecond: RATE,
    meanRecordBytes: SIZE,
    startAtMs: Date.now(),
    endAtMs: Date.now() + SECONDS * 1000,
    payload: { next: () => payload },
    sink: new AckingSink(),
    publish: async (e) => {
      if (e.type === 'producer.progress' && e.final) acked = e.counts.acked;
    },
    clock: systemClock,
    logger: createLogger({ service: 'producer', instance: 'bench', write: () => undefined }),
    metrics: new ProducerMetrics(new Registry()),
    maxBatchRecords: 100,
    flushTimeoutMs: 10_000,
    progressIntervalMs: 1000,
    partitionCheckIntervalMs: 60_000,
    acksAll: true,
  });
  const cpu0 = process.cpuUsage();
  await run.start();
  const cpu = process.cpuUsage(cpu0);
  const us = (cpu.user + cpu.system) / acked;
  return `${ENCODING} ${SIZE} B: ${acked.toLocaleString('en-US')} records acked, ${us.toFixed(2)} us of CPU per record (${Math.round(acked / SECONDS).toLocaleString('en-US')} records/s asked ${RATE.toLocaleString('en-US')})`;
}

async function main(): Promise<void> {
  for (let i = 0; i < ROUNDS; i++) console.log(`round ${i}: ${await round()}`);
}

void main();
