import type { PartitionProgress } from '@mirrorlab/protocol';

export interface Watermarks {
  low: number;
  high: number;
}

/**
 * Progress of every owned partition. A partition not read yet stands at its low
 * watermark. `drained` is true when every owned partition has been read to its
 * high watermark (an owner of no partitions is trivially drained).
 */
export function partitionProgress(
  owned: ReadonlyArray<{ topic: string; partition: number }>,
  nextOffsets: ReadonlyMap<string, number>,
  watermarks: ReadonlyMap<string, Watermarks>,
): { partitions: PartitionProgress[]; drained: boolean } {
  const partitions = owned.map(({ topic, partition }) => {
    const id = partitionId(topic, partition);
    const wm = watermarks.get(id) ?? { low: 0, high: 0 };
    const nextOffset = Math.max(nextOffsets.get(id) ?? wm.low, wm.low);
    return { topic, partition, nextOffset, highWatermark: wm.high };
  });
  return { partitions, drained: partitions.every((p) => p.nextOffset >= p.highWatermark) };
}

export const partitionId = (topic: string, partition: number) => `${topic}\u0000${partition}`;
