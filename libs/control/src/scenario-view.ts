import {
  reconcile,
  type Accounting,
  type ProducerReport,
  type SourceOffsetReport,
  type SourcePartitionSample,
  type ValidatorSnapshot,
} from '@mirrorlab/validation';
import { OffsetBounds, type ClockRole } from './clock-bounds';
import type { ControlEvent, ControlEventOf, PartitionProgress } from './control-events';
import { applyProducerProgress, type ProducerTrack } from './producer-track';
import { ValidatorFold, isolationOfReport, type CombinedState, type ValidatorIsolation, type ValidatorTrack } from './validator-fold';
import type { ValidatorReports, ValidatorReport } from './validator-reports';

export type { CombinedState, ValidatorTrack, ValidatorIsolation } from './validator-fold';

/** A set of validators that folds apart: the scenario's own, those it added at read_uncommitted, or the source audit consumer. */
export type ValidatorSet = ValidatorIsolation | 'source-audit';

/**
 * How much of the events a view keeps. Every service folds the same events through the same
 * rules; it only chooses what it keeps:
 * - `lifecycle`: the `scenario.*` events and `report.ready` (producers, consumer groups: when to run).
 * - `state`: and each producer's standing report, the validators by incarnation, the faults
 *   (validators' handover, the provisioner's drain check and status API).
 * - `history`: and every per-second series and event list the report draws (the report).
 */
export type ViewDetail = 'lifecycle' | 'state' | 'history';

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

/** Records acknowledged on one source partition in one second (`producer.progress.partitionAcks`). */
export interface PartitionAckSecond {
  topic: string;
  partition: number;
  startMs: number;
  acked: number;
}

export interface Readiness {
  drained: boolean;
  /** Validators that reported but sent no final report, and whose partitions no final report of another covers. */
  awaitingFinal: string[];
  /** Drained and nobody awaited: the view will not change with later events. */
  complete: boolean;
}

export interface AccountingOptions {
  /**
   * `progress`: a record no producer reported yet is pending, not unexpected. Default: `final` once
   * every producer that reported has sent its final report, `progress` before.
   */
  phase?: 'final' | 'progress';
  /** Use the source audit (`producer.offsets`, `source.audit`; kept at `history` detail) to split lost records by cause. */
  source?: boolean;
  /** Whose state: the scenario's own validators (default), or the read_uncommitted ones it added (`validators.readUncommitted`). */
  isolation?: ValidatorIsolation;
}

/**
 * Everything the control topic has said about one scenario, folded in topic order: its
 * lifecycle, its producers, its validators by incarnation, its faults, and from these ONE
 * combined validator state and accounting, by one rule for which reports count
 * (`ValidatorReports`: the latest report of each validator incarnation). The read_uncommitted
 * validators a scenario may add get a second one, by the same rule, never mixed into the first. Every service and the
 * report read this; none folds control events itself. Pure and clock-free: the same events in
 * the same order give the same view, and folding them in one pass or in chunks is the same.
 *
 * Extending it: a new event type gets its case in `apply` and its fields in the section of the
 * class it belongs to (or a new section), at the detail level that needs it.
 */
export class ScenarioView {
  // --- lifecycle: scenario.started / measuring / stopping / drained, report.ready -----------------
  /** The first `scenario.started` (a provisioner that republishes does not move the scenario). */
  started: ControlEventOf<'scenario.started'> | undefined;
  /** The warm-up's end (absent: an older provisioner, or the warm-up is not over). */
  measuring: ControlEventOf<'scenario.measuring'> | undefined;
  stopping: ControlEventOf<'scenario.stopping'> | undefined;
  drained: ControlEventOf<'scenario.drained'> | undefined;
  /** The latest `report.ready` (a rebuilt report replaces the earlier one). */
  report: ControlEventOf<'report.ready'> | undefined;
  /** Set by the first `scenario.drained` or `report.ready`: validators have nothing left to read. */
  finishedAtMs: number | undefined;

  // --- producers: producer.progress (state), producer.offsets (history) --------------------------
  readonly producers = new Map<string, ProducerTrack>();
  /** Acknowledgements per source partition per second (`producer.progress.partitionAcks`), for the replicator's lag. */
  readonly partitionAcks: PartitionAckSecond[] = [];

