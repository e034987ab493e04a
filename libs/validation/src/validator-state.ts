import { DEFAULT_MAX_EXAMPLES } from './examples';
import { CheckerError } from './errors';
import { PartitionState } from './partition-state';
import { decodePartition, encodePartition, SNAPSHOT_VERSION, snapshotReader as read, type ValidatorSnapshot } from './snapshot';
import type { Classification, CorruptRecord, DamagedRecord, ForeignRecord, Observation } from './types';

export interface ValidatorOptions {
  /** First sequence of every (producer, epoch, key); the protocol starts at 0. */
  firstSeq?: number;
  /** Concrete examples kept per anomaly class (default 5). */
  maxExamples?: number;
}

/** Where a validator stands on one target partition. */
export interface PartitionPosition {
  topic: string;
  partition: number;
  /** One past the highest offset read: where to resume after a handover. */
  nextOffset: number;
}

/**
 * The checker state of one validator: per target partition, the offsets read and
 * a tracker per key. `observe` classifies each record as it arrives; the state
 * serializes to a compact snapshot and merges with other validators' states.
 *
 * Merging is a commutative, associative fold with the empty state as identity.
 * It is not idempotent: each read must be in exactly one of the merged states, so
 * a partition handed over must leave the giver (`releasePartitions`), and the
 * aggregator merges each validator's latest state once.
 */
export class ValidatorState {
  readonly firstSeq: number;
  readonly maxExamples: number;
  private readonly topics = new Map<string, Map<number, PartitionState>>();
  // One-entry cache: consecutive records mostly come from the same fetch batch.
  private lastTopic: string | undefined = undefined;
  private lastPartition = -1;
  private last: PartitionState | undefined = undefined;

  constructor(options: ValidatorOptions = {}) {
    this.firstSeq = options.firstSeq ?? 0;
    this.maxExamples = options.maxExamples ?? DEFAULT_MAX_EXAMPLES;
    if (!Number.isSafeInteger(this.firstSeq)) throw new CheckerError('invalid_argument', 'must be a safe integer', 'firstSeq');
    if (!Number.isSafeInteger(this.maxExamples) || this.maxExamples < 0) {
      throw new CheckerError('invalid_argument', 'must be an integer >= 0', 'maxExamples');
    }
  }

  /** Classifies one decoded record and records it. */
  observe(o: Observation): Classification {
    if (
      !Number.isSafeInteger(o.offset) ||
      o.offset < 0 ||
      !Number.isSafeInteger(o.seq) ||
      !Number.isSafeInteger(o.keyEpoch) ||
      typeof o.key !== 'string' ||
      typeof o.producerId !== 'string'
    ) {
      throw invalidObservation(o, false);
    }
    return this.partitionFor(o.topic, o.partition).observe(o, this.firstSeq);
  }

  /** Records a target record that failed its checksum or could not be decoded. */
  observeCorrupt(r: CorruptRecord): 'corrupt' | 'redelivery' {
    if (!Number.isSafeInteger(r.offset) || r.offset < 0 || typeof r.reason !== 'string') throw invalidObservation(r, true);
    return this.partitionFor(r.topic, r.partition).observeCorrupt(r.offset, r.reason, r.fingerprint);
  }

  /**
   * Records a test record whose identity passed its checksum but whose payload did
   * not: counted corrupt (under `reason`) and attributed to its sequence, which is
   * therefore not lost.
   */
  observeDamaged(d: DamagedRecord): 'corrupt' | 'redelivery' {
    if (
      !Number.isSafeInteger(d.offset) ||
      d.offset < 0 ||
      !Number.isSafeInteger(d.seq) ||
      !Number.isSafeInteger(d.keyEpoch) ||
      typeof d.key !== 'string' ||
      typeof d.producerId !== 'string' ||
      typeof d.reason !== 'string'
    ) {
      throw invalidObservation(d, false);
    }
    return this.partitionFor(d.topic, d.partition).observeDamaged(d);
  }

  /** Records a record with no mirrorlab metadata (class `foreign`, never corrupt). */
  observeForeign(r: ForeignRecord): 'foreign' | 'redelivery' {
    if (!Number.isSafeInteger(r.offset) || r.offset < 0) throw invalidObservation({ ...r, reason: 'foreign' }, true);
    return this.partitionFor(r.topic, r.partition).observeForeign(r.offset, r.fingerprint);
  }

  /** Every partition read so far, sorted, with the offset to resume from. */
  positions(): PartitionPosition[] {
    return this.partitionStates().map((p) => ({ topic: p.topic, partition: p.partition, nextOffset: p.nextOffset }));
  }

  /** @internal The partition states, sorted by (topic, partition), for `reconcile`; do not modify. */
  partitionStates(): PartitionState[] {
    const out: PartitionState[] = [];
    for (const parts of this.topics.values()) out.push(...parts.values());
    return out.sort((a, b) => (a.topic !== b.topic ? (a.topic < b.topic ? -1 : 1) : a.partition - b.partition));
  }

  toSnapshot(): ValidatorSnapshot {
    return this.snapshotOf(this.partitionStates());
  }

