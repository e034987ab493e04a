import { replicatorLag, type PartitionReplicatorLag, type TargetHighWatermark } from './replicator-lag';
import type { ScenarioView } from '@mirrorlab/control';

/** The replicator's lag from a run's events: producers' per-partition acknowledgements against the target high watermarks validators reported. */
export function replicatorLagOf(events: ScenarioView): PartitionReplicatorLag[] {
  const started = events.started;
  if (started === undefined || events.partitionAcks.length === 0) return [];
  // Validators name target topics; the lag is per source partition (the replicator keeps partition numbers).
  const sourceOf = new Map(Object.entries(started.targetTopics).map(([source, target]) => [target, source]));
  const targets: TargetHighWatermark[] = [];
  for (const p of events.progress) {
    for (const part of p.partitions) {
      const topic = sourceOf.get(part.topic);
      if (topic !== undefined) targets.push({ topic, partition: part.partition, atMs: p.atMs, highWatermark: part.highWatermark });
    }
  }
  return replicatorLag(events.partitionAcks, targets, started.startAtMs);
}
