import type { ControlEventInput, ControlEventOf } from '@mirrorlab/control';
import type { Logger } from '@mirrorlab/service-kit';
import { LatencyHistograms, reconcile, ValidatorState, type ProducerReport, type ValidatorSnapshot } from '@mirrorlab/validation';
import { partitionId, partitionProgress, ReadThrough, type Watermarks } from './drain';
import { PartitionOwnership, rewindTarget } from './partition-ownership';
import { PendingLatency } from './pending-latency';
import { readIsolationOf } from './read-isolation';
import { intakeBatch, type IntakeTarget } from './record-intake';
import type { BatchControl, RecordSource, SourceBatch } from './record-source';
import type { ValidatorMetrics } from './validator-metrics';

export interface ValidationRunOptions {
  started: ControlEventOf<'scenario.started'>;
  validatorId: string;
  /** This validator process's run (new at each start), stated on every report: a restart starts a new incarnation. */
  incarnation: string;
  /** The scenario's consumer group: what `source` joins (for logs). */
  groupId: string;
  /** `read_uncommitted`: one of the validators a scenario adds at read_uncommitted (`validator.report.isolation`); absent: one of its own. */
  reportIsolation?: 'read_uncommitted';
  /** The scenario's target topics as this run reads them (kafka-record-source.ts), in the scenario's consumer group. */
  source: RecordSource;
  publish: (event: ControlEventInput) => Promise<void>;
  /** The source audit consumer: reads the scenario's source topics (keys of `targetTopics`) and marks its reports `sourceAudit`. */
  sourceAudit?: boolean;
  /** The most advanced published state of a partition, to continue from when taking it over. */
  latestPartition: (topic: string, partition: number) => ValidatorSnapshot | undefined;
  producerReports: () => ProducerReport[];
  isStopping: () => boolean;
  logger: Logger;
  metrics: ValidatorMetrics;
  reportIntervalMs: number;
  maxExamples: number;
  nowUs: () => number;
}

/**
 * One validator's part of one scenario: a member of the scenario's consumer
 * group on the target topics. Every record goes through the checker; state,
 * histograms and per-partition offsets are published every few seconds.
 *
 * Handover: on a new assignment the run releases the partitions it lost and,
 * for each partition it gained, adopts the latest published state of it and
 * reads from that state's next offset (or from the partition's start when none
 * was published), whatever offset the group had committed. A partition it keeps
 * it reads on from the first offset it has not checked, wherever its client
 * resumes. Re-reads are redeliveries, never duplicates; nothing is skipped, so
 * no false gap or loss.
 *
 * Latency samples enter the histograms only when a published report covers their
 * records (see PendingLatency), and no report is published while the group is
 * rebalancing, so a record re-read by the next owner is measured once.
 */
export class ValidationRun {
  private readonly state: ValidatorState;
  private readonly endToEnd = new LatencyHistograms();
  private replication: LatencyHistograms | undefined;
  /** Arrival minus the record's scheduled send time (records that carry one). */
  private readonly fromSchedule = new LatencyHistograms();
  private readonly pending = new PendingLatency();
  private rebalancing = false;
  private readonly stop = new AbortController();
  private readonly ownership = new PartitionOwnership();
  private readonly readThrough = new ReadThrough();
  private finished: Promise<void> | undefined;
  private readonly topics: string[];

  constructor(private readonly o: ValidationRunOptions) {
    this.state = new ValidatorState({ maxExamples: o.maxExamples });
    this.topics = [...new Set(o.sourceAudit ? Object.keys(o.started.targetTopics) : Object.values(o.started.targetTopics))];
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
    const { source } = this.o;
    await source.connect();
    try {
      await this.consume();
    } finally {
      await source.close();
    }
  }

  private async consume(): Promise<void> {
    const { o } = this;
    await this.waitForTopics();
    if (this.stop.signal.aborted) return;
    this.replication = (await o.source.usesLogAppendTime(this.topics)) ? new LatencyHistograms() : undefined;
    o.metrics.runStarted(o.started.scenarioId, this.topics, { replicationLatency: this.replication !== undefined });

    const target: IntakeTarget = {
      scenarioId: o.started.scenarioId,
      state: this.state,
      pending: this.pending,
      measuresReplication: this.replication !== undefined,
      metrics: o.metrics,
    };
    await o.source.consume(this.topics, {
      onRebalancing: () => {
        this.rebalancing = true;
      },
      onAssignment: (assignment) => {
        this.onAssignment(assignment);
        this.rebalancing = false;
      },
      onEmptyBatch: (topic, partition, lastOffset) => {
        const id = partitionId(topic, partition);
        if (this.ownership.owns(id) && this.ownership.startFor(id) === undefined) this.readThrough.advance(id, lastOffset + 1);
      },
      onBatch: (batch, control) => this.onBatch(batch, control, target),
    });
    o.logger.info('validation_run_started', {
      topics: this.topics,
      groupId: o.groupId,
      replicationLatency: this.replication !== undefined,
      isolation: o.reportIsolation ?? readIsolationOf(o.started.spec),
    });

    const timer = setInterval(
      () => void this.publishReport(false).catch((err: unknown) => o.logger.warn('report_publish_failed', { err })),
      o.reportIntervalMs,
    );
    await new Promise<void>((resolve) => this.stop.signal.addEventListener('abort', () => resolve(), { once: true }));
    clearInterval(timer);
    await o.source.stopConsuming();
    // The final report matters most; a failure to publish it is logged, never thrown at the coordinator.
    await this.publishReport(true).catch((err: unknown) => o.logger.error('final_report_failed', { err }));
    o.logger.info('validation_run_finished', { positions: this.state.positions().length });
  }