  /**
   * The state of just these partitions of `topic` (those read so far), e.g. to
   * publish progress. To hand partitions over, use `releasePartitions`.
   */
  snapshotPartitions(topic: string, partitions: readonly number[]): ValidatorSnapshot {
    const parts = this.topics.get(topic);
    const picked = [...new Set(partitions)]
      .sort((a, b) => a - b)
      .flatMap((n) => {
        const p = parts?.get(n);
        return p === undefined ? [] : [p];
      });
    return this.snapshotOf(picked);
  }

  /**
   * Hands partitions over after a rebalance: returns their state (each with the
   * `nextOffset` to resume from) and forgets them, so the giver's later snapshots
   * no longer count those reads. The taker `adopt`s it before reading them.
   */
  releasePartitions(topic: string, partitions: readonly number[]): ValidatorSnapshot {
    const handover = this.snapshotPartitions(topic, partitions);
    const parts = this.topics.get(topic);
    for (const n of partitions) parts?.delete(n);
    if (parts?.size === 0) this.topics.delete(topic);
    this.last = undefined;
    this.lastTopic = undefined;
    return handover;
  }

  /**
   * Folds another state (a handover, or a whole validator's state) into this one.
   * Adopt a handover before reading its partitions: re-reads are then recognised
   * as they arrive, and arrival-order classes continue where the giver stopped.
   */
  adopt(other: ValidatorState | ValidatorSnapshot): void {
    const state = other instanceof ValidatorState ? other : ValidatorState.fromSnapshot(other);
    if (state.firstSeq !== this.firstSeq) {
      throw new CheckerError(
        'incompatible_merge',
        `states disagree on firstSeq (${this.firstSeq} vs ${state.firstSeq}); validators of one run must share it`,
      );
    }
    for (const p of state.partitionStates()) {
      const mine = this.topics.get(p.topic)?.get(p.partition);
      if (mine === undefined) this.insert(p.clone(this.maxExamples));
      else mine.mergeFrom(p);
    }
  }

  /** A deep copy, optionally keeping fewer examples. */
  clone(maxExamples = this.maxExamples): ValidatorState {
    const c = new ValidatorState({ firstSeq: this.firstSeq, maxExamples });
    c.adopt(this);
    return c;
  }

  /** The state one validator would have had after reading what `a` and `b` read. Pure. */
  static merge(a: ValidatorState, b: ValidatorState): ValidatorState {
    const merged = a.clone(Math.min(a.maxExamples, b.maxExamples));
    merged.adopt(b);
    return merged;
  }

  /** Parses and checks an untrusted snapshot; a `CheckerError` names the bad field. */
  static fromSnapshot(json: unknown): ValidatorState {
    const o = read.object(json, 'snapshot');
    if (o.version !== SNAPSHOT_VERSION) read.fail('version', `${SNAPSHOT_VERSION}`, o.version);
    const state = new ValidatorState({
      firstSeq: read.int(o.firstSeq, 'firstSeq'),
      maxExamples: read.int(o.maxExamples, 'maxExamples', 0),
    });
    read.array(o.partitions, 'partitions').forEach((item, i) => {
      const p = decodePartition(item, `partitions[${i}]`, state.maxExamples);
      if (state.topics.get(p.topic)?.has(p.partition)) read.fail(`partitions[${i}]`, 'each partition once', `${p.topic}/${p.partition}`);
      state.insert(p);
    });
    return state;
  }

  private snapshotOf(parts: PartitionState[]): ValidatorSnapshot {
    return { version: SNAPSHOT_VERSION, firstSeq: this.firstSeq, maxExamples: this.maxExamples, partitions: parts.map(encodePartition) };
  }

  private partitionFor(topic: string, partition: number): PartitionState {
    if (topic === this.lastTopic && partition === this.lastPartition && this.last !== undefined) return this.last;
    if (typeof topic !== 'string' || !Number.isSafeInteger(partition) || partition < 0) {
      throw new CheckerError(
        'invalid_observation',
        `expected a topic string and a partition integer >= 0, got ${topic}/${partition}`,
        'partition',
      );
    }
    let p = this.topics.get(topic)?.get(partition);
    if (p === undefined) p = this.insert(new PartitionState(topic, partition, this.maxExamples));
    this.lastTopic = topic;
    this.lastPartition = partition;
    this.last = p;
    return p;
  }

  private insert(p: PartitionState): PartitionState {
    let parts = this.topics.get(p.topic);
    if (parts === undefined) this.topics.set(p.topic, (parts = new Map()));
    parts.set(p.partition, p);
    return p;
  }
}

/** Names the first bad field; only runs once a check above has failed. */
function invalidObservation(o: Observation | CorruptRecord, corrupt: boolean): CheckerError {
  const fields = o as unknown as Record<string, unknown>;
  for (const f of corrupt ? ['offset'] : ['offset', 'seq', 'keyEpoch']) {
    const v = fields[f];
    if (!Number.isSafeInteger(v) || (f === 'offset' && (v as number) < 0)) {
      return new CheckerError(
        'invalid_observation',
        `expected ${f === 'offset' ? 'an integer >= 0' : 'a safe integer'}, got ${String(v)}`,
        f,
      );
    }
  }
  for (const f of corrupt ? ['reason'] : ['key', 'producerId']) {
    if (typeof fields[f] !== 'string') return new CheckerError('invalid_observation', `expected a string, got ${typeof fields[f]}`, f);
  }
  return new CheckerError('invalid_observation', 'malformed record');
}
