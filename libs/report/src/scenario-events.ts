import { OffsetBounds, type ClockRole } from './clock-skew';
import {
  ValidatorReports,
  type ControlEvent,
  type ControlEventOf,
  type PartitionProgress,
  type ProducerCounts,
  type ProducerKeyReport,
  type ValidatorIncarnation,
} from '@mirrorlab/control';
import type { SourceOffsetReport, SourcePartitionSample } from '@mirrorlab/validation';
import type { PartitionAckSecond } from './replicator-lag';

type ValidatorReport = ControlEventOf<'validator.report'>;

/** One producer, folded from its `producer.progress` events. */
export interface ProducerTrack {
  producerId: string;
  reports: number;
  final: boolean;
  /** Latest counts (they are cumulative). */
  counts: ProducerCounts;
  /** Per-key ranges of the latest report that carried them (the final one once published). */
  keys: ProducerKeyReport[] | undefined;
  /** Per-second [sent, acked], summed over every progress event (each carries the windows closed since the last). */
  windows: Map<number, { sent: number; acked: number }>;
  /** Per-second offered vs achieved load (`producer.progress.rates`), summed the same way; empty from producers that do not report it. */
  rates: Map<number, RateWindow>;
  /** Per-second publish delay (`producer.progress.publishDelay`): the worst p99 and max seen for that second. */
  publishDelay?: Map<number, { p99Us: number; maxUs: number }>;
}

/** One second of one producer's load: what the scenario asked of it and what it delivered. */
export interface RateWindow {
  requestedRecords: number;
  achievedRecords: number;
  requestedBytes: number;
  achievedBytes: number;
}

export interface ValidatorTrack {
  validatorId: string;
  reports: number;
  /** Its runs, in the order they started (a restart starts a new one): see `ValidatorReports`, the rule for which reports count. */
  incarnations: readonly ValidatorIncarnation[];
}

export interface FaultTrack {
  faultId: string;
  injected: ControlEventOf<'fault.injected'> | undefined;
  healed: ControlEventOf<'fault.healed'> | undefined;
}

/** A validator report's offsets, kept for the lag series (the full state is kept for the latest report only). */
export interface ProgressPoint {
  atMs: number;
  validatorId: string;
  partitions: PartitionProgress[];
}

export interface Readiness {
  drained: boolean;
  /** Validators that reported but sent no final report, and whose partitions no final report of another covers. */
  awaitingFinal: string[];
  /** Drained and nobody awaited: the report will not change with later events. */
  complete: boolean;
}

/**
 * Every control event of one scenario, folded in topic order into what the
 * report needs. Pure and clock-free: the same events in the same order give the
 * same fold, and `buildReport` reads nothing else. `report.ready` events are the
 * aggregator's own output and are not folded.
 */
export class ScenarioEvents {
  started: ControlEventOf<'scenario.started'> | undefined;
  /** The warm-up's end (absent: an older provisioner, or the warm-up is not over). */
  measuring: ControlEventOf<'scenario.measuring'> | undefined;
  stopping: ControlEventOf<'scenario.stopping'> | undefined;
  drained: ControlEventOf<'scenario.drained'> | undefined;
  readonly producers = new Map<string, ProducerTrack>();
  readonly validators = new Map<string, ValidatorTrack>();
  /** Which validator reports count (the latest of each incarnation): the one rule, shared with the services. */
  readonly validatorReports = new ValidatorReports();
  readonly faults = new Map<string, FaultTrack>();
  readonly progress: ProgressPoint[] = [];
  /** The source audit: acknowledged records' source offsets (`producer.offsets`, united) and partition samples (`source.audit`). */
  readonly sourceOffsets: SourceOffsetReport[] = [];
  readonly sourceSamples: SourcePartitionSample[] = [];
  /** Acknowledgements per source partition per second (`producer.progress.partitionAcks`), for the replicator's lag. */
  readonly partitionAcks: PartitionAckSecond[] = [];
  /** Source consumer groups (consumer-groups service): their commits, MirrorMaker 2's translations of them, failover drills. */
  readonly consumerCommits: Array<ControlEventOf<'consumer.commit'>> = [];
  readonly translations: Array<ControlEventOf<'consumer.translations'>> = [];
  readonly failovers: Array<ControlEventOf<'consumer.failover'>> = [];
  /** Per producer and validator (by `source`): bounds on its clock's offset from the control topic's append time (clock-skew.ts). */
  readonly clocks = new Map<string, { role: ClockRole; bounds: OffsetBounds }>();
  private folded = 0;
  private lastAtMs: number | undefined;

  constructor(readonly scenarioId: string) {}

  /** Number of events folded. */
  get size(): number {
    return this.folded;
  }

  /** `atMs` of the last event folded: the report's "as of" time. */
  get asOfMs(): number | undefined {
    return this.lastAtMs;
  }

