import { IntervalSet } from './interval-set';
import type { ValidatorState } from './validator-state';

/**
 * What the source audit consumer (scenario `audit.sourceConsumer`: a validator reading the SOURCE
 * topics with the same checker) read: per key the sequences it found on the source, per source
 * partition the offsets it read. Built once from its combined state.
 */
export class SourceReads {
  private readonly seqs = new Map<string, IntervalSet>();
  private readonly offsets = new Map<string, IntervalSet>();

  constructor(state: ValidatorState) {
    for (const p of state.partitionStates()) {
      this.offsets.set(partitionId(p.topic, p.partition), p.offsets);
      for (const t of p.trackers()) {
        const id = keyId(t.producerId, t.keyEpoch, t.key);
        const known = this.seqs.get(id);
        this.seqs.set(id, known === undefined ? t.seqs : known.union(t.seqs));
      }
    }
  }

  /** It read this record on the source: the source held it. */
  read(producerId: string, keyEpoch: number, key: string, seq: number): boolean {
    return this.seqs.get(keyId(producerId, keyEpoch, key))?.has(seq) ?? false;
  }

  /**
   * It read the partition at and around `offset` (an offset at or below it and one at or above it): a
   * consumer reads a partition in order, so a record at `offset` that it did not read was not in the
   * source log when it passed there. One that started above `offset` (the log start had moved past:
   * retention) or has not reached it says nothing.
   */
  readAcross(topic: string, partition: number, offset: number): boolean {
    const read = this.offsets.get(partitionId(topic, partition));
    const min = read?.min();
    const max = read?.max();
    return min !== undefined && max !== undefined && min <= offset && offset <= max;
  }
}

function keyId(producerId: string, keyEpoch: number, key: string): string {
  return `${producerId}\u0000${keyEpoch}\u0000${key}`;
}

function partitionId(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
