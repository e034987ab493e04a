import type { OffsetExample, SeqExample } from './types';

/** Default number of concrete examples kept per anomaly class. */
export const DEFAULT_MAX_EXAMPLES = 5;

/** An example witnessed by one arriving record: every field is known. */
export type WitnessedExample = Required<Omit<SeqExample, 'nextReadUs'>>;

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Total order on what an example is about: (producerId, keyEpoch, key, seq). */
export function compareSeqIdentity(a: SeqExample, b: SeqExample): number {
  return compareStrings(a.producerId, b.producerId) || a.keyEpoch - b.keyEpoch || compareStrings(a.key, b.key) || a.seq - b.seq;
}

/** Total order on target positions: (topic, partition, offset). */
export function compareOffsets(a: OffsetExample, b: OffsetExample): number {
  return compareStrings(a.topic, b.topic) || a.partition - b.partition || a.offset - b.offset;
}

/** Total order on witnessed examples: identity first, then where and when it was seen. */
function compareWitnessed(a: WitnessedExample, b: WitnessedExample): number {
  return compareSeqIdentity(a, b) || compareOffsets(a, b) || a.timeUs - b.timeUs;
}

/**
 * The `cap` smallest witnessed examples, at most one per sequence identity.
 *
 * Keeping the smallest by a total order (rather than the first to arrive) makes
 * merging exact: the `cap` smallest of a union are among the `cap` smallest of
 * each part, so merge(a, b) keeps exactly what one validator that saw both would
 * keep, in any merge order. For one sequence seen several times the smallest
 * witness (lowest offset) wins, for the same reason.
 */
export class ExampleSet {
  private items: WitnessedExample[] = [];

  constructor(readonly cap: number) {}

  get size(): number {
    return this.items.length;
  }

  /**
   * True when `offer` would certainly drop an example about this identity, so the
   * caller can skip building it (field by field: this runs on the hot path).
   */
  isFullBefore(producerId: string, keyEpoch: number, key: string, seq: number): boolean {
    if (this.items.length < this.cap) return false;
    const last = this.items[this.items.length - 1];
    if (producerId !== last.producerId) return producerId > last.producerId;
    if (keyEpoch !== last.keyEpoch) return keyEpoch > last.keyEpoch;
    if (key !== last.key) return key > last.key;
    return seq > last.seq;
  }

  offer(e: WitnessedExample): void {
    const items = this.items;
    if (this.cap === 0) return;
    // Binary search for the first item not smaller by identity.
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareSeqIdentity(items[mid], e) < 0) lo = mid + 1;
      else hi = mid;
    }
    if (lo < items.length && compareSeqIdentity(items[lo], e) === 0) {
      if (compareWitnessed(e, items[lo]) < 0) items[lo] = e;
      return;
    }
    if (lo >= this.cap) return;
    items.splice(lo, 0, e);
    if (items.length > this.cap) items.pop();
  }

  /** Adds every example of `other` (a copy is kept; `other` is not changed). */
  mergeFrom(other: ExampleSet): void {
    for (const e of other.items) this.offer({ ...e });
  }

  toArray(): WitnessedExample[] {
    return this.items.map((e) => ({ ...e }));
  }

  find(identity: SeqExample): WitnessedExample | undefined {
    return this.items.find((e) => compareSeqIdentity(e, identity) === 0);
  }

  clone(cap = this.cap): ExampleSet {
    const c = new ExampleSet(cap);
    c.items = this.items.slice(0, cap).map((e) => ({ ...e }));
    return c;
  }
}
