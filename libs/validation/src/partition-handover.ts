import type { PartitionSnapshot, ValidatorSnapshot } from './snapshot';
import { ValidatorState } from './validator-state';

/**
 * The most advanced published state of every partition, from any number of
 * validators' reports.
 *
 * A validator that takes a partition over adopts the latest published state of
 * it and resumes at its `nextOffset`, so a partition's state carries its whole
 * history from owner to owner. Reports of different validators may therefore
 * cover the same partition (a giver that was killed before it could release it,
 * or one that published once more before it saw the rebalance); merging them
 * would count those reads twice. Instead, per partition, the state that has read
 * furthest wins (later reports win ties, so pass reports oldest first). Partitions
 * then do not overlap, and merging them is exact.
 */
export function latestPartitions(reports: readonly unknown[]): ValidatorState {
  const best = new Map<string, PartitionSnapshot>();
  let template: ValidatorSnapshot | undefined;
  for (const report of reports) {
    const snapshot = ValidatorState.fromSnapshot(report).toSnapshot();
    template ??= snapshot;
    for (const p of snapshot.partitions) {
      const id = `${p.topic}\u0000${p.partition}`;
      const current = best.get(id);
      if (!current || p.nextOffset >= current.nextOffset) best.set(id, p);
    }
  }
  if (!template) return new ValidatorState();
  return ValidatorState.fromSnapshot({ ...template, partitions: [...best.values()].sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1)) });
}

/** One partition's latest published state, for a validator that is taking it over. */
export function latestPartition(reports: readonly unknown[], topic: string, partition: number): ValidatorSnapshot | undefined {
  const state = latestPartitions(reports);
  const snapshot = state.snapshotPartitions(topic, [partition]);
  return snapshot.partitions.length > 0 ? snapshot : undefined;
}
