import type { PartitionProgress } from '@mirrorlab/control';

export interface Watermarks {
  low: number;
  high: number;
}

/**
 * Progress of every owned partition. A partition not read yet stands at its low
 * watermark. `drained` is true when every owned partition has been read to its
 * high watermark (an owner of no partitions is trivially drained).
 *
 * `readThrough` holds, per partition, the offset after the last one the consumer
 * went past, counting offsets the checker never sees (transaction markers, aborted
 * records, another scenario's records): without it a partition that ends in such
 * an offset stays one short of its high watermark and never drains.
 */
export function partitionProgress(
  owned: ReadonlyArray<{ topic: string; partition: number }>,
  nextOffsets: ReadonlyMap<string, number>,
  watermarks: ReadonlyMap<string, Watermarks>,
  readThrough: ReadonlyMap<string, number> = new Map(),
): { partitions: PartitionProgress[]; drained: boolean } {
  const partitions = owned.map(({ topic, partition }) => {
    const id = partitionId(topic, partition);
    const wm = watermarks.get(id) ?? { low: 0, high: 0 };
    const nextOffset = Math.max(nextOffsets.get(id) ?? wm.low, readThrough.get(id) ?? wm.low, wm.low);
    return { topic, partition, nextOffset, highWatermark: wm.high };
  });
  return { partitions, drained: partitions.every((p) => p.nextOffset >= p.highWatermark) };
}

export const partitionId = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/**
 * How far the consumer has gone in each partition, whatever it did with the records:
 * only ever forward, and forgotten when the partition is released (its next owner
 * starts from the checker's state, not from here).
 */
export class ReadThrough {
  private readonly next = new Map<string, number>();

  /** The consumer went past every offset below `nextOffset` of this partition. */
  advance(id: string, nextOffset: number): void {
    if (!Number.isSafeInteger(nextOffset) || nextOffset < 0) return;
    if (nextOffset > (this.next.get(id) ?? -1)) this.next.set(id, nextOffset);
  }

  drop(id: string): void {
    this.next.delete(id);
  }

  get view(): ReadonlyMap<string, number> {
    return this.next;
  }
}
