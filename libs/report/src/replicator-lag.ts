import type { PartitionAckSecond } from '@mirrorlab/control';
/**
 * The replicator's own lag, per source partition over time: records the source acknowledged
 * and the target does not hold yet, and how long the oldest of them has waited. Unlike the
 * validators' consumer lag (target high watermark - next offset, about 0 on the lab), this is
 * what a paused or stalled replicator leaves behind.
 *
 * Acknowledged: the producers' per-second acknowledgements per partition (`partitionAcks`, by
 * the arrival of each delivery report), counted once their second is over. On the target: the
 * target partition's high watermark (validator reports) above its baseline, the high watermark
 * reported at or before the run's start (0 for a fresh topic). MirrorMaker 2 copies a partition
 * in order, so the oldest record not on the target is the (onTarget + 1)-th acknowledged one;
 * its age is counted from the end of the second it was acknowledged in (a lower bound, 1 s
 * resolution). Copies the replicator wrote twice inflate onTarget (lag can read low, never high).
 */

/** Records one partition's producers had acknowledged in one second (folded by `ScenarioView`). */
export type { PartitionAckSecond };

/** A target partition's high watermark at a time, named by its source topic. */
export interface TargetHighWatermark {
  topic: string;
  partition: number;
  atMs: number;
  highWatermark: number;
}

export interface ReplicatorLagPoint {
  atMs: number;
  /** Records the target partition holds above its baseline. */
  onTarget: number;
  /** Acknowledged on the source, not yet on the target. */
  unseen: number;
  /** Age of the oldest of them (ms, lower bound); null when none. */
  oldestAgeMs: number | null;
}

export interface PartitionReplicatorLag {
  topic: string;
  partition: number;
  /** The target high watermark the run started from; null: no report before the start (taken as 0). */
  baseline: number | null;
  maxUnseen: number;
  maxOldestAgeMs: number | null;
  points: ReplicatorLagPoint[];
}

const SECOND = 1000;

export function replicatorLag(
  acks: readonly PartitionAckSecond[],
  targets: readonly TargetHighWatermark[],
  startAtMs: number,
): PartitionReplicatorLag[] {
  const ackBy = group(acks);
  const hwBy = group(targets);
  const ids = [...new Set([...ackBy.keys(), ...hwBy.keys()])].filter((id) => ackBy.has(id)).sort(compareIds);
  return ids.map((id) => {
    const seconds = mergeSeconds(ackBy.get(id) ?? []);
    const samples = [...(hwBy.get(id) ?? [])].sort((a, b) => a.atMs - b.atMs);
    const before = samples.filter((s) => s.atMs <= startAtMs);
    const baseline = before.length > 0 ? Math.max(...before.map((s) => s.highWatermark)) : null;
    const [topic, partition] = splitId(id);
    const points: ReplicatorLagPoint[] = [];
    let hw = baseline ?? 0;
    for (const s of samples) {
      if (s.atMs <= startAtMs) continue;
      hw = Math.max(hw, s.highWatermark);
      points.push(pointAt(s.atMs, seconds, hw - (baseline ?? 0)));
    }
    const ages = points.map((p) => p.oldestAgeMs).filter((a): a is number => a !== null);
    return {
      topic,
      partition,
      baseline,
      maxUnseen: points.reduce((m, p) => Math.max(m, p.unseen), 0),
      maxOldestAgeMs: ages.length > 0 ? Math.max(...ages) : null,
      points,
    };
  });
}

/** Lag at `atMs` given the acknowledged seconds (sorted) and the records on the target. */
function pointAt(atMs: number, seconds: ReadonlyArray<{ startMs: number; acked: number }>, onTarget: number): ReplicatorLagPoint {
  let acked = 0;
  let oldestStartMs: number | null = null;
  for (const s of seconds) {
    if (s.startMs + SECOND > atMs) break;
    acked += s.acked;
    if (oldestStartMs === null && acked > onTarget) oldestStartMs = s.startMs;
  }
  const unseen = Math.max(0, acked - onTarget);
  return {
    atMs,
    onTarget,
    unseen,
    oldestAgeMs: unseen === 0 || oldestStartMs === null ? null : Math.max(0, atMs - (oldestStartMs + SECOND)),
  };
}

function mergeSeconds(list: readonly PartitionAckSecond[]): Array<{ startMs: number; acked: number }> {
  const by = new Map<number, number>();
  for (const a of list) by.set(a.startMs, (by.get(a.startMs) ?? 0) + a.acked);
  return [...by].map(([startMs, acked]) => ({ startMs, acked })).sort((a, b) => a.startMs - b.startMs);
}

function group<T extends { topic: string; partition: number }>(list: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const x of list) {
    const id = `${x.topic}\u0000${x.partition}`;
    const l = out.get(id);
    if (l === undefined) out.set(id, [x]);
    else l.push(x);
  }
  return out;
}

function splitId(id: string): [string, number] {
  const i = id.lastIndexOf('\u0000');
  return [id.slice(0, i), Number(id.slice(i + 1))];
}

function compareIds(a: string, b: string): number {
  const [ta, pa] = splitId(a);
  const [tb, pb] = splitId(b);
  return ta < tb ? -1 : ta > tb ? 1 : pa - pb;
}
