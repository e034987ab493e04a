import { CheckerError } from '../errors';
import type { GroupCommit, KeyIdentity } from './translation-types';

/** Map key of a (producer, epoch, key). NUL cannot occur in producer ids or keys we decode. */
export function keyIdOf(k: KeyIdentity): string {
  return `${k.producerId}\u0000${k.keyEpoch}\u0000${k.key}`;
}

/** One commit of a group partition, in time order. */
export interface CommitPoint {
  atMs: number;
  offset: number;
}

/**
 * What one source consumer group had processed of one source partition, commit by commit.
 * Commits are ordered by time (ties keep input order); the processed set at commit `k` is the
 * union of the deltas of commits `0..k`, so "processed at k" is "first processed at a commit <= k".
 */
export class ProcessedHistory {
  readonly commits: CommitPoint[] = [];
  /** Per key: `[lo, hi, commitIndex]` triples, in commit order. */
  private readonly ranges = new Map<string, Array<[number, number, number]>>();

  constructor(commits: ReadonlyArray<GroupCommit>, field: string) {
    const sorted = commits.map((c, i) => ({ c, i })).sort((a, b) => a.c.atMs - b.c.atMs || a.i - b.i);
    sorted.forEach(({ c, i }, k) => {
      const where = `${field}[${i}]`;
      if (!Number.isSafeInteger(c.atMs) || c.atMs < 0)
        throw new CheckerError('invalid_argument', 'expected a non-negative integer (ms)', `${where}.atMs`);
      if (!Number.isSafeInteger(c.offset) || c.offset < 0)
        throw new CheckerError('invalid_argument', 'expected a non-negative integer offset', `${where}.offset`);
      this.commits.push({ atMs: c.atMs, offset: c.offset });
      c.processed.forEach((p, j) => {
        const list = this.ranges.get(keyIdOf(p)) ?? [];
        p.ranges.forEach(([lo, hi], r) => {
          if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || lo < 0 || lo > hi) {
            throw new CheckerError(
              'invalid_argument',
              `range [${lo}, ${hi}] must be two non-negative integers with lo <= hi`,
              `${where}.processed[${j}].ranges[${r}]`,
            );
          }
          list.push([lo, hi, k]);
        });
        this.ranges.set(keyIdOf(p), list);
      });
    });
  }

  /** Index of the first commit at which this record had been processed; Infinity: never. */
  firstProcessedAt(id: KeyIdentity, seq: number): number {
    const list = this.ranges.get(keyIdOf(id));
    if (list === undefined) return Infinity;
    let best = Infinity;
    for (const [lo, hi, k] of list) if (k < best && lo <= seq && seq <= hi) best = k;
    return best;
  }

  /** The last commit made at or before `atMs`; -1: none. */
  latestAt(atMs: number): number {
    let lo = 0;
    let hi = this.commits.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.commits[mid].atMs <= atMs) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /**
   * The commit a translation of source offset `upstream` refers to: the last one whose offset
   * is at most `upstream` (the group's position the checkpoint connector read); -1: none.
   */
  committedAtOrBefore(upstream: number): number {
    for (let k = this.commits.length - 1; k >= 0; k--) if (this.commits[k].offset <= upstream) return k;
    return -1;
  }
}
