import type { ValidatorSnapshot } from '@mirrorlab/validation';
import { partitionId } from './drain';

export interface OwnedPartition {
  topic: string;
  partition: number;
}

/** Where reading a partition taken over must start: the adopted state's next offset, or the partition's start. */
export type StartPoint = number | 'earliest';

export interface TakenOver extends OwnedPartition {
  id: string;
  /** The latest published state of the partition, to adopt before reading it; absent when none was published. */
  slice: ValidatorSnapshot | undefined;
  start: StartPoint;
}

export interface AssignmentChange {
  /** Partitions this member no longer owns: their state, pending latency and read-through go. */
  released: Array<OwnedPartition & { id: string }>;
  /** Partitions this member now owns and did not before. */
  takenOver: TakenOver[];
}

/**
 * Which partitions of the scenario's group this validator owns, and where it must start
 * reading each one after a new assignment. Pure: the run applies the changes to its state.
 *
 * A partition taken over is read from its latest published state's next offset (or from
 * its start when none was published), whatever offset the group had committed. A partition
 * it keeps is read on from the first offset its own checker has not seen: the client's
 * position can be past it, since batches handed over before a rebalance are dropped unchecked
 * (2026-12-07, add-partitions on the lab: kafkajs resumed a kept partition 37 records past
 * the dropped batch, which the report then counted as lost). Until the first batch of a
 * partition shows the consumer there (`startFor`, `started`), batches from later offsets are
 * refused and the consumer sent back.
 */
export class PartitionOwnership {
  private readonly owned = new Map<string, OwnedPartition>();
  private readonly starts = new Map<string, StartPoint>();

  /**
   * `latest`: a partition's latest published state (for one taken over). `unseenFrom`: the first offset of a partition
   * this member's checker has not seen, undefined when it has seen none (for one it keeps).
   */
  assign(
    assignment: Readonly<Record<string, readonly number[]>>,
    latest: (topic: string, partition: number) => ValidatorSnapshot | undefined,
    unseenFrom: (topic: string, partition: number) => number | undefined,
  ): AssignmentChange {
    const next = new Map<string, OwnedPartition>();
    for (const [topic, partitions] of Object.entries(assignment))
      for (const partition of partitions) next.set(partitionId(topic, partition), { topic, partition });
    const released: AssignmentChange['released'] = [];
    for (const [id, p] of this.owned) {
      if (!next.has(id)) {
        released.push({ id, ...p });
        this.starts.delete(id);
      }
    }
    const takenOver: TakenOver[] = [];
    for (const [id, p] of next) {
      if (this.owned.has(id)) {
        const start = unseenFrom(p.topic, p.partition);
        if (start !== undefined) this.starts.set(id, start);
        continue;
      }
      const slice = latest(p.topic, p.partition);
      const start: StartPoint = slice ? slice.partitions[0].nextOffset : 'earliest';
      this.starts.set(id, start);
      takenOver.push({ id, ...p, slice, start });
    }
    this.owned.clear();
    next.forEach((v, k) => this.owned.set(k, v));
    return { released, takenOver };
  }

  owns(id: string): boolean {
    return this.owned.has(id);
  }

  list(): OwnedPartition[] {
    return [...this.owned.values()];
  }

  /** Where the partition must start, while its first batch has not been checked; undefined after. */
  startFor(id: string): StartPoint | undefined {
    return this.starts.get(id);
  }

  /** The partition's first batch started where it must: later batches are read as they come. */
  started(id: string): void {
    this.starts.delete(id);
  }
}

/**
 * The offset to send the consumer back to when a partition's first batch starts after where
 * reading must start (`start`, with `earliest` resolved to the low watermark), else null.
 */
export function rewindTarget(start: number, firstOffset: number | null): number | null {
  return Number(firstOffset ?? start) > start ? start : null;
}
