import type { PartitionAckSecond, PartitionReplicatorLag } from './replicator-lag';

/**
 * A stalled partition: its source advanced (records acknowledged after the target last moved)
 * while nothing new of it reached the target, for longer than the threshold. Upstream reports:
 * partitions that silently stop replicating after a rebalance (Strimzi 10612), replication
 * halted for minutes after packet loss. Records that can never arrive (purged, lost) do not keep
 * a partition "stalled": only new source records do.
 */
export interface Stall {
  topic: string;
  partition: number;
  /** When the wait began: the end of the first second with records acknowledged after the target last moved. */
  startMs: number;
  /** The sample where the target was seen moving again; null: not before the end of the data. */
  endMs: number | null;
  /** How long it is known to have lasted: up to the last sample that still showed no progress (a lower bound). */
  durationMs: number;
}

/** Stalls longer than this are anomalies: above the validators' report interval and far above MirrorMaker 2's usual sub-second copy time. */
export const STALL_THRESHOLD_MS = 5000;

/** Every stall of every partition, from the replicator's lag (target samples at each validator report) and the acknowledgements. Pure. */
export function findStalls(
  lags: readonly PartitionReplicatorLag[],
  acks: readonly PartitionAckSecond[],
  thresholdMs = STALL_THRESHOLD_MS,
): Stall[] {
  const out: Stall[] = [];
  for (const lag of lags) {
    const seconds = acks
      .filter((a) => a.topic === lag.topic && a.partition === lag.partition && a.acked > 0)
      .map((a) => a.startMs)
      .sort((a, b) => a - b);
    let onTarget = 0;
    let lastAdvanceMs = Number.NEGATIVE_INFINITY;
    let waitingSince: number | undefined;
    let lastStillMs: number | undefined;
    const close = (endMs: number | null) => {
      if (waitingSince !== undefined && lastStillMs !== undefined && lastStillMs - waitingSince > thresholdMs) {
        out.push({ topic: lag.topic, partition: lag.partition, startMs: waitingSince, endMs, durationMs: lastStillMs - waitingSince });
      }
      waitingSince = undefined;
      lastStillMs = undefined;
    };
    for (const p of lag.points) {
      if (p.onTarget > onTarget) {
        onTarget = p.onTarget;
        close(p.atMs);
        lastAdvanceMs = p.atMs;
        continue;
      }
      // No progress since the last sample: waiting if the source acknowledged something after the target last moved.
      const firstNew = seconds.find((s) => s >= lastAdvanceMs && s + 1000 <= p.atMs);
      if (firstNew === undefined) continue;
      waitingSince ??= Math.max(firstNew + 1000, lastAdvanceMs);
      lastStillMs = p.atMs;
    }
    close(null);
  }
  return out;
}
