import { partitionId, partitionProgress } from './drain';

describe('partitionProgress', () => {
  const wm = new Map([
    [partitionId('t', 0), { low: 0, high: 10 }],
    [partitionId('t', 1), { low: 5, high: 5 }],
  ]);

  it('is drained only when every owned partition reached its high watermark', () => {
    const owned = [
      { topic: 't', partition: 0 },
      { topic: 't', partition: 1 },
    ];
    expect(partitionProgress(owned, new Map([[partitionId('t', 0), 9]]), wm).drained).toBe(false);
    const done = partitionProgress(owned, new Map([[partitionId('t', 0), 10]]), wm);
    expect(done.drained).toBe(true);
    // An empty partition (low = high) counts as read to the end, at its low watermark.
    expect(done.partitions).toEqual([
      { topic: 't', partition: 0, nextOffset: 10, highWatermark: 10 },
      { topic: 't', partition: 1, nextOffset: 5, highWatermark: 5 },
    ]);
  });

  it('treats a validator without partitions as drained', () => {
    expect(partitionProgress([], new Map(), wm)).toEqual({ partitions: [], drained: true });
  });
});
