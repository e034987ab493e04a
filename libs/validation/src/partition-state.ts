import { ExampleSet } from './examples';
import { IntervalSet } from './interval-set';
import { OffsetFingerprints } from './offset-fingerprints';
import { SequenceTracker } from './sequence-tracker';
import type { Classification, DamagedRecord, Observation } from './types';

type KeyTrackers = Map<string, SequenceTracker>;
type EpochTrackers = Map<number, KeyTrackers>;

/** Witnessed examples of the order classes and of duplicates, per partition. */
export interface PartitionExamples {
  gap: ExampleSet;
  late: ExampleSet;
  duplicate: ExampleSet;
  /** Records with an intact identity and a damaged payload (they are also in `corrupt`). */
  damaged: ExampleSet;
}

export const EXAMPLE_CLASSES = ['gap', 'late', 'duplicate', 'damaged'] as const;

/**
 * Everything one validator knows about one target partition: which offsets it
 * read, how often, which were corrupt, and a `SequenceTracker` per key found in it.
 *
 * Keys are tracked under their partition (a key lives in one partition for an
 * epoch), so handing a partition over moves its keys with it.
 */
export class PartitionState {
  /** Distinct target offsets read (valid and corrupt). */
  offsets = new IntervalSet();
  /** Offsets read more than once (re-reads after a restart or rebalance). */
  redelivered = new IntervalSet();
  /** Every read, re-reads included: redeliveries = deliveries - offsets.size, exactly, after any merge. */
  deliveries = 0;
  /** Corrupt offsets by reason (damaged payloads included, under their reason). */
  corrupt = new Map<string, IntervalSet>();
  /** Offsets of records with no mirrorlab metadata: a class of their own, never corrupt. */
  foreign = new IntervalSet();
  /** What was read per block of offsets, to catch a re-read offset that now holds something else. */
  fingerprints = new OffsetFingerprints();
  /**
   * True once two merged states had both read some offset of this partition: then
   * a sequence both saw may be a re-read rather than a duplicate, so duplicate
   * *examples* may include re-reads (the duplicate *count* stays exact).
   */
  overlappingReads = false;
  /** producerId -> keyEpoch -> key -> tracker: nested maps, so the hot path builds no key string. */
  readonly producers = new Map<string, EpochTrackers>();
  readonly examples: PartitionExamples;

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly maxExamples: number,
  ) {
    this.examples = {
      gap: new ExampleSet(maxExamples),
      late: new ExampleSet(maxExamples),
      duplicate: new ExampleSet(maxExamples),
      damaged: new ExampleSet(maxExamples),
    };
  }

  /** Next offset to read: one past the highest offset read. */
  get nextOffset(): number {
    const max = this.offsets.max();
    return max === undefined ? 0 : max + 1;
  }

  observe(o: Observation, firstSeq: number): Classification {
    this.deliveries++;
    if (!this.offsets.add(o.offset)) {
      this.reread(o.offset, o.fingerprint ?? identityHash(o));
      return 'redelivery';
    }
    this.fingerprints.first(o.offset, o.fingerprint ?? identityHash(o));
    const tracker = this.trackerFor(o.producerId, o.keyEpoch, o.key);
    const cls = tracker.classify(o.seq, firstSeq, o.arrivalUs);
    if (cls !== 'in_order') this.witness(cls, o);
    return cls;
  }

  observeCorrupt(offset: number, reason: string, fingerprint = 0): 'corrupt' | 'redelivery' {
    this.deliveries++;
    if (!this.offsets.add(offset)) {
      this.reread(offset, fingerprint);
      return 'redelivery';
    }
    this.fingerprints.first(offset, fingerprint);
    this.addCorrupt(offset, reason);
    return 'corrupt';
  }

  /** A damaged payload under an intact identity: a corrupt offset, and a damaged copy of its sequence. */
  observeDamaged(d: DamagedRecord): 'corrupt' | 'redelivery' {
    this.deliveries++;
    if (!this.offsets.add(d.offset)) {
      this.reread(d.offset, d.fingerprint ?? identityHash(d));
      return 'redelivery';
    }
    this.fingerprints.first(d.offset, d.fingerprint ?? identityHash(d));
    this.addCorrupt(d.offset, d.reason);
    this.trackerFor(d.producerId, d.keyEpoch, d.key).damaged(d.seq);
    if (!this.examples.damaged.isFullBefore(d.producerId, d.keyEpoch, d.key, d.seq)) {
      this.examples.damaged.offer({
        producerId: d.producerId,
        keyEpoch: d.keyEpoch,
        key: d.key,
        seq: d.seq,
        topic: this.topic,
        partition: this.partition,
        offset: d.offset,
        timeUs: d.arrivalUs,
      });
    }
    return 'corrupt';
  }

  observeForeign(offset: number, fingerprint = 0): 'foreign' | 'redelivery' {
    this.deliveries++;
    if (!this.offsets.add(offset)) {
      this.reread(offset, fingerprint);
      return 'redelivery';
    }
    this.fingerprints.first(offset, fingerprint);
    this.foreign.add(offset);
    return 'foreign';
  }

  /** A re-read: checked against the first read once per offset (the first time it is read again). */
  private reread(offset: number, fingerprint: number): void {
    if (this.redelivered.add(offset)) this.fingerprints.reread(offset, fingerprint);
  }

  private addCorrupt(offset: number, reason: string): void {
    let set = this.corrupt.get(reason);
    if (set === undefined) this.corrupt.set(reason, (set = new IntervalSet()));
    set.add(offset);
  }

  trackerFor(producerId: string, keyEpoch: number, key: string): SequenceTracker {
    let epochs = this.producers.get(producerId);
    if (epochs === undefined) this.producers.set(producerId, (epochs = new Map()));
    let keys = epochs.get(keyEpoch);
    if (keys === undefined) epochs.set(keyEpoch, (keys = new Map()));
    let tracker = keys.get(key);
    if (tracker === undefined) keys.set(key, (tracker = new SequenceTracker(producerId, keyEpoch, key)));
    return tracker;
  }

  *trackers(): IterableIterator<SequenceTracker> {
    for (const epochs of this.producers.values()) {
      for (const keys of epochs.values()) yield* keys.values();
    }
  }

  /** Offsets that held a test record that decoded intact (duplicates included). */
  validCount(): number {
    return this.offsets.size - this.corruptOffsets().size - this.foreign.size;
  }

  /** Offsets that held a corrupt record, whatever the reason. */
  corruptOffsets(): IntervalSet {
    let all = new IntervalSet();
    for (const set of this.corrupt.values()) all = all.union(set);
    return all;
  }

  /**
   * Folds another validator's state of the same partition into this one.
   * Offsets, sequences and corrupt offsets are unions; read counts and order
   * counters add up; an offset both had read is a redelivery.
   */
  mergeFrom(other: PartitionState): void {
    const overlap = this.offsets.intersect(other.offsets);
    this.fingerprints.mergeFrom(other.fingerprints, this.offsets, other.offsets);
    this.overlappingReads ||= other.overlappingReads || !overlap.isEmpty();
    this.redelivered = this.redelivered.union(other.redelivered).union(overlap);
    this.offsets = this.offsets.union(other.offsets);
    this.deliveries += other.deliveries;
    for (const [reason, set] of other.corrupt) {
      const mine = this.corrupt.get(reason);
      this.corrupt.set(reason, mine === undefined ? set.clone() : mine.union(set));
    }
    this.foreign = this.foreign.union(other.foreign);
    for (const t of other.trackers()) {
      const mine = this.producers.get(t.producerId)?.get(t.keyEpoch)?.get(t.key);
      if (mine === undefined) this.insertTracker(t.clone());
      else mine.mergeFrom(t);
    }
    for (const cls of EXAMPLE_CLASSES) this.examples[cls].mergeFrom(other.examples[cls]);
  }

  /** A deep copy; merging into an empty state copies everything unchanged. */
  clone(maxExamples = this.maxExamples): PartitionState {
    const c = new PartitionState(this.topic, this.partition, maxExamples);
    c.mergeFrom(this);
    return c;
  }

  /** Adds a tracker for a key this partition does not track yet (used by merge and snapshot parsing). */
  insertTracker(t: SequenceTracker): void {
    let epochs = this.producers.get(t.producerId);
    if (epochs === undefined) this.producers.set(t.producerId, (epochs = new Map()));
    let keys = epochs.get(t.keyEpoch);
    if (keys === undefined) epochs.set(t.keyEpoch, (keys = new Map()));
    keys.set(t.key, t);
  }

  /** Offsets of blocks where a re-read disagreed with the first read. */
  inconsistentOffsets(): IntervalSet {
    return this.fingerprints.inconsistentOffsets(this.offsets);
  }

  private witness(cls: 'gap' | 'late' | 'duplicate', o: Observation): void {
    const set = this.examples[cls];
    if (set.isFullBefore(o.producerId, o.keyEpoch, o.key, o.seq)) return;
    set.offer({
      producerId: o.producerId,
      keyEpoch: o.keyEpoch,
      key: o.key,
      seq: o.seq,
      topic: this.topic,
      partition: this.partition,
      offset: o.offset,
      timeUs: o.arrivalUs,
    });
  }
}

/** Stand-in content hash for callers that pass no fingerprint: the record's identity. */
function identityHash(o: { producerId: string; keyEpoch: number; key: string; seq: number }): number {
  return (
    (Math.imul(o.seq | 0, 0x9e3779b1) ^ Math.imul(o.keyEpoch | 0, 0x85ebca6b) ^ Math.imul(o.key.length + o.producerId.length, 0xc2b2ae35)) |
    0
  );
}
