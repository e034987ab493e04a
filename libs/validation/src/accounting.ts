import type { SourceReadEvidence } from './lost-cause';
import type { CorruptExample, OffsetExample, OffsetRangeExample, SeqExample } from './types';

/** One anomaly class: an exact count and the first few concrete examples (smallest by a total order). */
export interface AnomalyClass<E> {
  count: number;
  examples: E[];
}

/** A key whose arrival order went backwards at least once. */
export interface KeyRef {
  producerId: string;
  keyEpoch: number;
  key: string;
  topic: string;
  partition: number;
}

/**
 * The final word of the checker: what producers say was sent, reconciled with
 * what validators read. Every count is exact, whatever the number of validators
 * and the order their states were merged in. Sequence counts are numbers of
 * (producer, epoch, key, seq); record counts are numbers of target records.
 */
export interface Accounting {
  totals: {
    /** Sequences the source cluster acknowledged. */
    acked: number;
    /** Sequences whose send the producer was told failed. */
    failed: number;
    /** Sequences whose send timed out or ended unknown. */
    indeterminate: number;
    /** Distinct sequences read on the target. */
    seenDistinct: number;
    /** Distinct, decodable target records read (duplicates included, re-reads not). */
    seenRecords: number;
    /** Every read, re-reads and corrupt records included. */
    deliveries: number;
    keysSeen: number;
    keysReported: number;
    /** Sequences written in transactions the producer aborted (transactional workloads). */
    aborted: number;
  };
  /** Acked, never seen, while a later sequence of the same key was seen: lost. */
  lost: AnomalyClass<SeqExample>;
  /**
   * Acked, not seen, and no later sequence of the key seen either: maybe still in
   * flight. Mid-run this is lag; after draining it is loss too (see `verdict`).
   */
  unseen: AnomalyClass<SeqExample>;
  /** Seen, but no producer reports sending it (not acked, failed nor indeterminate). Always 0 at `progress`. */
  unexpected: AnomalyClass<SeqExample>;
  /**
   * Only at `progress` (mid-run): seen, and not yet covered by a producer report; the
   * producer's next report may still cover it. Never an anomaly; 0 at `final`.
   */
  pending: AnomalyClass<SeqExample>;
  /** Indeterminate sends that did arrive (they were committed after all). */
  indeterminateSeen: AnomalyClass<SeqExample>;
  /** Indeterminate sends that did not arrive: never counted as lost. */
  indeterminateMissing: AnomalyClass<SeqExample>;
  /** Sends the producer was told failed, which arrived anyway. */
  failedButSeen: AnomalyClass<SeqExample>;
  /**
   * Extra target records carrying a sequence already written at another offset
   * (`count`), and how many distinct sequences that concerns (`seqs`). When
   * `examplesMayIncludeRereads`, two merged states had read the same offsets
   * of some partition without a handover, so examples may name a re-read.
   */
  duplicate: AnomalyClass<SeqExample> & { seqs: number; examplesMayIncludeRereads: boolean };
  /** Target records read again (consumer restarts and rebalances): not an anomaly of the system under test. */
  redelivery: AnomalyClass<OffsetExample>;
  /**
   * Target records that carried mirrorlab metadata but failed a check, by reason. A
   * damaged payload under an intact identity (`payload_mismatch`) names its producer,
   * key and seq in its example and is not lost; `seqs` counts the sequences that
   * arrived only damaged. Records whose identity is damaged cannot be attributed.
   */
  corrupt: AnomalyClass<CorruptExample> & { byReason: Record<string, number>; seqs: number };
  /** Records with no mirrorlab metadata at all (another application's records, tombstones). Never in `corrupt`. */
  foreign: AnomalyClass<OffsetExample>;
  /**
   * Offset ranges (blocks of 64) where a re-read disagreed with the first read: the
   * target log was truncated and rewritten under the reader. `count` is ranges;
   * `offsets` the offsets read in them; `unverifiable` blocks that could not be
   * checked (states that read overlapping parts of a block without a handover).
   */
  inconsistentOffset: AnomalyClass<OffsetRangeExample> & { offsets: number; unverifiable: number };
  /**
   * Arrival order, as each validator saw it. Order-dependent: merged by summing
   * per-key counters; a key went backwards if it did in any validator.
   */
  order: {
    inOrder: number;
    gaps: AnomalyClass<SeqExample> & { skippedSeqs: number };
    late: AnomalyClass<SeqExample>;
    backwardsKeys: AnomalyClass<KeyRef>;
  };
  /** Producers whose records were read but who sent no report: all their records count as unexpected. */
  unreportedProducers: string[];
  /**
   * Why each missing record went missing (`lost`, plus `unseen` at `final`, where unseen is
   * loss too), from the source audit: the three classes add up to those. See `LostCause`.
   */
  lostSplit: LostSplit;
  /**
   * Sequences read on the target that their producer wrote in a transaction it aborted
   * (Jepsen's G1a, aborted read): a `read_committed` reader must never see one, so the
   * replicator copied an aborted record as if committed. Counted by sequence; a copy
   * read twice is also a duplicate.
   */
  abortedRead: AnomalyClass<SeqExample>;
}

