import { crc32 } from 'node:zlib';
import { KeyPlan, RecordEncoder, type CompactHeader, type ScenarioSpec } from '@mirrorlab/protocol';
import { type ControlEventInput } from '@mirrorlab/control';
import { sleepUnlessAborted, type Clock, type Logger } from '@mirrorlab/service-kit';
import { AckLedger, type SendResult } from './ack-ledger';
import { SourceOffsetLedger } from './source-offset-ledger';
import { Pacer, type RateAt } from './pacer';
import { rampFromMeasuring } from './ramp-anchor';
import { PublishDelayWindows } from './publish-delay-windows';
import type { ProducerMetrics } from './producer-metrics';
import { RateMeter } from './rate-meter';
import { classifyDeliveryError } from './send-outcome';
import { endTransaction, plannedEnding, type TransactionControl, type TransactionOutcome } from './transaction-plan';
import { inRotation, trickleRateFor } from './quiet-topics';
import { OutstandingRecords, PendingRecord, type Delivery, type DeliveryListener, type KeyState } from './pending-record';

export type { Delivery, DeliveryListener } from './pending-record';

export interface OutgoingRecord {
  /** Stated, not left to the client's partitioner: the delivery report must name it. */
  partition: number;
  key: Buffer;
  value: Buffer;
  headers: Record<string, Buffer>;
}

/**
 * The source cluster as this module needs it; kafka-sink.ts adapts librdkafka to it. The client
 * keeps a queue per partition, so a partition without a leader waits and retries on its own
 * while the others keep flowing; per-key order comes from the idempotent producer.
 */
export interface RecordSink {
  /**
   * Queues one record. Returns false, queuing nothing, when the client's queue is full (try
   * again later). `listener.onReport` is then called exactly once, with this record's own outcome.
   */
  produce(topic: string, record: OutgoingRecord, listener: DeliveryListener): boolean;
  /**
   * `produce` for a record whose one header (the compact encoding's meta) is written straight into the client's
   * batch: no buffer, header map or record object per record. `header` is valid only during the call. A sink
   * without it is given compact records through `produce`.
   */
  produceWithHeader?(
    topic: string,
    partition: number,
    key: Buffer,
    value: Buffer,
    header: CompactHeader,
    listener: DeliveryListener,
  ): boolean;
  /** Resolves when every queued record has had its delivery report, or after `timeoutMs`. */
  flush(timeoutMs: number): Promise<void>;
  partitionCount(topic: string): Promise<number>;
  /** Present when the client was set up transactional (a scenario with `workload.transactions`). */
  transactions?: TransactionControl;
}

export interface PayloadSource {
  next(): Buffer;
  /** The CRC-32 of the payload `next()` last returned, when the source keeps them (libs/protocol's sources do). */
  lastChecksum?(): number;
}

export interface ProducerRunOptions {
  scenarioId: string;
  spec: ScenarioSpec;
  producerId: string;
  /** This producer's share of the rate, records/s (the mean of a ramp). */
  recordsPerSecond: number;
  /** This producer's share of the rate at a moment of the run; default: `recordsPerSecond` throughout. */
  rateAt?: RateAt;
  /** Payload bytes per requested record (for the requested bytes/s). */
  meanRecordBytes: number;
  /** Every producer starts at the same announced moment, giving validators time to form their group. */
  startAtMs: number;
  endAtMs: number;
  payload: PayloadSource;
  sink: RecordSink;
  publish: (event: ControlEventInput) => Promise<void>;
  clock: Clock;
  logger: Logger;
  metrics: ProducerMetrics;
  /** Records handed to the client per turn of the send loop, at most (other work gets the event loop in between). */
  maxBatchRecords: number;
  /** How long the end of a run waits for the last delivery reports before booking the rest indeterminate. */
  flushTimeoutMs: number;
  progressIntervalMs: number;
  partitionCheckIntervalMs: number;
  /** When the measured workload started (scenario.measuring), once known: quiet topics go quiet counted from it. */
  measuringAtMs?: () => number | undefined;
  /** The source acknowledges only records below its high watermark (acks=all): their acknowledgement times go into producer.offsets. */
  acksAll?: boolean;
}

