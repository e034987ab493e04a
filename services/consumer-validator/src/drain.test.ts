import { partitionId, partitionProgress, ReadThrough } from './drain';

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

describe('offsets the checker never sees (issue 11 item 8)', () => {
  const owned = [{ topic: 't', partition: 0 }];
  // The last record the checker saw is offset 41; offset 42 is a transaction marker; the high watermark is 43.
  const wm = new Map([[partitionId('t', 0), { low: 0, high: 43 }]]);
  const checker = new Map([[partitionId('t', 0), 42]]);

  it('counts a trailing marker or foreign-scenario record as read, so the partition drains', () => {
    const through = new ReadThrough();
    through.advance(partitionId('t', 0), 42);
    through.advance(partitionId('t', 0), 43);
    expect(partitionProgress(owned, checker, wm, through.view)).toEqual({
      partitions: [{ topic: 't', partition: 0, nextOffset: 43, highWatermark: 43 }],
      drained: true,
    });
  });

  it('without such offsets the partition stays one short and is not drained', () => {
    expect(partitionProgress(owned, checker, wm, new ReadThrough().view)).toEqual({
      partitions: [{ topic: 't', partition: 0, nextOffset: 42, highWatermark: 43 }],
      drained: false,
    });
  });

  it('only moves forward, ignores nonsense and forgets a released partition', () => {
    const through = new ReadThrough();
    const id = partitionId('t', 0);
    through.advance(id, 43);
    through.advance(id, 10);
    through.advance(id, Number.NaN);
    through.advance(id, -1);
    expect(through.view.get(id)).toBe(43);
    through.drop(id);
    expect(through.view.has(id)).toBe(false);
    // The checker's position still counts when the consumer has nothing beyond it.
    expect(partitionProgress(owned, checker, wm, through.view).partitions[0].nextOffset).toBe(42);
  });
});
