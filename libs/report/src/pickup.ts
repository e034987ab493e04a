import type { PartitionAckSecond, PartitionReplicatorLag } from './replicator-lag';

/**
 * Pickup time of new partitions: after an add-partitions fault, how long until the first record
 * of each new partition was on the target. MirrorMaker 2 finds new partitions only at its topic
 * refresh (`refresh.topics.interval.seconds`, 600 by default, 5 on the lab); one replicator the
 * seed tool tested never found them. A new partition is one of the fault's topic whose first
 * acknowledgement came after the injection. The first mirrored record is seen at the first
 * validator report where the target partition holds something: an upper bound, which includes
 * the validators' own discovery of the partition (within 5 s) and their report interval.
 */
export interface FaultRef {
  faultId: string;
  kind: string;
  target: string | null;
  injectedAtMs: number;
}

export interface PartitionPickup {
  faultId: string;
  topic: string;
  partition: number;
  injectedAtMs: number;
  /** The start of the second its first record was acknowledged on the source. */
  firstAckedAtMs: number;
  /** When the target was first seen holding a record of it; null: never, before the data ended. */
  firstOnTargetAtMs: number | null;
  /** firstOnTargetAtMs - injectedAtMs, in seconds; null when never picked up. */
  seconds: number | null;
}

export function pickupTimes(
  faults: readonly FaultRef[],
  acks: readonly PartitionAckSecond[],
  lags: readonly PartitionReplicatorLag[],
): PartitionPickup[] {
  const out: PartitionPickup[] = [];
  for (const f of faults) {
    if (f.kind !== 'add-partitions' || f.target === null) continue;
    const firstAck = new Map<number, number>();
    for (const a of acks) {
      if (a.topic !== f.target || a.acked === 0) continue;
      firstAck.set(a.partition, Math.min(firstAck.get(a.partition) ?? Infinity, a.startMs));
    }
    // New: nothing acknowledged on it in any second that ended before the injection.
    const fresh = [...firstAck].filter(([, ms]) => ms + 1000 > f.injectedAtMs).sort((a, b) => a[0] - b[0]);
    for (const [partition, firstAckedAtMs] of fresh) {
      const lag = lags.find((l) => l.topic === f.target && l.partition === partition);
      const first = lag?.points.find((p) => p.onTarget > 0 && p.atMs >= f.injectedAtMs);
      const firstOnTargetAtMs = first?.atMs ?? null;
      out.push({
        faultId: f.faultId,
        topic: f.target,
        partition,
        injectedAtMs: f.injectedAtMs,
        firstAckedAtMs,
        firstOnTargetAtMs,
        seconds: firstOnTargetAtMs === null ? null : (firstOnTargetAtMs - f.injectedAtMs) / 1000,
      });
    }
  }
  return out;
}