interface TopicWriter {
  topic: string;
  plan: KeyPlan;
  /** Per key index of `plan`, filled as keys are first written (emptied with a new plan). */
  keys: Array<KeyState | undefined>;
  nextIndex: number;
  spec: ScenarioSpec['topics'][number];
  /** A quiet topic's trickle (`quiet.rate` > 0): its own schedule, from the moment it goes quiet. */
  trickle?: Pacer;
}

/** The open transaction: which one it is (for the abort plan) and what was written in it. */
interface OpenTransaction {
  index: number;
  records: PendingRecord[];
}

/**
 * Records that share one reading of the clock as their send time. All records handed in one turn of the send loop
 * reach the client together at its end, so a reading a few records old is as true as a fresh one, and reading the
 * clock was ~8% of the producer's CPU per record at 100 B (bench/producer-path). Each turn starts with a fresh one.
 */
const RECORDS_PER_SEND_CLOCK = 16;

/** Commit or abort attempts on retriable errors before the producer is given up. */
const TRANSACTION_ATTEMPTS = 5;

/**
 * One producer's part of one scenario: writes the scenario's topics on a fixed
 * schedule (Pacer) with keys from a KeyPlan, each record to its own partition
 * through a client that queues per partition, and books every record by its own
 * delivery report. Publishes progress (with requested vs achieved load per
 * second) while it runs and a final report (with every key's
 * acked/failed/indeterminate ranges) when it stops.
 */
export class ProducerRun {
  private readonly ledger = new AckLedger();
  private readonly sourceOffsets = new SourceOffsetLedger();
  private readonly stop = new AbortController();
  private readonly writers: TopicWriter[] = [];
  private nextWriter = 0;
  private sent = 0;
  private bytesSent = 0;
  private readonly meter: RateMeter;
  private readonly rateAt: RateAt;
  private readonly startMs: number;
  private pacer: Pacer | undefined;
  private readonly outstanding = new OutstandingRecords();
  /** Every record's delivery listener calls this (one function for the run, not a closure per record). */
  private readonly deliver = (p: PendingRecord, d: Delivery): void => this.onDelivery(p, d);
  /** Outcomes not yet added to the Prometheus counters, per topic. */
  private readonly unreported = new Map<string, Record<SendResult | 'sent' | 'bytes', number>>();
  /** The `unreported` counts used last (a run mostly writes and hears one topic at a time). */
  private lastUnreported: Record<SendResult | 'sent' | 'bytes', number> | undefined;
  private lastUnreportedTopic = '';
  private readonly observe: ReturnType<ProducerMetrics['latencyObservers']>;
  /** A payload drawn for a record the client's full queue refused: used for the next one, so replayed payloads keep their order. */
  private heldPayload: Buffer | undefined;
  private heldChecksum: number | undefined;
  private readonly encoder: RecordEncoder;
  /** Compact records go to a sink that packs batches: their meta header is written straight into its batch. */
  private readonly writesHeaderIntoSink: boolean;
  /** Acknowledged records per second, topic and partition (array index), not yet published. */
  private readonly partitionAcks = new Map<number, Map<string, number[]>>();
  /** The `partitionAcks` counts the last acknowledgement went to (consecutive ones mostly share a second and topic). */
  private lastAckCounts: number[] | undefined;
  private lastAckSecond = 0;
  private lastAckTopic = '';
  /** Scheduled send time to acknowledgement, per second of acknowledgement, not yet published. */
  private readonly publishDelays = new PublishDelayWindows();
  private replans = new Map<string, number>();
  private finished: Promise<void> | undefined;
  private transaction: OpenTransaction | undefined;
  private transactionsEnded = 0;
  /** The send time of the next records (sendClockUs), and how many more records may use it. */
  private sendUs = 0;
  private sendUsLeft = 0;
  /** The time of the delivery reports being handled in this task (ackClockUs), -1 when not read yet. */
  private ackUs = -1;
  private readonly forgetAckUs = (): void => {
    this.ackUs = -1;
  };

