import { IntervalSet } from './interval-set';

/** Gap openers kept per key: enough to place the lowest (example) losses of a key in time. */
export const MAX_GAP_OPENERS = 64;

/** Union keeping the `MAX_GAP_OPENERS` lowest seqs, the earliest time per seq: exact under any merge order. */
export function mergeOpeners(a: Map<number, number> | undefined, b: Map<number, number>): Map<number, number> {
  const all = new Map(a);
  for (const [seq, us] of b) all.set(seq, Math.min(us, all.get(seq) ?? us));
  return new Map([...all].sort((x, y) => x[0] - y[0]).slice(0, MAX_GAP_OPENERS));
}

/** What a record that is new at its target offset was, for its key. */
export type SequenceClass = 'in_order' | 'gap' | 'late' | 'duplicate';

/**
 * Everything known about one (producer, key epoch, key) in one target partition.
 *
 * The next expected sequence is derived, never stored: it is the highest sequence
 * seen plus one, so it can only move forward. A late record fills its hole without
 * moving it back (the old tool's defect, which turned 1,2,4,3,5 into four skips).
 */
export class SequenceTracker {
  /** Distinct sequences seen: exact under merge (set union). */
  seqs = new IntervalSet();
  /**
   * Sequences known to have been written at two or more target offsets. Allocated
   * on the first duplicate: most keys never have one.
   */
  duplicateSeqs: IntervalSet | undefined = undefined;
  /**
   * Sequences read with an intact identity but a damaged payload: corrupt, not lost.
   * Kept apart from `seqs` (which holds intact reads only). Allocated on first use.
   */
  damagedSeqs: IntervalSet | undefined = undefined;
  /**
   * seq -> arrival time (µs) of the records that opened a gap, for the first
   * `MAX_GAP_OPENERS` gaps (lowest seqs). The opener of the gap a lost sequence
   * fell into is the next record of its key that was read: a loss happened
   * between the lost record's send and that read (fault attribution). Allocated
   * on the first gap.
   */
  gapOpeners: Map<number, number> | undefined = undefined;
  // Arrival-order counters: order-dependent by nature, summed on merge.
  /** Records that were the next expected sequence. */
  inOrder = 0;
  /** Gaps opened: records that arrived above the next expected sequence. */
  gaps = 0;
  /** Sequences jumped over when those gaps opened (1 then 5 jumps over 2, 3, 4: 3). */
  skippedSeqs = 0;
  /** Records that filled an earlier gap. */
  late = 0;
  /**
   * Records whose sequence was below the highest already seen (late fills and
   * duplicates of a lower sequence). A copy of the highest sequence (0,1,2,2) is a
   * duplicate but did not go backwards.
   */
  backwards = 0;

  constructor(
    readonly producerId: string,
    readonly keyEpoch: number,
    readonly key: string,
  ) {}

  /**
   * Classifies a record that is new at its target offset (redeliveries are
   * filtered out before, by offset). `firstSeq` is where every key starts.
   */
  classify(seq: number, firstSeq: number, arrivalUs = 0): SequenceClass {
    const max = this.seqs.max();
    const next = max === undefined ? firstSeq : max + 1;
    if (seq === next) {
      this.seqs.add(seq);
      this.inOrder++;
      return 'in_order';
    }
    if (seq > next) {
      this.seqs.add(seq);
      const openers = (this.gapOpeners ??= new Map());
      if (openers.size < MAX_GAP_OPENERS) openers.set(seq, arrivalUs);
      this.gaps++;
      this.skippedSeqs += seq - next;
      return 'gap';
    }
    if (seq !== max) this.backwards++;
    if (this.seqs.add(seq)) {
      this.late++;
      return 'late';
    }
    (this.duplicateSeqs ??= new IntervalSet()).add(seq);
    return 'duplicate';
  }

  /** Arrival time of the first record read above `seq` that opened a gap over it, if kept. */
  nextReadAfter(seq: number): number | undefined {
    if (this.gapOpeners === undefined) return undefined;
    let best: number | undefined;
    let at: number | undefined;
    for (const [opener, us] of this.gapOpeners) {
      if (opener > seq && (best === undefined || opener < best)) [best, at] = [opener, us];
    }
    return at;
  }

  /** Records a damaged copy of `seq` (see `damagedSeqs`). */
  damaged(seq: number): void {
    (this.damagedSeqs ??= new IntervalSet()).add(seq);
  }

  /**
   * Folds `other` (the same key, as seen by another validator) into this one.
   *
   * A sequence that both states saw is counted as written twice: exact when the two
   * states read disjoint offsets of the partition (the handover protocol), which
   * the partition-level merge checks and flags otherwise.
   */
  mergeFrom(other: SequenceTracker): void {
    const both = this.seqs.intersect(other.seqs);
    let dup = this.duplicateSeqs;
    if (other.duplicateSeqs !== undefined) dup = dup === undefined ? other.duplicateSeqs.clone() : dup.union(other.duplicateSeqs);
    if (!both.isEmpty()) dup = dup === undefined ? both : dup.union(both);
    this.duplicateSeqs = dup;
    if (other.gapOpeners !== undefined) this.gapOpeners = mergeOpeners(this.gapOpeners, other.gapOpeners);
    if (other.damagedSeqs !== undefined)
      this.damagedSeqs = this.damagedSeqs === undefined ? other.damagedSeqs.clone() : this.damagedSeqs.union(other.damagedSeqs);
    this.seqs = this.seqs.union(other.seqs);
    this.inOrder += other.inOrder;
    this.gaps += other.gaps;
    this.skippedSeqs += other.skippedSeqs;
    this.late += other.late;
    this.backwards += other.backwards;
  }

  clone(): SequenceTracker {
    const c = new SequenceTracker(this.producerId, this.keyEpoch, this.key);
    c.seqs = this.seqs.clone();
    c.duplicateSeqs = this.duplicateSeqs?.clone();
    c.damagedSeqs = this.damagedSeqs?.clone();
    c.gapOpeners = this.gapOpeners === undefined ? undefined : new Map(this.gapOpeners);
    c.inOrder = this.inOrder;
    c.gaps = this.gaps;
    c.skippedSeqs = this.skippedSeqs;
    c.late = this.late;
    c.backwards = this.backwards;
    return c;
  }
}
