/**
 * @mirrorlab/validation: the checker. Pure functions and state, no I/O, no clocks.
 *
 * A validator feeds each record it reads to `ValidatorState.observe`, hands
 * partitions over with `releasePartitions` / `adopt`, and publishes
 * `toSnapshot()`. The report-aggregator merges snapshots and calls `reconcile`
 * with the producers' reports to get the `Accounting`, then `verdict`.
 */
export { CheckerError, type CheckerErrorCode } from './errors';
export { IntervalSet, type Range } from './interval-set';
export type {
  Classification,
  CorruptExample,
  CorruptRecord,
  DamagedRecord,
  ForeignRecord,
  Observation,
  OffsetExample,
  OffsetRangeExample,
  SeqExample,
} from './types';
export { FINGERPRINT_BLOCK } from './offset-fingerprints';
export { DEFAULT_MAX_EXAMPLES, type WitnessedExample } from './examples';
export { ValidatorState, type PartitionPosition, type ValidatorOptions } from './validator-state';
export { SNAPSHOT_VERSION, type KeySnapshot, type PartitionSnapshot, type ValidatorSnapshot } from './snapshot';
export { mergeSnapshots } from './merge-snapshots';
export type { ProducerKeyReport, ProducerReport } from './producer-report';
export { reconcile, type ReconcileOptions } from './reconcile';
export {
  verdict,
  type Accounting,
  type AnomalyClass,
  type KeyRef,
  type LostSourceExample,
  type LostSplit,
  type Verdict,
  type VerdictAnomaly,
  type VerdictOptions,
} from './accounting';
export { OffsetRunBuilder, SourceOffsetIndex, type OffsetRun, type SourceOffsetReport, type SourcePosition } from './source-offsets';
export { SourceAuditTimeline, type SourcePartitionSample } from './source-audit';
export { causeOfLoss, type LostCause, type LostCauseInput } from './lost-cause';
export { causeOfLossWithReads, type SourceReadEvidence, type SourceReadInput } from './lost-cause';
export { SourceReads } from './source-reads';
export { LatencyHistograms, type LatencyHistogramOptions, type LatencySnapshot, type WindowSummary } from './latency-histograms';
export { latestPartition, latestPartitions, latestPartitionsWithConflicts, type PartitionConflict } from './partition-handover';
export { checkTranslations } from './translation/check-translations';
export type {
  GroupCommit,
  KeyIdentity,
  PartitionTranslationCheck,
  ProcessedKeyRanges,
  RegressionExample,
  RereadExample,
  SkippedRecordExample,
  TargetPartitionRecords,
  TargetRecord,
  TranslationCheck,
  TranslationCheckInput,
  TranslationObservation,
  TranslationVia,
  UnsafeTranslationExample,
} from './translation/translation-types';
