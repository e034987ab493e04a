import { ConfigResourceTypes, type Admin, type Consumer, type Kafka } from 'kafkajs';
import type { ControlEventInput, ControlEventOf } from '@mirrorlab/protocol';
import type { Logger } from '@mirrorlab/service-kit';
import { LatencyHistograms, reconcile, ValidatorState, type ProducerReport, type ValidatorSnapshot } from '@mirrorlab/validation';
import { partitionId, partitionProgress, ReadThrough, type Watermarks } from './drain';
import { PendingLatency } from './pending-latency';
import { readIsolationOf } from './read-isolation';
import { intakeRecord, type IntakeTarget } from './record-intake';
import type { ValidatorMetrics } from './validator-metrics';

export interface ValidationRunOptions {
  started: ControlEventOf<'scenario.started'>;
  validatorId: string;
  groupId: string;
  kafka: Kafka;
  publish: (event: ControlEventInput) => Promise<void>;
  /** The most advanced published state of a partition, to continue from when taking it over. */
  latestPartition: (topic: string, partition: number) => ValidatorSnapshot | undefined;
  producerReports: () => ProducerReport[];
  isStopping: () => boolean;
  logger: Logger;
  metrics: ValidatorMetrics;
  reportIntervalMs: number;
  sessionTimeoutMs: number;
  maxExamples: number;
  nowUs: () => number;
}

type StartPoint = number | 'earliest';

/**
 * One validator's part of one scenario: a member of the scenario's consumer
 * group on the target topics. Every record goes through the checker; state,
 * histograms and per-partition offsets are published every few seconds.
 *
 * Handover: on a new assignment the run releases the partitions it lost and,
 * for each partition it gained, adopts the latest published state of it and
 * reads from that state's next offset (or from the partition's start when none
 * was published), whatever offset the group had committed. Re-reads are
 * redeliveries, never duplicates; nothing is skipped, so no false gap or loss.
 *
 * Latency samples enter the histograms only when a published report covers their
 * records (see PendingLatency), and no report is published while the group is
 * rebalancing, so a record re-read by the next owner is measured once.
 */
/** How soon the validators' group finds partitions added to a target topic (MirrorMaker 2 adds them within its topic refresh). */
const NEW_PARTITION_DISCOVERY_MS = 5_000;

export class ValidationRun {
  private readonly state: ValidatorState;
  private readonly endToEnd = new LatencyHistograms();
  private replication: LatencyHistograms | undefined;
  private readonly pending = new PendingLatency();
  private rebalancing = false;
  private readonly stop = new AbortController();
  private readonly owned = new Map<string, { topic: string; partition: number }>();
  private readonly startChecks = new Map<string, StartPoint>();
  private readonly readThrough = new ReadThrough();
  private consumer: Consumer | undefined;
  /**
   * An admin client of this run's own: kafkajs admin clients remember every topic they
   * were asked about, and once one of those is deleted (another scenario's topic) every
   * metadata request of that client fails.
   */
  private admin!: Admin;
  private finished: Promise<void> | undefined;
  private readonly topics: string[];

  constructor(private readonly o: ValidationRunOptions) {
    this.state = new ValidatorState({ maxExamples: o.maxExamples });
    this.topics = [...new Set(Object.values(o.started.targetTopics))];
  }

  start(): Promise<void> {
    this.finished ??= this.run();
    return this.finished;
  }

  async requestStop(reason: string): Promise<void> {
    if (!this.stop.signal.aborted) this.o.logger.info('validation_run_stopping', { reason });
    this.stop.abort();
    await this.finished;
  }

  private async run(): Promise<void> {
    const { o } = this;
    this.admin = o.kafka.admin();
    await this.admin.connect();
    try {
      await this.consume();
    } finally {
      await this.admin.disconnect().catch(() => undefined);
    }
  }