  // --- validators: validator.report ---------------------------------------------------------------
  /** The scenario's own validators: they alone make `validators`, `combined()`, `accounting()`, `progress` and the verdict. */
  private readonly own = new ValidatorFold();
  readonly validators: Map<string, ValidatorTrack> = this.own.validators;
  /** Which validator reports count (the latest of each incarnation): the one rule. */
  readonly validatorReports: ValidatorReports = this.own.reports;
  /**
   * The read_uncommitted validators a scenario adds beside its own (reports with `isolation:
   * read_uncommitted`): folded by the same rule into a second combined state, kept out of
   * everything of the own validators'. Read with `combined('read_uncommitted')` and
   * `accounting({ isolation: 'read_uncommitted' })`; they count in `readiness()` and drain.
   */
  readonly readUncommitted = new ValidatorFold();
  /** Every report's offsets of the scenario's own validators, in topic order (history). */
  readonly progress: ProgressPoint[] = [];

  // --- the source audit consumer: validator.report with `sourceAudit` (scenario `audit.sourceConsumer`) ---
  /**
   * It reads the SOURCE topics with the same checker: kept apart from the target validators (never in
   * `combined`, the target accounting or the lag series), folded by the same rule (`ValidatorReports`).
   */
  private readonly sourceAudit = new ValidatorFold();
  readonly sourceAuditValidators: Map<string, ValidatorTrack> = this.sourceAudit.validators;
  readonly sourceAuditReports: ValidatorReports = this.sourceAudit.reports;

  // --- faults: fault.injected, fault.healed -------------------------------------------------------
  readonly faults = new Map<string, FaultTrack>();

  // --- source audit: producer.offsets, source.audit (history) -------------------------------------
  readonly sourceOffsets: SourceOffsetReport[] = [];
  readonly sourceSamples: SourcePartitionSample[] = [];

  // --- consumer groups: consumer.commit, consumer.translations, consumer.failover (history) -------
  readonly consumerCommits: Array<ControlEventOf<'consumer.commit'>> = [];
  readonly translations: Array<ControlEventOf<'consumer.translations'>> = [];
  readonly failovers: Array<ControlEventOf<'consumer.failover'>> = [];
  /** The faults whose consumer-failover drill published its outcome (kept at `state` detail: the drain waits for them). */
  readonly drilledFaults = new Set<string>();

  // --- clocks: every producer's and validator's event, with its record's append time ----------------
  /** Per producer and validator (by `source`): bounds on its clock's offset from the control topic's append time (clock-bounds.ts). */
  readonly clocks = new Map<string, { role: ClockRole; bounds: OffsetBounds }>();

  private folded = 0;
  private lastAtMs: number | undefined;
  private versionCount = 0;

  constructor(
    readonly scenarioId: string,
    readonly detail: ViewDetail = 'history',
  ) {}

  /** Number of events folded. */
  get size(): number {
    return this.folded;
  }

  /** `atMs` of the latest event folded: the report's "as of" time. */
  get asOfMs(): number | undefined {
    return this.lastAtMs;
  }

  /** Bumped on every producer or validator event, so derived numbers can be cached. */
  get version(): number {
    return this.versionCount;
  }