  constructor(private readonly o: ProducerRunOptions) {
    if (o.spec.workload.transactions !== undefined && o.sink.transactions === undefined) {
      throw new Error('workload.transactions is set but the sink is not transactional: connect it with a transactional id');
    }
    this.startMs = Math.max(o.startAtMs, o.clock.nowMs());
    const rate = o.recordsPerSecond;
    const rateAt = o.rateAt ?? (() => rate);
    // A ramp's steps count from the measured start, so none of them is spent in the warm-up.
    this.rateAt = 'ramp' in o.spec.workload.rate && o.measuringAtMs ? rampFromMeasuring(rateAt, this.startMs, o.measuringAtMs) : rateAt;
    // Requested load: the workload's rate plus the trickles of quiet topics once they are quiet.
    const requestedAt: RateAt = (t) => this.rateAt(t) + this.trickleRateAt(this.startMs + t);
    this.meter = new RateMeter({ startMs: this.startMs, endMs: o.endAtMs, rateAt: requestedAt, meanRecordBytes: o.meanRecordBytes });
    this.observe = o.metrics.latencyObservers(o.scenarioId, o.producerId);
    this.encoder = new RecordEncoder({ scenarioId: o.scenarioId, producerId: o.producerId }, o.spec.workload.encoding);
    this.writesHeaderIntoSink = o.spec.workload.encoding === 'compact' && o.sink.produceWithHeader !== undefined;
  }

  get scenarioId(): string {
    return this.o.scenarioId;
  }

  /** Starts the run; resolves when it has stopped and published its final report. */
  start(): Promise<void> {
    this.finished ??= this.run();
    return this.finished;
  }