  /**
   * Folds one event; returns false (and changes nothing) for another scenario's event or a `report.ready`.
   * `appendTimeMs`: the broker's append time of its record, when the control topic stamps LogAppendTime.
   */
  apply(event: ControlEvent, appendTimeMs?: number): boolean {
    if (event.scenarioId !== this.scenarioId || event.type === 'report.ready') return false;
    this.observeClock(event, appendTimeMs);
    this.folded++;
    this.lastAtMs = Math.max(this.lastAtMs ?? 0, event.atMs);
    switch (event.type) {
      case 'scenario.started':
        this.started ??= event;
        break;
      case 'scenario.measuring':
        this.measuring ??= event;
        break;
      case 'scenario.stopping':
        this.stopping ??= event;
        break;
      case 'scenario.drained':
        this.drained ??= event;
        break;
      case 'producer.progress':
        this.applyProducer(event);
        for (const [startMs, topic, partition, acked] of event.partitionAcks ?? [])
          this.partitionAcks.push({ topic, partition, startMs, acked });
        break;
      case 'validator.report':
        this.applyValidator(event);
        break;
      case 'fault.injected':
        this.fault(event.faultId).injected ??= event;
        break;
      case 'fault.healed':
        this.fault(event.faultId).healed ??= event;
        break;
      case 'producer.offsets':
        for (const k of event.keys) this.sourceOffsets.push({ producerId: event.producerId, ...k });
        break;
      case 'source.audit':
        for (const p of event.partitions) this.sourceSamples.push({ atMs: event.atMs, ...p });
        break;
      case 'consumer.commit':
        this.consumerCommits.push(event);
        break;
      case 'consumer.translations':
        this.translations.push(event);
        break;
      case 'consumer.failover':
        this.failovers.push(event);
        break;
    }
    return true;
  }

  readiness(): Readiness {
    const finals = [...this.validators.values()].map((v) => latestOf(v)).filter((r) => r.final);
    const awaitingFinal = [...this.validators.values()]
      .filter((v) => !latestOf(v).final && !supersededBy(latestOf(v), finals))
      .map((v) => v.validatorId)
      .sort();
    const drained = this.drained !== undefined;
    return { drained, awaitingFinal, complete: drained && awaitingFinal.length === 0 };
  }

  /** Whether a validator without a final report had every partition it owned read further by a final report of another. */
  isSuperseded(validatorId: string): boolean {
    const v = this.validators.get(validatorId);
    if (v === undefined || latestOf(v).final) return false;
    const finals = [...this.validators.values()].map((x) => latestOf(x)).filter((r) => r.final);
    return supersededBy(latestOf(v), finals);
  }

  private observeClock(event: ControlEvent, appendTimeMs: number | undefined): void {
    const role: ClockRole | undefined =
      event.type === 'producer.progress' || event.type === 'producer.offsets'
        ? 'producer'
        : event.type === 'validator.report'
          ? 'validator'
          : undefined;
    if (role === undefined) return;
    let clock = this.clocks.get(event.source);
    if (clock === undefined) this.clocks.set(event.source, (clock = { role, bounds: new OffsetBounds() }));
    if (appendTimeMs !== undefined) clock.bounds.published(event.atMs, appendTimeMs);
    if (event.controlReadDelayMs !== undefined) clock.bounds.read(event.controlReadDelayMs);
  }

  private applyProducer(e: ControlEventOf<'producer.progress'>): void {
    let p = this.producers.get(e.producerId);
    if (p === undefined) {
      p = {
        producerId: e.producerId,
        reports: 0,
        final: false,
        counts: e.counts,
        keys: undefined,
        windows: new Map(),
        rates: new Map(),
        publishDelay: new Map(),
      };
      this.producers.set(e.producerId, p);
    }
    p.reports++;
    p.counts = e.counts;
    p.final ||= e.final;
    if (e.keys !== undefined) p.keys = e.keys;
    for (const [startMs, sent, acked] of e.windows) {
      const w = p.windows.get(startMs) ?? { sent: 0, acked: 0 };
      w.sent += sent;
      w.acked += acked;
      p.windows.set(startMs, w);
    }
    for (const [startMs, requestedRecords, achievedRecords, requestedBytes, achievedBytes] of e.rates ?? []) {
      const r = p.rates.get(startMs) ?? { requestedRecords: 0, achievedRecords: 0, requestedBytes: 0, achievedBytes: 0 };
      r.requestedRecords += requestedRecords;
      r.achievedRecords += achievedRecords;
      r.requestedBytes += requestedBytes;
      r.achievedBytes += achievedBytes;
      p.rates.set(startMs, r);
    }
    // A second is normally published once; if twice (a retried publish), keep the worse figures.
    for (const [startMs, , p99Us, maxUs] of e.publishDelay ?? []) {
      const d = p.publishDelay?.get(startMs);
      (p.publishDelay ??= new Map()).set(startMs, { p99Us: Math.max(p99Us, d?.p99Us ?? 0), maxUs: Math.max(maxUs, d?.maxUs ?? 0) });
    }
  }

  private applyValidator(e: ValidatorReport): void {
    this.validatorReports.apply(e);
    let v = this.validators.get(e.validatorId);
    if (v === undefined)
      this.validators.set(
        e.validatorId,
        (v = { validatorId: e.validatorId, reports: 0, incarnations: this.validatorReports.incarnations(e.validatorId) }),
      );
    v.reports++;
    this.progress.push({ atMs: e.atMs, validatorId: e.validatorId, partitions: e.partitions });
  }

  private fault(faultId: string): FaultTrack {
    let f = this.faults.get(faultId);
    if (f === undefined) this.faults.set(faultId, (f = { faultId, injected: undefined, healed: undefined }));
    return f;
  }
}

function latestOf(v: ValidatorTrack): ValidatorReport {
  return v.incarnations[v.incarnations.length - 1].latest;
}

function supersededBy(report: ValidatorReport, finals: readonly ValidatorReport[]): boolean {
  return report.partitions.every((p) =>
    finals.some(
      (f) =>
        f.validatorId !== report.validatorId &&
        f.partitions.some((q) => q.topic === p.topic && q.partition === p.partition && q.nextOffset >= p.nextOffset),
    ),
  );
}