/** A missing record and where it sat in the source log (when a delivery report named it). */
export interface LostSourceExample {
  producerId: string;
  keyEpoch: number;
  key: string;
  seq: number;
  /** Source topic and partition, and the record's source offset. */
  topic?: string;
  partition?: number;
  sourceOffset?: number;
  /** What the source audit consumer said of it (only when one ran): see `SourceReadEvidence`. */
  evidence?: SourceReadEvidence;
}

export interface LostSplit {
  /** Source offsets and audit samples were given; false: every missing record is `lostInReplication`, unchecked. */
  audited: boolean;
  lostAtSource: AnomalyClass<LostSourceExample>;
  purgedBeforeMirrored: AnomalyClass<LostSourceExample>;
  lostInReplication: AnomalyClass<LostSourceExample>;
  /** Of `lostInReplication`: records with no known source offset, or in a partition the audit never sampled. */
  unaudited: number;
  /**
   * Present when the source audit consumer ran: how many missing records it read on the source, found
   * missing from the source (read across their offset), or did not reach. Adds up to the records split.
   */
  sourceReads?: Record<SourceReadEvidence, number>;
}

/**
 * Anomaly classes a verdict fails on. `failedButSeen` and `indeterminate*` are
 * reported but never fail a run: they describe the source cluster's answers to
 * the producer, not the replication.
 */
export type VerdictAnomaly = 'lost' | 'unseen' | 'unexpected' | 'duplicate' | 'corrupt' | 'foreign' | 'inconsistentOffset' | 'abortedRead';

export interface VerdictOptions {
  /**
   * `final`: after draining, unseen counts as loss. `progress`: mid-run, unseen
   * is lag and does not fail.
   */
  phase: 'final' | 'progress';
  /** Classes this run accepts, e.g. `duplicate` for an at-least-once replicator. */
  tolerate?: readonly VerdictAnomaly[];
}

export interface Verdict {
  valid: boolean;
  failures: Array<{ anomaly: VerdictAnomaly; count: number }>;
}

/** Pass or fail, with the classes that failed and their counts. */
export function verdict(acc: Accounting, options: VerdictOptions): Verdict {
  const tolerated = new Set(options.tolerate ?? []);
  const checked: VerdictAnomaly[] = ['lost', 'unexpected', 'duplicate', 'corrupt', 'foreign', 'inconsistentOffset', 'abortedRead'];
  if (options.phase === 'final') checked.splice(1, 0, 'unseen');
  const failures = checked
    .filter((a) => !tolerated.has(a))
    .map((anomaly) => ({ anomaly, count: acc[anomaly].count }))
    .filter((f) => f.count > 0);
  return { valid: failures.length === 0, failures };
}
