import type { ConsumerPartitionCommit } from '@mirrorlab/control';
import { IntervalSet } from '@mirrorlab/validation';

/** A processed record's identity; null: a record with no mirrorlab identity (foreign, corrupt, another run's). */
export interface ProcessedIdentity {
  producerId: string;
  keyEpoch: number;
  key: string;
  seq: number;
}

interface PartitionDelta {
  topic: string;
  partition: number;
  /** Next offset to commit: one past the last record processed. */
  nextOffset: number;
  keys: Map<string, { producerId: string; keyEpoch: number; key: string; seqs: IntervalSet }>;
}

/**
 * What a source consumer group processed since its last commit, per partition: the offset to
 * commit and, per (producer, epoch, key), the sequences. `takeCommit` hands the deltas over and
 * starts new ones, so the `consumer.commit` events of a group, folded, give what it had
 * processed at each commit (libs/validation checkTranslations). Pure: no I/O, no clock.
 */
export class ProcessedLedger {
  private readonly changed = new Map<string, PartitionDelta>();
  private readonly positions = new Map<string, number>();

  /** One record processed. Offsets of a partition only move forward; a re-read (after a restart) is recorded again. */
  record(topic: string, partition: number, offset: number, identity: ProcessedIdentity | null): void {
    const d = this.delta(topic, partition, offset);
    if (identity !== null) this.keyEntry(d, identity).seqs.add(identity.seq);
  }

  private delta(topic: string, partition: number, offset: number): PartitionDelta {
    const id = `${topic}\u0000${partition}`;
    let d = this.changed.get(id);
    if (d === undefined) {
      d = { topic, partition, nextOffset: offset + 1, keys: new Map() };
      this.changed.set(id, d);
    }
    d.nextOffset = Math.max(d.nextOffset, offset + 1);
    return d;
  }

  private keyEntry(d: PartitionDelta, k: { producerId: string; keyEpoch: number; key: string }) {
    const id = `${k.producerId}\u0000${k.keyEpoch}\u0000${k.key}`;
    let entry = d.keys.get(id);
    if (entry === undefined) {
      entry = { producerId: k.producerId, keyEpoch: k.keyEpoch, key: k.key, seqs: new IntervalSet() };
      d.keys.set(id, entry);
    }
    return entry;
  }

  /** Whether anything was processed since the last `takeCommit`. */
  get pending(): boolean {
    return this.changed.size > 0;
  }

  /** Offset to commit per changed partition, with what was processed since the last commit; starts new deltas. */
  takeCommit(): ConsumerPartitionCommit[] {
    const out = [...this.changed.values()]
      .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition))
      .map((d) => {
        this.positions.set(`${d.topic}\u0000${d.partition}`, d.nextOffset);
        return {
          topic: d.topic,
          partition: d.partition,
          offset: d.nextOffset,
          processed: [...d.keys.values()].map((e) => ({
            producerId: e.producerId,
            keyEpoch: e.keyEpoch,
            key: e.key,
            ranges: e.seqs.toRanges(),
          })),
        };
      });
    this.changed.clear();
    return out;
  }

  /** Puts commits taken by `takeCommit` back (their publication failed), merged with what came since. */
  restore(commits: ConsumerPartitionCommit[]): void {
    for (const c of commits) {
      const d = this.delta(c.topic, c.partition, c.offset - 1);
      for (const p of c.processed) {
        const entry = this.keyEntry(d, p);
        for (const [lo, hi] of p.ranges) entry.seqs.addRange(lo, hi);
      }
    }
  }

  /** Committed offset per partition so far (`topic/partition` -> offset). */
  committed(): Map<string, number> {
    return new Map([...this.positions].map(([k, v]) => [k.replace('\u0000', '/'), v]));
  }
}
