/**
 * Inputs and output of the consumer-offset translation checker (MirrorMaker 2's
 * checkpoint connector). Plain data, times in ms as arguments: no clock, no I/O.
 */

/** A (producer, key epoch, key) in one partition: a record's identity without its sequence. */
export interface KeyIdentity {
  producerId: string;
  keyEpoch: number;
  key: string;
}

/** Sequences of one key a source consumer group processed since its previous commit of that partition. */
export interface ProcessedKeyRanges extends KeyIdentity {
  /** Closed ranges `[lo, hi]` of sequences. */
  ranges: ReadonlyArray<readonly [number, number]>;
}

/**
 * One offset commit of a source consumer group for one source partition, with what the group
 * had processed since its previous commit of that partition (deltas; the checker folds them).
 */
export interface GroupCommit {
  group: string;
  /** Source topic and partition. */
  topic: string;
  partition: number;
  atMs: number;
  /** The committed source offset (the next one the group would read). */
  offset: number;
  processed: ReadonlyArray<ProcessedKeyRanges>;
}

/** Where a translation was observed on the target cluster. */
export type TranslationVia = 'checkpoint' | 'group-offset';

/** A translated offset of a source group observed on the target at some time. */
export interface TranslationObservation {
  group: string;
  /** Target topic and partition. */
  topic: string;
  partition: number;
  /** When it was observed (a checkpoint's record timestamp, or when the group offset was read). */
  atMs: number;
  /** The translated target offset: where a failed-over consumer would start. */
  offset: number;
  /** The source offset it translates (checkpoints carry it; target group offsets do not). */
  upstreamOffset?: number;
  via: TranslationVia;
}

/** A test record on the target: its offset and identity. */
export interface TargetRecord extends KeyIdentity {
  offset: number;
  seq: number;
}

export interface TargetPartitionRecords {
  /** Target topic and partition. */
  topic: string;
  partition: number;
  records: ReadonlyArray<TargetRecord>;
}

export interface TranslationCheckInput {
  /** Target topic of each source topic (the replicator's naming policy). */
  targetTopics: Readonly<Record<string, string>>;
  commits: ReadonlyArray<GroupCommit>;
  translations: ReadonlyArray<TranslationObservation>;
  targetRecords: ReadonlyArray<TargetPartitionRecords>;
  /** MirrorMaker 2's `offset.lag.max`: how many already-processed records a failover may re-read. */
  offsetLagMax: number;
  /** Examples kept per class and partition (default 5). */
  maxExamples?: number;
}

/** A record a failed-over consumer starting at the translated offset would never read. */
export interface SkippedRecordExample extends KeyIdentity {
  offset: number;
  seq: number;
}

export interface UnsafeTranslationExample {
  atMs: number;
  translatedOffset: number;
  upstreamOffset?: number;
  /** The lowest target offset holding a record the group had not processed. */
  firstUnprocessedOffset: number;
  /** Distinct records this translation would skip. */
  skipped: number;
  first: SkippedRecordExample;
}

export interface RereadExample {
  atMs: number;
  translatedOffset: number;
  upstreamOffset?: number;
  /** Distinct already-processed records at or after the translated offset. */
  reread: number;
}

export interface RegressionExample {
  atMs: number;
  from: number;
  to: number;
}

/** One group's translations of one partition, seen one way (checkpoints or target group offsets). */
export interface PartitionTranslationCheck {
  group: string;
  via: TranslationVia;
  sourceTopic: string;
  /** Target topic and partition. */
  topic: string;
  partition: number;
  /** Observations, and distinct (translated offset, reference commit) pairs evaluated. */
  observations: number;
  evaluated: number;
  latest: { atMs: number; offset: number; upstreamOffset?: number } | null;
  /** `unsafe-translation`: translations beyond the first record the group had not processed. */
  unsafe: { translations: number; skippedRecords: number; examples: UnsafeTranslationExample[] };
  /** `failover-reread`: already-processed records at or after the translation; `overBound`: translations re-reading more than `offset.lag.max`. */
  reread: { max: number; overBound: number; examples: RereadExample[] };
  /** `checkpoint-regression`: a translation lower than the one observed before it. */
  regressions: { count: number; examples: RegressionExample[] };
  /**
   * How far the translation trailed the group: at each observation, ms since the group first
   * committed having processed a record at or past the translated offset (0: not yet past it).
   */
  age: { maxMs: number; series: Array<[atMs: number, ageMs: number]> };
}

export interface TranslationCheck {
  offsetLagMax: number;
  partitions: PartitionTranslationCheck[];
  totals: {
    observations: number;
    unsafeTranslations: number;
    skippedRecords: number;
    rereadOverBound: number;
    maxReread: number;
    regressions: number;
    maxAgeMs: number;
  };
}
