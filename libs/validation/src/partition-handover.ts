import { IntervalSet } from './interval-set';
import type { PartitionSnapshot, ValidatorSnapshot } from './snapshot';
import { ValidatorState } from './validator-state';

/** Two states of one partition of which neither extends the other, merged as a union. */
export interface PartitionConflict {
  topic: string;
  partition: number;
  /** `lo-hi` offset ranges each state had read. */
  offsets: [string, string];
  /** One line for the report. */
  message: string;
}

/**
 * The most advanced published state of every partition, from any number of
 * validators' reports.
 *
 * A validator that takes a partition over adopts the latest published state of
 * it and resumes at its `nextOffset`, so a partition's state carries its whole
 * history from owner to owner, and a later state *extends* an earlier one: it
 * read every offset the earlier one read. Reports of different validators may
 * therefore cover the same partition (a giver that was killed before it could
 * release it, or one that published once more before it saw the rebalance);
 * merging them would count those reads twice. Instead, per partition, a state
 * that extends the current one replaces it (later reports win ties, so pass
 * reports oldest first).
 *
 * Two states that do not extend each other (validators that read overlapping
 * offsets without a handover) are merged as a union, which is exact for what
 * was read (offsets, sequences, corrupt and foreign records: so lost, unseen,
 * unexpected, corrupt and the duplicate count) but may count reads both states
 * share twice (redeliveries, order counters, duplicate examples). Each such
 * merge is returned in `conflicts`, for the report to say so.
 */
export function latestPartitionsWithConflicts(reports: readonly unknown[]): { state: ValidatorState; conflicts: PartitionConflict[] } {
  const best = new Map<string, PartitionSnapshot>();
  const conflicts: PartitionConflict[] = [];
  let template: ValidatorSnapshot | undefined;
  for (const report of reports) {
    const snapshot = ValidatorState.fromSnapshot(report).toSnapshot();
    template ??= snapshot;
    for (const p of snapshot.partitions) {
      const id = `${p.topic}\u0000${p.partition}`;
      const current = best.get(id);
      if (!current) {
        best.set(id, p);
        continue;
      }
      const mine = IntervalSet.fromRanges(current.offsets);
      const theirs = IntervalSet.fromRanges(p.offsets);
      if (mine.subtract(theirs).isEmpty()) best.set(id, p);
      else if (theirs.subtract(mine).isEmpty()) continue;
      else {
        const merged = ValidatorState.fromSnapshot({ ...template, partitions: [current] });
        merged.adopt({ ...template, partitions: [p] });
        best.set(id, merged.toSnapshot().partitions[0]);
        const offsets: [string, string] = [describe(current), describe(p)];
        conflicts.push({
          topic: p.topic,
          partition: p.partition,
          offsets,
          message:
            `partition ${p.topic}/${p.partition}: two validators' states do not extend each other (offsets ${offsets[0]} vs ${offsets[1]}: read without a handover); ` +
            'merged as the union of what both read: lost, unseen, unexpected, corrupt and duplicate counts are exact, redeliveries, order counts and duplicate examples may count shared reads twice',
        });
      }
    }
  }
  if (!template) return { state: new ValidatorState(), conflicts };
  const partitions = [...best.values()].sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
  return { state: ValidatorState.fromSnapshot({ ...template, partitions }), conflicts };
}

/** `latestPartitionsWithConflicts` without the conflicts (see there). */
export function latestPartitions(reports: readonly unknown[]): ValidatorState {
  return latestPartitionsWithConflicts(reports).state;
}

/** One partition's latest published state, for a validator that is taking it over. */
export function latestPartition(reports: readonly unknown[], topic: string, partition: number): ValidatorSnapshot | undefined {
  const state = latestPartitions(reports);
  const snapshot = state.snapshotPartitions(topic, [partition]);
  return snapshot.partitions.length > 0 ? snapshot : undefined;
}

function describe(p: PartitionSnapshot): string {
  const ranges = p.offsets.map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}-${hi}`));
  return ranges.length > 3 ? `${ranges.slice(0, 3).join(',')},...` : ranges.join(',');
}
