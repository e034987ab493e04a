import { encodeRecord, KeyPlan, type ControlEventInput, type ScenarioSpec } from '@mirrorlab/protocol';
import type { Logger } from '@mirrorlab/service-kit';
import { AckLedger, type SendResult } from './ack-ledger';
import type { ProducerMetrics } from './producer-metrics';
import { RateMeter } from './rate-meter';
import { classifySendError } from './send-outcome';
import { TokenBucket } from './token-bucket';

export interface OutgoingRecord {
  /** Stated, not left to the client's partitioner: the sink checks the answer covers it. */
  partition: number;
  key: Buffer;
  value: Buffer;
  headers: Record<string, Buffer>;
}

/** The source cluster as this module needs it; main.ts adapts kafkajs to it. */
export interface RecordSink {
  send(topicMessages: Array<{ topic: string; messages: OutgoingRecord[] }>): Promise<void>;
  partitionCount(topic: string): Promise<number>;
}

export interface Clock {
  nowMs(): number;
  nowUs(): number;
  /** Resolves after `ms`, or earlier when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export interface PayloadSource {
  next(): Buffer;
}

export interface ProducerRunOptions {
  scenarioId: string;
  spec: ScenarioSpec;
  producerId: string;
  /** This producer's share of the rate, records/s. */
  recordsPerSecond: number;
  /** Every producer starts at the same announced moment, giving validators time to form their group. */
  startAtMs: number;
  endAtMs: number;
  payload: PayloadSource;
  sink: RecordSink;
  publish: (event: ControlEventInput) => Promise<void>;
  clock: Clock;
  logger: Logger;
  metrics: ProducerMetrics;
  maxBatchRecords: number;
  lingerMs: number;
  progressIntervalMs: number;
  partitionCheckIntervalMs: number;
  /** Test only: record indexes that are acknowledged in the ledger but never sent (a simulated loss). */
  skipRecordIndexes?: ReadonlySet<number>;
}

interface TopicWriter {
  topic: string;
  plan: KeyPlan;
  nextIndex: number;
}

interface PendingRecord {
  writer: TopicWriter;
  keyEpoch: number;
  key: string;
  seq: number;
  bytes: number;
}

/**
 * One producer's part of one scenario: writes the scenario's topics at the
 * target rate with keys from a KeyPlan, one produce request in flight at a
 * time (so per-key order on the wire is the sequence order), and keeps the
 * source cluster's answer for every record. Publishes progress while it runs
 * and a final report (with every key's acked/failed/indeterminate ranges) when
 * it stops.
 */
export class ProducerRun {
  private readonly ledger = new AckLedger();
  private readonly stop = new AbortController();
  private readonly writers: TopicWriter[] = [];
  private nextWriter = 0;
  private sent = 0;
  private bytesSent = 0;
  private meter: RateMeter;
  private replans = new Map<string, number>();
  private finished: Promise<void> | undefined;

  constructor(private readonly o: ProducerRunOptions) {
    this.meter = new RateMeter(Math.max(o.startAtMs, o.clock.nowMs()));
  }

  get scenarioId(): string {
    return this.o.scenarioId;
  }

  /** Starts the run; resolves when it has stopped and published its final report. */
  start(): Promise<void> {
    this.finished ??= this.run();
    return this.finished;
  }

  /** Asks the run to stop after the request in flight; resolves when the final report is out. */
  async requestStop(reason: string): Promise<void> {
    if (!this.stop.signal.aborted) this.o.logger.info('producer_run_stopping', { reason });
    this.stop.abort();
    await this.finished;
  }

  private async run(): Promise<void> {
    const { o } = this;
    const keysPerPartition = o.spec.workload.keysPerPartition;
    for (const t of o.spec.topics) {
      const partitions = await o.sink.partitionCount(t.name);
      this.writers.push({ topic: t.name, plan: KeyPlan.build({ producerId: this.keySpace(t.name), partitions, keysPerPartition, epoch: 0 }), nextIndex: 0 });
    }
    o.metrics.runStarted(o.scenarioId, o.producerId, this.writers.map((w) => w.topic));
    o.logger.info('producer_run_started', { recordsPerSecond: o.recordsPerSecond, topics: this.writers.map((w) => ({ topic: w.topic, keys: w.plan.keyCount })), endAtMs: o.endAtMs });
    const timers = [
      setInterval(() => void this.publishProgress(false), o.progressIntervalMs),
      setInterval(() => void this.checkPartitions(), o.partitionCheckIntervalMs),
    ];
    try {
      await this.sendLoop();
    } finally {
      timers.forEach(clearInterval);
    }
    await this.publishProgress(true);
    o.logger.info('producer_run_finished', { sent: this.sent, ...this.ledger.counts });
  }