  private async onBatch(batch: SourceBatch, control: BatchControl, target: IntakeTarget): Promise<void> {
    const { o } = this;
    const id = partitionId(batch.topic, batch.partition);
    const check = this.ownership.startFor(id);
    if (check !== undefined) {
      const start = check === 'earliest' ? ((await o.source.watermarks(batch.topic)).get(id)?.low ?? 0) : check;
      const rewind = rewindTarget(start, batch.firstOffset);
      if (rewind !== null) {
        o.logger.info('partition_rewound', { topic: batch.topic, partition: batch.partition, from: batch.firstOffset, to: rewind });
        control.seek(rewind);
        return;
      }
      this.ownership.started(id);
    }
    const arrivalUs = o.nowUs();
    const records = batch.records;
    const { nextOffset } = intakeBatch(target, batch.topic, batch.partition, records, arrivalUs, control.isCurrent);
    if (nextOffset !== undefined) {
      control.resolveOffset(nextOffset - 1);
      this.readThrough.advance(id, nextOffset);
    }
    // A batch may end in offsets that are no message (transaction markers, aborted records).
    if (control.isCurrent() && records.length > 0 && records[records.length - 1].offset < batch.lastOffset) {
      this.readThrough.advance(id, batch.lastOffset + 1);
    }
    await control.heartbeat();
  }

  private onAssignment(assignment: Record<string, number[]>): void {
    const unseen = new Map(this.state.positions().map((p) => [partitionId(p.topic, p.partition), p.nextOffset]));
    const { released, takenOver } = this.ownership.assign(assignment, this.o.latestPartition, (topic, partition) =>
      unseen.get(partitionId(topic, partition)),
    );
    for (const p of released) {
      this.state.releasePartitions(p.topic, [p.partition]);
      this.pending.drop(p.id);
      this.readThrough.drop(p.id);
    }
    const adopted: string[] = [];
    for (const p of takenOver) {
      this.state.releasePartitions(p.topic, [p.partition]);
      this.readThrough.drop(p.id);
      if (p.slice) {
        this.state.adopt(p.slice);
        adopted.push(`${p.topic}-${p.partition}@${p.slice.partitions[0].nextOffset}`);
      }
    }
    this.o.logger.info('partitions_assigned', { owned: this.ownership.list().map((p) => `${p.topic}-${p.partition}`), adopted });
  }

  private async publishReport(final: boolean): Promise<void> {
    const { o } = this;
    // The partitions may be someone else's already.
    const rebalancing = () => (this.rebalancing || o.source.isRebalancing()) && !final;
    if (rebalancing()) return;
    const wms = new Map<string, Watermarks>();
    for (const topic of this.topics) (await o.source.watermarks(topic)).forEach((v, k) => wms.set(k, v));
    if (rebalancing()) return;
    // From here to the publish call nothing awaits: the histograms and the state describe the same records.
    this.pending.foldInto(this.endToEnd, this.replication, this.fromSchedule);
    const nextOffsets = new Map(this.state.positions().map((p) => [partitionId(p.topic, p.partition), p.nextOffset]));
    const { partitions, drained } = partitionProgress(this.ownership.list(), nextOffsets, wms, this.readThrough.view);
    const scenario = o.started.scenarioId;
    const stopping = o.isStopping();
    await o.publish({
      v: 1,
      type: 'validator.report',
      scenarioId: scenario,
      atMs: Date.now(),
      source: o.validatorId,
      validatorId: o.validatorId,
      incarnation: o.incarnation,
      ...(o.reportIsolation ? { isolation: o.reportIsolation } : {}),
      final,
      state: this.state.toSnapshot(),
      latency: {
        endToEnd: this.endToEnd.toSnapshot(),
        ...(this.replication ? { replication: this.replication.toSnapshot() } : {}),
        fromSchedule: this.fromSchedule.toSnapshot(),
      },
      partitions,
      drained: stopping && drained,
      ...(o.sourceAudit ? { sourceAudit: true } : {}),
    });
    for (const p of partitions) o.metrics.partitionLag(scenario, p.topic, p.partition, Math.max(0, p.highWatermark - p.nextOffset));
    o.metrics.drained.set({ scenario }, stopping && drained ? 1 : 0);
    // The live `lost` gauge is the target's; the audit consumer's misses are the report's to show.
    if (!o.sourceAudit) this.updateLost();
    const read = partitions.filter((p) => nextOffsets.has(partitionId(p.topic, p.partition)));
    if (read.length > 0 && !final) {
      await o.source
        .commit(read.map((p) => ({ topic: p.topic, partition: p.partition, offset: p.nextOffset })))
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

  /** MirrorMaker 2 creates target topics when it discovers the source topics; wait for them. */
  private async waitForTopics(): Promise<void> {
    let delay = 250;
    while (!this.stop.signal.aborted) {
      const existing = new Set(await this.o.source.listTopics());
      const missing = this.topics.filter((t) => !existing.has(t));
      if (missing.length === 0) return;
      this.o.logger.info('waiting_for_target_topics', { missing });
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 5000);
    }
  }
}
