import { CheckerError } from '../errors';
import { keyIdOf } from './processed-history';
import type { TargetRecord } from './translation-types';

/**
 * The test records of one target partition in offset order, with where each record's identity
 * (producer, epoch, key, seq) occurs last (a replicator may write one record at several offsets)
 * and whether an offset is its first occurrence.
 */
export class TargetPartitionIndex {
  readonly records: TargetRecord[];
  readonly ids: string[];
  readonly lastOffsetOfId: number[];
  readonly isFirstOccurrence: boolean[];

  constructor(records: ReadonlyArray<TargetRecord>, field: string) {
    records.forEach((r, i) => {
      if (!Number.isSafeInteger(r.offset) || r.offset < 0)
        throw new CheckerError('invalid_argument', 'expected a non-negative integer offset', `${field}[${i}].offset`);
      if (!Number.isSafeInteger(r.seq) || r.seq < 0)
        throw new CheckerError('invalid_argument', 'expected a non-negative integer sequence', `${field}[${i}].seq`);
    });
    const sorted = [...records].sort((a, b) => a.offset - b.offset);
    // One record per offset: a second claim on an offset is the validator's inconsistent-offset class, not ours.
    this.records = sorted.filter((r, i) => i === 0 || sorted[i - 1].offset !== r.offset);
    this.ids = this.records.map((r) => `${keyIdOf(r)}\u0000${r.seq}`);
    const last = new Map<string, number>();
    const seen = new Set<string>();
    this.isFirstOccurrence = this.ids.map((id, i) => {
      last.set(id, this.records[i].offset);
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
    this.lastOffsetOfId = this.ids.map((id) => last.get(id) as number);
  }

  /** Index of the first record at offset >= `offset`. */
  indexAt(offset: number): number {
    let lo = 0;
    let hi = this.records.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.records[mid].offset < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
