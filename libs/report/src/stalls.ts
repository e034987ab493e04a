import type { PartitionReplicatorLag } from './replicator-lag';

/**
 * A stalled partition: records of it were waiting on the source (acknowledged, not on the
 * target) while nothing new of it reached the target, for longer than the threshold. Upstream
 * reports: partitions that silently stop replicating after a rebalance (Strimzi 10612),
 * replication halted for minutes after packet loss.
 */
export interface Stall {
  topic: string;
  partition: number;
  /** When the wait began: the later of the last time the target advanced and the acknowledgement of the oldest waiting record. */
  startMs: number;
  /** When something new of the partition reached the target again; null: not before the end of the data. */
  endMs: number | null;
  /** endMs - startMs, or up to the last sample when it never ended. */
  durationMs: number;
}

/** Stalls longer than this are anomalies: several validator report intervals, far above MirrorMaker 2's usual sub-second copy time. */
export const STALL_THRESHOLD_MS = 5000;

/** Every stall of every partition, from the replicator's lag (sampled at each validator report). Pure. */
export function findStalls(lags: readonly PartitionReplicatorLag[], thresholdMs = STALL_THRESHOLD_MS): Stall[] {
  const out: Stall[] = [];
  for (const lag of lags) {
    let onTarget = 0;
    let lastAdvanceMs: number | undefined;
    let waitingSince: number | undefined;
    let lastAtMs: number | undefined;
    const close = (endMs: number | null, atMs: number) => {
      if (waitingSince !== undefined && atMs - waitingSince > thresholdMs) {
        out.push({ topic: lag.topic, partition: lag.partition, startMs: waitingSince, endMs, durationMs: atMs - waitingSince });
      }
      waitingSince = undefined;
    };
    for (const p of lag.points) {
      lastAtMs = p.atMs;
      if (p.onTarget > onTarget) {
        onTarget = p.onTarget;
        close(p.atMs, p.atMs);
        lastAdvanceMs = p.atMs;
      }
      if (p.unseen === 0) {
        waitingSince = undefined;
        continue;
      }
      if (waitingSince === undefined) {
        const oldestAckedMs = p.atMs - (p.oldestAgeMs ?? 0);
        waitingSince = Math.max(lastAdvanceMs ?? oldestAckedMs, oldestAckedMs);
      }
    }
    if (lastAtMs !== undefined) close(null, lastAtMs);
  }
  return out;
}