  /**
   * Folds one event; returns false (and changes nothing) for another scenario's event.
   * `appendTimeMs`: the broker's append time of its record, when the control topic stamps LogAppendTime.
   */
  apply(event: ControlEvent, appendTimeMs?: number): boolean {
    if (event.scenarioId !== this.scenarioId) return false;
    if (this.detail === 'history') this.observeClock(event, appendTimeMs);
    this.folded++;
    this.lastAtMs = Math.max(this.lastAtMs ?? 0, event.atMs);
    const state = this.detail !== 'lifecycle';
    const history = this.detail === 'history';
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
        this.finishedAtMs ??= event.atMs;
        break;
      case 'report.ready':
        this.report = event;
        this.finishedAtMs ??= event.atMs;
        break;
      case 'producer.progress':
        if (!state) break;
        applyProducerProgress(this.producers, event, history);
        if (history)
          for (const [startMs, topic, partition, acked] of event.partitionAcks ?? [])
            this.partitionAcks.push({ topic, partition, startMs, acked });
        this.versionCount++;
        break;
      case 'validator.report':
        if (!state) break;
        this.applyValidator(event, history);
        this.versionCount++;
        break;
      case 'fault.injected':
        if (state) this.fault(event.faultId).injected ??= event;
        break;
      case 'fault.healed':
        if (state) this.fault(event.faultId).healed ??= event;
        break;
      case 'producer.offsets':
        if (history) for (const k of event.keys) this.sourceOffsets.push({ producerId: event.producerId, ...k });
        break;
      case 'source.audit':
        if (history) for (const p of event.partitions) this.sourceSamples.push({ atMs: event.atMs, ...p });
        break;
      case 'consumer.commit':
        if (history) this.consumerCommits.push(event);
        break;
      case 'consumer.translations':
        if (history) this.translations.push(event);
        break;
      case 'consumer.failover':
        if (state) this.drilledFaults.add(event.faultId);
        if (history) this.failovers.push(event);
        break;
    }
    return true;
  }

  // --- derived: lifecycle ---------------------------------------------------------------------------

  isStopping(): boolean {
    return this.stopping !== undefined;
  }

  isFinished(): boolean {
    return this.finishedAtMs !== undefined;
  }

  // --- derived: producers ---------------------------------------------------------------------------

  /** Every producer that reported has sent its final report (false while none has reported). */
  producersFinal(): boolean {
    return this.producers.size > 0 && [...this.producers.values()].every((p) => p.final);
  }

  /** The producers' standing per-key reports (producers whose reports carried keys), in the order they first reported. */
  producerReports(): ProducerReport[] {
    return [...this.producers.values()]
      .filter((p) => p.keys !== undefined)
      .map((p) => ({ producerId: p.producerId, scenarioId: this.scenarioId, keys: p.keys ?? [] }));
  }

  // --- derived: validators --------------------------------------------------------------------------

  /**
   * The latest report of each validator's latest incarnation (is it alive, has it drained), in the
   * order validators first reported: the scenario's own validators, or (`read_uncommitted`) those it added.
   */
  latestValidatorReports(isolation: ValidatorIsolation = 'read_committed'): ValidatorReport[] {
    return this.fold(isolation).latest();
  }

  /** The consumer-failover faults injected whose drill has published no outcome yet, by fault id. */
  pendingFailoverDrills(): string[] {
    return [...this.faults.values()]
      .filter((f) => f.injected?.kind === 'consumer-failover' && !this.drilledFaults.has(f.faultId))
      .map((f) => f.faultId)
      .sort();
  }

  /** The latest reports of every set of validators: the own, the read_uncommitted ones, the source audit consumer (what a drain waits for). */
  latestReportsOfEverySet(): ValidatorReport[] {
    return this.everySet().flatMap((fold) => fold.latest());
  }

  /** As `latestValidatorReports`, for the source audit consumer(s) (`audit.sourceConsumer`). */
  latestSourceAuditReports(): ValidatorReport[] {
    return this.sourceAudit.latest();
  }

  /** Whether a report is still awaited: every set of validators (own, read_uncommitted, source audit) sends final reports, each covering its own partitions. */
  readiness(): Readiness {
    const awaitingFinal = this.everySet()
      .flatMap((fold) => {
        const latest = fold.latest();
        const finals = latest.filter((r) => r.final);
        return latest.filter((r) => !r.final && !supersededBy(r, finals)).map((r) => r.validatorId);
      })
      .sort();
    const drained = this.drained !== undefined;
    return { drained, awaitingFinal, complete: drained && awaitingFinal.length === 0 };
  }

  /**
   * Whether a validator without a final report had every partition it owned read further by a final
   * report of another of its set. The source audit consumer's set is found by its id.
   */
  isSuperseded(validatorId: string, isolation: ValidatorIsolation = 'read_committed'): boolean {
    const fold = this.sourceAudit.validators.has(validatorId) ? this.sourceAudit : this.fold(isolation);
    const r = fold.reports.latest(validatorId);
    if (r === undefined || r.final) return false;
    return supersededBy(
      r,
      fold.latest().filter((x) => x.final),
    );
  }

  /**
   * The validators' combined checker state, from the reports that count: per partition the most
   * advanced state (a partition's state travels from owner to owner on handover; merging two owners
   * would count reads twice); two states that do not extend each other are united, and named in
   * `conflicts`. Throws (a `CheckerError`) when a report's state cannot be read. Cached until the
   * next validator event. The scenario's own validators' by default; `read_uncommitted`: the second
   * combined state, of the validators the scenario added at read_uncommitted (never mixed with the first).
   */
  combined(isolation: ValidatorIsolation = 'read_committed'): CombinedState {
    return this.fold(isolation).combined();
  }

  /** The source audit consumer's combined state (of the source topics), by the same rule as `combined`; cached alike. */
  sourceCombined(): CombinedState {
    return this.sourceAudit.combined();
  }

  /**
   * The source audit consumer's state reconciled with the producers' standing key reports: what it
   * read of what the source acknowledged (its `lost`/`unseen`: acknowledged records it never read
   * on the source). Undefined when no audit consumer reported.
   */
  sourceAccounting(): Accounting | undefined {
    const { state } = this.sourceCombined();
    if (state === undefined) return undefined;
    return reconcile(state, this.producerReports(), { phase: this.producersFinal() ? 'final' : 'progress' });
  }

  /**
   * One partition's most advanced published state of one set of validators, for a validator of that
   * set taking it over; undefined if no report has it. `source-audit`: among the source audit
   * consumer's reports (a restarted audit consumer).
   */
  latestPartition(topic: string, partition: number, set: ValidatorSet = 'read_committed'): ValidatorSnapshot | undefined {
    const { state } = set === 'source-audit' ? this.sourceCombined() : this.combined(set);
    if (state === undefined) return undefined;
    const snapshot = state.snapshotPartitions(topic, [partition]);
    return snapshot.partitions.length > 0 ? snapshot : undefined;
  }

  /**
   * The combined state reconciled with the producers' standing key reports; undefined while no
   * validator has reported. Throws (a `CheckerError`) when a state or a report cannot be read.
   */
  accounting(options: AccountingOptions = {}): Accounting | undefined {
    const { state } = this.combined(options.isolation);
    if (state === undefined) return undefined;
    const consumer = options.source ? this.sourceCombined().state : undefined;
    return reconcile(state, this.producerReports(), {
      phase: options.phase ?? (this.producersFinal() ? 'final' : 'progress'),
      ...(options.source
        ? { source: { offsets: this.sourceOffsets, samples: this.sourceSamples, ...(consumer ? { consumer } : {}) } }
        : {}),
    });
  }

  // --- derived: faults ------------------------------------------------------------------------------

  /**
   * Faults injected and not healed, in the order first seen. A one-shot fault (announced without a
   * duration) publishes no heal: it is over once announced, so nobody waits for one.
   */
  unhealedFaults(): string[] {
    return [...this.faults.values()]
      .filter((f) => f.injected !== undefined && f.injected.durationMs !== null && f.healed === undefined)
      .map((f) => f.faultId);
  }

  // --- folding helpers ------------------------------------------------------------------------------

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

  private applyValidator(e: ValidatorReport, history: boolean): void {
    if (e.sourceAudit === true) {
      // Source offsets: never in the lag series, which is the target's.
      this.sourceAudit.apply(e);
      return;
    }
    const isolation = isolationOfReport(e);
    this.fold(isolation).apply(e);
    // The lag series is the own validators' (those at read_uncommitted read past open transactions).
    if (history && isolation === 'read_committed')
      this.progress.push({ atMs: e.atMs, validatorId: e.validatorId, partitions: e.partitions });
  }

  /** Every set of validators: the own, the read_uncommitted ones, the source audit consumer. */
  private everySet(): ValidatorFold[] {
    return [this.own, this.readUncommitted, this.sourceAudit];
  }

  private fold(isolation: ValidatorIsolation | undefined): ValidatorFold {
    return isolation === 'read_uncommitted' ? this.readUncommitted : this.own;
  }

  private fault(faultId: string): FaultTrack {
    let f = this.faults.get(faultId);
    if (f === undefined) this.faults.set(faultId, (f = { faultId, injected: undefined, healed: undefined }));
    return f;
  }
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