  private async sendLoop(): Promise<void> {
    const { o } = this;
    const untilStart = o.startAtMs - o.clock.nowMs();
    if (untilStart > 0) await o.clock.sleep(untilStart, this.stop.signal);
    const bucket = new TokenBucket(o.recordsPerSecond, o.clock.nowMs());
    while (!this.stop.signal.aborted) {
      const now = o.clock.nowMs();
      if (now >= o.endAtMs) break;
      const wait = Math.max(bucket.msUntilNext(now), 0);
      if (wait > 0) {
        await o.clock.sleep(Math.min(wait, o.endAtMs - now), this.stop.signal);
        continue;
      }
      this.applyReplans();
      const n = bucket.take(now, o.maxBatchRecords);
      if (n > 0) await this.sendBatch(n);
      if (o.lingerMs > 0) await o.clock.sleep(o.lingerMs, this.stop.signal);
    }
  }

  private async sendBatch(n: number): Promise<void> {
    const { o } = this;
    const byTopic = new Map<string, OutgoingRecord[]>();
    const pending: PendingRecord[] = [];
    const skipped: PendingRecord[] = [];
    for (let i = 0; i < n; i++) {
      const writer = this.writers[this.nextWriter];
      this.nextWriter = (this.nextWriter + 1) % this.writers.length;
      const index = writer.nextIndex++;
      const slot = writer.plan.slotForRecord(index);
      const payload = o.payload.next();
      const rec = encodeRecord({
        meta: { scenarioId: o.scenarioId, producerId: o.producerId, keyEpoch: writer.plan.epoch, seq: slot.seq, sendTimeUs: o.clock.nowUs() },
        key: slot.key,
        payload,
        encoding: o.spec.workload.encoding,
      });
      const p = { writer, keyEpoch: writer.plan.epoch, key: slot.key, seq: slot.seq, bytes: rec.value.length };
      if (o.skipRecordIndexes?.has(index)) {
        skipped.push(p);
        continue;
      }
      pending.push(p);
      let list = byTopic.get(writer.topic);
      if (!list) byTopic.set(writer.topic, (list = []));
      list.push({ ...rec, partition: writer.plan.partitionOfKey(slot.keyIndex) });
    }
    // A skipped record is booked as acknowledged: the checker must then find it lost.
    for (const p of skipped) this.ledger.record('acked', p.writer.topic, p.keyEpoch, p.key, p.seq);
    if (pending.length === 0) return;

    const started = o.clock.nowMs();
    this.sent += pending.length;
    this.meter.sent(started, pending.length);
    for (const p of pending) {
      this.bytesSent += p.bytes;
      o.metrics.sent(o.scenarioId, o.producerId, p.writer.topic, 1, p.bytes);
    }
    let result: SendResult = 'acked';
    try {
      await o.sink.send([...byTopic].map(([topic, messages]) => ({ topic, messages })));
    } catch (err) {
      result = classifySendError(err);
      o.logger.warn('produce_request_failed', { records: pending.length, result, err });
    }
    const done = o.clock.nowMs();
    o.metrics.sendLatency(o.scenarioId, o.producerId, (done - started) / 1000);
    for (const p of pending) {
      this.ledger.record(result, p.writer.topic, p.keyEpoch, p.key, p.seq);
      o.metrics.result(o.scenarioId, o.producerId, p.writer.topic, result);
    }
    if (result === 'acked') this.meter.acked(done, pending.length);
  }

  /**
   * The checker tells keys apart by (producer, epoch, key), not by topic (target topic
   * names differ from source ones). With several topics, each topic's keys therefore
   * get the topic in their producer part, so the same key string never appears in two.
   */
  private keySpace(topic: string): string {
    return this.o.spec.topics.length > 1 ? `${this.o.producerId}/${topic}` : this.o.producerId;
  }

  private async checkPartitions(): Promise<void> {
    for (const w of this.writers) {
      try {
        const partitions = await this.o.sink.partitionCount(w.topic);
        if (partitions > w.plan.partitions) this.replans.set(w.topic, partitions);
      } catch (err) {
        this.o.logger.warn('partition_check_failed', { topic: w.topic, err });
      }
    }
  }

  /** Partitions were added: start a new key epoch so the checker never mistakes the new layout for reordering. */
  private applyReplans(): void {
    for (const [topic, partitions] of this.replans) {
      const w = this.writers.find((x) => x.topic === topic)!;
      const epoch = w.plan.epoch + 1;
      w.plan = KeyPlan.build({ producerId: this.keySpace(topic), partitions, keysPerPartition: this.o.spec.workload.keysPerPartition, epoch });
      w.nextIndex = 0;
      this.o.logger.info('key_epoch_started', { topic, epoch, partitions });
    }
    this.replans.clear();
  }

  private async publishProgress(final: boolean): Promise<void> {
    const { o } = this;
    const now = o.clock.nowMs();
    const achievedRate = this.meter.achievedRate(now);
    o.metrics.rates(o.scenarioId, o.producerId, achievedRate, o.recordsPerSecond);
    try {
      await o.publish({
        v: 1,
        type: 'producer.progress',
        scenarioId: o.scenarioId,
        atMs: now,
        source: o.producerId,
        producerId: o.producerId,
        final,
        counts: { sent: this.sent, ...this.ledger.counts, bytesSent: this.bytesSent, achievedRate, targetRate: o.recordsPerSecond },
        keys: this.ledger.toKeyReports(),
        windows: this.meter.drainClosed(now, final),
      });
    } catch (err) {
      o.logger.error('progress_publish_failed', { final, err });
      if (final) throw err;
    }
  }
}