  private async consume(): Promise<void> {
    const { o } = this;
    await this.waitForTopics();
    if (this.stop.signal.aborted) return;
    this.replication = (await this.usesLogAppendTime()) ? new LatencyHistograms() : undefined;
    o.metrics.runStarted(o.started.scenarioId, this.topics, { replicationLatency: this.replication !== undefined });

    // kafkajs notices partitions added to a topic only when its metadata is older than
    // metadataMaxAge (default 5 min): the group would not read new partitions for minutes after
    // add-partitions (seen on the lab: 1363 records mirrored to the new partitions, never read).
    const consumer = o.kafka.consumer({
      groupId: o.groupId,
      sessionTimeout: o.sessionTimeoutMs,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 500,
      metadataMaxAge: NEW_PARTITION_DISCOVERY_MS,
      readUncommitted: readIsolationOf(o.started.spec) === 'read_uncommitted',
    });
    this.consumer = consumer;
    consumer.on(consumer.events.REBALANCING, () => {
      this.rebalancing = true;
    });
    // Batches of transaction markers or aborted records only never reach eachBatch; kafkajs still reports them here.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      const id = partitionId(payload.topic, payload.partition);
      if (payload.batchSize === 0 && (payload.firstOffset as string | null) !== null && this.owned.has(id) && !this.startChecks.has(id)) this.readThrough.advance(id, Number(payload.lastOffset) + 1);
    });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.onAssignment(payload.memberAssignment);
      this.rebalancing = false;
    });
    await consumer.connect();
    await consumer.subscribe({ topics: this.topics, fromBeginning: true });
    const target: IntakeTarget = { scenarioId: o.started.scenarioId, state: this.state, pending: this.pending, measuresReplication: this.replication !== undefined, metrics: o.metrics };
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        const id = partitionId(batch.topic, batch.partition);
        const check = this.startChecks.get(id);
        if (check !== undefined) {
          const start = check === 'earliest' ? (await this.watermarks(batch.topic)).get(id)?.low ?? 0 : check;
          if (Number(batch.firstOffset() ?? start) > start) {
            o.logger.info('partition_rewound', { topic: batch.topic, partition: batch.partition, from: batch.firstOffset(), to: start });
            consumer.seek({ topic: batch.topic, partition: batch.partition, offset: String(start) });
            return;
          }
          this.startChecks.delete(id);
        }
        const arrivalUs = o.nowUs();
        for (const m of batch.messages) {
          if (!isRunning() || isStale()) break;
          intakeRecord(target, { topic: batch.topic, partition: batch.partition, offset: Number(m.offset), key: m.key, value: m.value, headers: m.headers, timestampMs: Number(m.timestamp) }, arrivalUs);
          resolveOffset(m.offset);
          this.readThrough.advance(id, Number(m.offset) + 1);
        }
        // A batch may end in offsets that are no message (transaction markers, aborted records).
        if (isRunning() && !isStale() && batch.messages.length > 0 && Number(batch.messages[batch.messages.length - 1].offset) < Number(batch.lastOffset())) {
          this.readThrough.advance(id, Number(batch.lastOffset()) + 1);
        }
        await heartbeat();
      },
    });
    o.logger.info('validation_run_started', { topics: this.topics, groupId: o.groupId, replicationLatency: this.replication !== undefined, isolation: readIsolationOf(o.started.spec) });

    const timer = setInterval(() => void this.publishReport(false).catch((err: unknown) => o.logger.warn('report_publish_failed', { err })), o.reportIntervalMs);
    await new Promise<void>((resolve) => this.stop.signal.addEventListener('abort', () => resolve(), { once: true }));
    clearInterval(timer);
    await consumer.stop();
    // The final report matters most; a failure to publish it is logged, never thrown at the coordinator.
    await this.publishReport(true).catch((err: unknown) => o.logger.error('final_report_failed', { err }));
    await consumer.disconnect();
    o.logger.info('validation_run_finished', { positions: this.state.positions().length });
  }

  private onAssignment(assignment: Record<string, number[]>): void {
    const next = new Map<string, { topic: string; partition: number }>();
    for (const [topic, partitions] of Object.entries(assignment)) for (const partition of partitions) next.set(partitionId(topic, partition), { topic, partition });
    for (const [id, p] of this.owned) {
      if (!next.has(id)) {
        this.state.releasePartitions(p.topic, [p.partition]);
        this.pending.drop(id);
        this.readThrough.drop(id);
        this.startChecks.delete(id);
      }
    }
    const adopted: string[] = [];
    for (const [id, p] of next) {
      if (this.owned.has(id)) continue;
      this.state.releasePartitions(p.topic, [p.partition]);
      this.readThrough.drop(id);
      const slice = this.o.latestPartition(p.topic, p.partition);
      if (slice) {
        this.state.adopt(slice);
        adopted.push(`${p.topic}-${p.partition}@${slice.partitions[0].nextOffset}`);
      }
      this.startChecks.set(id, slice ? slice.partitions[0].nextOffset : 'earliest');
    }
    this.owned.clear();
    next.forEach((v, k) => this.owned.set(k, v));
    this.o.logger.info('partitions_assigned', { owned: [...next.values()].map((p) => `${p.topic}-${p.partition}`), adopted });
  }

  private async publishReport(final: boolean): Promise<void> {
    const { o } = this;
    if (this.rebalancing && !final) return; // the partitions may be someone else's already
    const wms = new Map<string, Watermarks>();
    for (const topic of this.topics) (await this.watermarks(topic)).forEach((v, k) => wms.set(k, v));
    if (this.rebalancing && !final) return;
    // From here to the publish call nothing awaits: the histograms and the state describe the same records.
    this.pending.foldInto(this.endToEnd, this.replication);
    const nextOffsets = new Map(this.state.positions().map((p) => [partitionId(p.topic, p.partition), p.nextOffset]));
    const { partitions, drained } = partitionProgress([...this.owned.values()], nextOffsets, wms, this.readThrough.view);
    const scenario = o.started.scenarioId;
    const stopping = o.isStopping();
    await o.publish({
      v: 1,
      type: 'validator.report',
      scenarioId: scenario,
      atMs: Date.now(),
      source: o.validatorId,
      validatorId: o.validatorId,
      final,
      state: this.state.toSnapshot(),
      latency: { endToEnd: this.endToEnd.toSnapshot(), ...(this.replication ? { replication: this.replication.toSnapshot() } : {}) },
      partitions,
      drained: stopping && drained,
    });
    for (const p of partitions) o.metrics.partitionLag(scenario, p.topic, p.partition, Math.max(0, p.highWatermark - p.nextOffset));
    o.metrics.drained.set({ scenario }, stopping && drained ? 1 : 0);
    this.updateLost();
    const read = partitions.filter((p) => nextOffsets.has(partitionId(p.topic, p.partition)));
    if (read.length > 0 && !final) {
      await this.consumer
        ?.commitOffsets(read.map((p) => ({ topic: p.topic, partition: p.partition, offset: String(p.nextOffset) })))
        .catch((err: unknown) => o.logger.debug('offset_commit_skipped', { err }));
    }
  }

  private updateLost(): void {
    try {
      const acc = reconcile(this.state, this.o.producerReports());
      this.o.metrics.lost.set({ scenario: this.o.started.scenarioId }, acc.lost.count);
    } catch (err) {
      this.o.logger.warn('live_reconcile_failed', { err });
    }
  }

  private async watermarks(topic: string): Promise<Map<string, Watermarks>> {
    const offsets = await this.admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((p) => [partitionId(topic, p.partition), { low: Number(p.low), high: Number(p.high) }]));
  }

  /** MirrorMaker 2 creates target topics when it discovers the source topics; wait for them. */
  private async waitForTopics(): Promise<void> {
    let delay = 250;
    while (!this.stop.signal.aborted) {
      const existing = new Set(await this.admin.listTopics());
      const missing = this.topics.filter((t) => !existing.has(t));
      if (missing.length === 0) return;
      this.o.logger.info('waiting_for_target_topics', { missing });
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 5000);
    }
  }

  private async usesLogAppendTime(): Promise<boolean> {
    const res = await this.admin.describeConfigs({
      includeSynonyms: false,
      resources: this.topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['message.timestamp.type'] })),
    });
    return res.resources.every((r) => r.configEntries.some((c) => c.configName === 'message.timestamp.type' && c.configValue === 'LogAppendTime'));
  }
}