  /** Asks the run to stop sending; resolves when the last delivery reports are in and the final report is out. */
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
      this.writers.push({
        topic: t.name,
        plan: KeyPlan.build({ producerId: this.keySpace(t.name), partitions, keysPerPartition, epoch: 0 }),
        keys: [],
        nextIndex: 0,
        spec: t,
      });
    }
    o.metrics.runStarted(
      o.scenarioId,
      o.producerId,
      this.writers.map((w) => w.topic),
    );
    o.logger.info('producer_run_started', {
      recordsPerSecond: o.recordsPerSecond,
      topics: this.writers.map((w) => ({ topic: w.topic, keys: w.plan.keyCount })),
      endAtMs: o.endAtMs,
    });
    const timers = [
      setInterval(() => void this.publishProgress(false), o.progressIntervalMs),
      setInterval(() => void this.checkPartitions(), o.partitionCheckIntervalMs),
    ];
    try {
      await this.sendLoop();
      await this.settleOutstanding();
    } finally {
      timers.forEach(clearInterval);
    }
    await this.publishProgress(true);
    o.logger.info('producer_run_finished', { sent: this.sent, shed: this.pacer?.shed ?? 0, ...this.ledger.counts });
  }

  private async sendLoop(): Promise<void> {
    const { o } = this;
    const untilStart = o.startAtMs - o.clock.nowMs();
    if (untilStart > 0) await sleepUnlessAborted(o.clock, untilStart, this.stop.signal);
    const pacer = (this.pacer = new Pacer({ startMs: this.startMs, rateAt: this.rateAt }));
    while (!this.stop.signal.aborted) {
      const now = o.clock.nowMs();
      if (now >= o.endAtMs) break;
      this.applyReplans();
      // The send time of this turn's records is read in this turn (sendClockUs).
      this.sendUsLeft = 0;
      let queueFull = false;
      let handed = 0;
      let bytes = 0;
      const tx = o.spec.workload.transactions;
      if (tx && this.transaction === undefined && pacer.next(now) !== undefined) await this.beginTransaction();
      const batchLimit = tx ? Math.min(o.maxBatchRecords, tx.size - (this.transaction?.records.length ?? 0)) : o.maxBatchRecords;
      for (
        let scheduled = pacer.next(now);
        scheduled !== undefined && scheduled < o.endAtMs && handed < batchLimit;
        scheduled = pacer.next(now)
      ) {
        const size = this.produceOne(scheduled);
        if (size === undefined) {
          queueFull = true;
          break;
        }
        pacer.advance();
        handed += 1;
        bytes += size;
      }
      if (!queueFull) {
        const trickled = this.sendTrickles(now);
        queueFull = trickled.queueFull;
        handed += trickled.handed;
        bytes += trickled.bytes;
      }
      if (handed > 0) this.meter.sent(now, handed, bytes);
      if (tx && this.transaction !== undefined && this.transaction.records.length >= tx.size) {
        await this.finishTransaction();
        continue;
      }
      // A full client queue drains as delivery reports come in; otherwise sleep until the next record is due.
      const nextDueMs = Math.min(pacer.nextDueMs, ...this.writers.map((w) => w.trickle?.nextDueMs ?? Infinity));
      const wait = queueFull ? 2 : handed >= o.maxBatchRecords ? 0 : Math.ceil(nextDueMs - o.clock.nowMs());
      if (wait > 0) await sleepUnlessAborted(o.clock, Math.min(wait, o.endAtMs - o.clock.nowMs()), this.stop.signal);
      else await new Promise((r) => setImmediate(r));
    }
    if (this.transaction !== undefined) await this.finishTransaction();
  }

  private async beginTransaction(): Promise<void> {
    await this.o.sink.transactions!.begin();
    this.transaction = { index: this.transactionsEnded, records: [] };
  }

  /**
   * Ends the open transaction as the plan says and books each of its records by the
   * transaction's outcome (delivery reports of records in a transaction only say they were
   * written, not committed). A producer left unusable stops the run: its last records are
   * indeterminate.
   */
  private async finishTransaction(): Promise<void> {
    const { o } = this;
    const t = this.transaction!;
    this.transaction = undefined;
    this.transactionsEnded += 1;
    const ending = plannedEnding(t.index, o.spec.workload.transactions!);
    // An abort purges what is not written yet: wait until every record of the transaction is in the
    // log first, so the aborted records really sit there behind an abort marker for a replicator to
    // (wrongly) copy. (librdkafka's abort with records still in flight also failed on the lab.)
    if (ending === 'abort') await o.sink.flush(o.flushTimeoutMs);
    const { outcome, fatal } = await endTransaction(o.sink.transactions!, ending, TRANSACTION_ATTEMPTS, (what, err, action) =>
      o.logger.warn('transaction_end_failed', { what, action, transaction: t.index, records: t.records.length, err }),
    );
    const nowUs = o.clock.nowUs();
    for (const p of t.records) this.settleTransactional(p, outcome, nowUs);
    if (fatal) {
      o.logger.error('transactional_producer_failed', {
        transaction: t.index,
        booked: outcome,
        detail: 'the producer cannot write further transactions; the run stops',
      });
      this.stop.abort();
    }
  }

  private settleTransactional(p: PendingRecord, outcome: TransactionOutcome, nowUs: number): void {
    if (p.settled) return;
    this.book(p, outcome);
    if (outcome === 'acked') this.countAcked(p, nowUs);
  }

  /**
   * Quiet topics' trickles: each quiet topic with a `quiet.rate` gets its own schedule once the
   * measured workload's start is known, from the moment it goes quiet.
   */
  private sendTrickles(now: number): { handed: number; bytes: number; queueFull: boolean } {
    const measuringAtMs = this.o.measuringAtMs?.();
    let handed = 0;
    let bytes = 0;
    for (const w of this.writers) {
      if (w.spec.quiet === undefined || measuringAtMs === undefined) continue;
      const rate = trickleRateFor(this.o.spec.workload, w.spec);
      if (!(rate > 0)) continue;
      w.trickle ??= new Pacer({ startMs: measuringAtMs + w.spec.quiet.after, rateAt: () => rate });
      for (let scheduled = w.trickle.next(now); scheduled !== undefined && scheduled < this.o.endAtMs; scheduled = w.trickle.next(now)) {
        const size = this.produceOne(scheduled, w);
        if (size === undefined) return { handed, bytes, queueFull: true };
        w.trickle.advance();
        handed += 1;
        bytes += size;
      }
    }
    return { handed, bytes, queueFull: false };
  }

  /** Records/s the quiet topics' trickles ask of this producer at `atMs` (0 until the measured workload's start is known). */
  private trickleRateAt(atMs: number): number {
    const measuringAtMs = this.o.measuringAtMs?.();
    if (measuringAtMs === undefined) return 0;
    let sum = 0;
    for (const t of this.o.spec.topics)
      if (t.quiet !== undefined && atMs >= measuringAtMs + t.quiet.after) sum += trickleRateFor(this.o.spec.workload, t);
    return sum;
  }

  /**
   * The writer the workload's next record goes to: round-robin over the topics in rotation (a
   * quiet topic leaves it once quiet; if none were left, every topic stays in it).
   */
  private rotationWriter(scheduledMs: number): TopicWriter {
    const measuringAtMs = this.o.measuringAtMs?.();
    for (let i = 0; i < this.writers.length; i++) {
      const w = this.writers[(this.nextWriter + i) % this.writers.length];
      if (inRotation(w.spec, scheduledMs, measuringAtMs)) {
        this.nextWriter = (this.nextWriter + i) % this.writers.length;
        return w;
      }
    }
    return this.writers[this.nextWriter];
  }

  /**
   * Hands the next record to the client (to `trickleOf`, a quiet topic's trickle, else to the
   * rotation's next topic); its payload size, or undefined when the client's queue is full.
   */
  private produceOne(scheduledMs: number, trickleOf?: TopicWriter): number | undefined {
    const { o } = this;
    const writer = trickleOf ?? this.rotationWriter(scheduledMs);
    // The key plan's slot for the writer's next record (KeyPlan.slotForRecord, without its checks and its object).
    const keyCount = writer.plan.keys.length;
    const keyIndex = writer.nextIndex % keyCount;
    const seq = (writer.nextIndex - keyIndex) / keyCount;
    const keyState = writer.keys[keyIndex] ?? this.keyStateOf(writer, keyIndex, writer.plan.keys[keyIndex]!);
    // A payload held back from a refused record goes first, so replayed payloads keep their order.
    let payload = this.heldPayload;
    let checksum = this.heldChecksum;
    this.heldPayload = undefined;
    if (payload === undefined) {
      payload = o.payload.next();
      checksum = o.payload.lastChecksum?.();
    }
    const sentUs = this.sendClockUs();
    const scheduledUs = Math.round(scheduledMs * 1000);
    const p = new PendingRecord(writer.topic, writer.plan.epoch, seq, keyState, scheduledMs, sentUs, this.deliver);
    let valueBytes: number;
    let taken: boolean;
    if (this.writesHeaderIntoSink) {
      const header = this.encoder.compactHeader(p.keyEpoch, seq, sentUs, scheduledUs, keyState.bytes, checksum ?? crc32(payload));
      taken = o.sink.produceWithHeader!(writer.topic, p.partition, keyState.bytes, payload, header, p);
      valueBytes = payload.length;
    } else {
      const rec = this.encoder.encode({
        keyEpoch: p.keyEpoch,
        seq,
        sendTimeUs: sentUs,
        scheduledTimeUs: scheduledUs,
        key: keyState.bytes,
        payload,
        payloadChecksum: checksum,
      });
      const outgoing: OutgoingRecord = { partition: p.partition, key: rec.key, value: rec.value, headers: rec.headers };
      taken = o.sink.produce(writer.topic, outgoing, p);
      valueBytes = rec.value.length;
    }
    if (!taken) {
      this.heldPayload = payload;
      this.heldChecksum = checksum;
      return undefined;
    }
    this.outstanding.add(p);
    if (this.transaction !== undefined) {
      p.inTransaction = true;
      this.transaction.records.push(p);
    }
    this.sent += 1;
    this.bytesSent += valueBytes;
    const u = this.unreportedOf(p.topic);
    u.sent += 1;
    u.bytes += valueBytes;
    writer.nextIndex += 1;
    if (trickleOf === undefined) this.nextWriter = (this.nextWriter + 1) % this.writers.length;
    return payload.length;
  }

  /** The send time of a record being handed to the client: the clock read at most RECORDS_PER_SEND_CLOCK records ago in this turn. */
  private sendClockUs(): number {
    if (this.sendUsLeft === 0) {
      this.sendUs = this.o.clock.nowUs();
      this.sendUsLeft = RECORDS_PER_SEND_CLOCK;
    }
    this.sendUsLeft -= 1;
    return this.sendUs;
  }

  /**
   * The time the delivery reports being handled now arrived: read once per task (the client hands over its reports
   * in batches, each in one task), forgotten when the task's microtasks run. The producer's own time working through
   * a large batch so does not count as the records' latency.
   */
  private ackClockUs(): number {
    if (this.ackUs < 0) {
      this.ackUs = this.o.clock.nowUs();
      queueMicrotask(this.forgetAckUs);
    }
    return this.ackUs;
  }

  /** A key's first record in this plan: its bytes (checked once), partition, and ledger entries. */
  private keyStateOf(writer: TopicWriter, keyIndex: number, key: string): KeyState {
    const epoch = writer.plan.epoch;
    const partition = writer.plan.partitionOfKey(keyIndex);
    const state: KeyState = {
      key,
      bytes: this.encoder.keyBytes(key),
      partition,
      ledger: this.ledger.entryFor(writer.topic, epoch, key),
      offsets: this.sourceOffsets.entryFor(writer.topic, partition, epoch, key),
    };
    writer.keys[keyIndex] = state;
    return state;
  }

  private onDelivery(p: PendingRecord, d: Delivery): void {
    if (p.settled) return;
    if (p.inTransaction) {
      // Written (or not) inside a transaction: its outcome is the transaction's. The write's own latency still counts.
      if (d.ok) this.observe.sendToAck((this.ackClockUs() - p.sentUs) / 1e6);
      return;
    }
    let result: SendResult;
    if (d.ok && d.partition === p.partition) {
      result = 'acked';
    } else if (d.ok) {
      // The client wrote it elsewhere than asked: not the record's own partition, so not proof of it.
      result = 'indeterminate';
      this.o.logger.warn('delivery_report_wrong_partition', { topic: p.topic, asked: p.partition, got: d.partition, offset: d.offset });
    } else {
      result = classifyDeliveryError(d.error);
      this.o.logger.warn('record_delivery_failed', {
        topic: p.topic,
        partition: p.partition,
        key: p.key,
        seq: p.seq,
        result,
        err: d.error,
      });
    }
    this.book(p, result);
    if (result === 'acked') {
      const nowUs = this.ackClockUs();
      // An offset of -1 is a report without one (acks=0, or a sink that never wrote it): nothing to audit.
      if (d.ok && d.offset >= 0)
        this.sourceOffsets.recordIn(p.keyState.offsets, p.seq, d.offset, this.o.acksAll ? Math.floor(nowUs / 1000) : undefined);
      this.observe.sendToAck((nowUs - p.sentUs) / 1e6);
      this.countAcked(p, nowUs);
    }
  }

  /** An acknowledged (committed) record in the per-second acks, per partition, and the schedule-to-ack latency. */
  private countAcked(p: PendingRecord, nowUs: number): void {
    this.meter.acked(nowUs / 1000, 1);
    const second = Math.floor(nowUs / 1e6) * 1000;
    let counts = this.lastAckCounts;
    if (counts === undefined || second !== this.lastAckSecond || p.topic !== this.lastAckTopic) {
      let bySecond = this.partitionAcks.get(second);
      if (bySecond === undefined) this.partitionAcks.set(second, (bySecond = new Map()));
      counts = bySecond.get(p.topic);
      if (counts === undefined) bySecond.set(p.topic, (counts = []));
      this.lastAckCounts = counts;
      this.lastAckSecond = second;
      this.lastAckTopic = p.topic;
    }
    counts[p.partition] = (counts[p.partition] ?? 0) + 1;
    this.observe.scheduleToAck(Math.max(0, nowUs / 1000 - p.scheduledMs) / 1000);
    this.publishDelays.add(nowUs / 1000, nowUs - p.scheduledMs * 1000);
  }

  private book(p: PendingRecord, result: SendResult): void {
    p.settled = true;
    this.outstanding.delete(p);
    this.ledger.recordIn(p.keyState.ledger, result, p.seq);
    this.unreportedOf(p.topic)[result] += 1;
  }

  private unreportedOf(topic: string): Record<SendResult | 'sent' | 'bytes', number> {
    if (topic === this.lastUnreportedTopic && this.lastUnreported !== undefined) return this.lastUnreported;
    let counts = this.unreported.get(topic);
    if (!counts) this.unreported.set(topic, (counts = { acked: 0, failed: 0, indeterminate: 0, aborted: 0, sent: 0, bytes: 0 }));
    this.lastUnreportedTopic = topic;
    this.lastUnreported = counts;
    return counts;
  }

  /** Waits for the last delivery reports; records still without one are indeterminate (they may yet be written). */
  private async settleOutstanding(): Promise<void> {
    const { o } = this;
    const deadline = o.clock.nowMs() + o.flushTimeoutMs;
    if (this.outstanding.size > 0) await o.sink.flush(o.flushTimeoutMs);
    // The client's flush can return before its last delivery reports have reached JavaScript: wait for them.
    const wait = new AbortController().signal;
    while (this.outstanding.size > 0 && o.clock.nowMs() < deadline) await sleepUnlessAborted(o.clock, 10, wait);
    if (this.outstanding.size > 0)
      this.o.logger.warn('delivery_reports_missing', { records: this.outstanding.size, booked: 'indeterminate' });
    for (const p of this.outstanding.toArray()) this.book(p, 'indeterminate');
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
      w.plan = KeyPlan.build({
        producerId: this.keySpace(topic),
        partitions,
        keysPerPartition: this.o.spec.workload.keysPerPartition,
        epoch,
      });
      w.keys = [];
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
    for (const [topic, counts] of this.unreported) {
      for (const result of ['acked', 'failed', 'indeterminate', 'aborted'] as const)
        o.metrics.addResults(o.scenarioId, o.producerId, topic, result, counts[result]);
      o.metrics.sent(o.scenarioId, o.producerId, topic, counts.sent, counts.bytes);
    }
    this.unreported.clear();
    this.lastUnreported = undefined;
    const { windows, rates } = this.meter.drainClosed(now, final);
    const current = Math.floor(now / 1000) * 1000;
    const partitionAcks: Array<[number, string, number, number]> = [];
    this.lastAckCounts = undefined;
    for (const [second, byTopic] of this.partitionAcks) {
      if (!final && second >= current) continue;
      for (const [topic, counts] of byTopic)
        counts.forEach((n, partition) => {
          if (n > 0) partitionAcks.push([second, topic, partition, n]);
        });
      this.partitionAcks.delete(second);
    }
    await this.publishSourceOffsets(now, final);
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
        windows,
        rates,
        partitionAcks,
        publishDelay: this.publishDelays.drainClosed(now, final),
      });
    } catch (err) {
      o.logger.error('progress_publish_failed', { final, err });
      if (final) throw err;
    }
  }

  /** Before the progress it goes with: a final progress then implies every offset is out. */
  private async publishSourceOffsets(now: number, final: boolean): Promise<void> {
    const { o } = this;
    const keys = this.sourceOffsets.drain();
    if (keys.length === 0) return;
    try {
      await o.publish({
        v: 1,
        type: 'producer.offsets',
        scenarioId: o.scenarioId,
        atMs: now,
        source: o.producerId,
        producerId: o.producerId,
        keys,
      });
    } catch (err) {
      this.sourceOffsets.restore(keys);
      o.logger.error('source_offsets_publish_failed', { final, err });
      if (final) throw err;
    }
  }
}
