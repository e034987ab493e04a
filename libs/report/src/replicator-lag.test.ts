import fc from 'fast-check';
import { replicatorLag, type PartitionAckSecond, type TargetHighWatermark } from './replicator-lag';

const T0 = 1_000_000;
const acks = (perSecond: number[], partition = 0): PartitionAckSecond[] =>
  perSecond.map((acked, i) => ({ topic: 'src', partition, startMs: T0 + i * 1000, acked }));
const hw = (atMs: number, highWatermark: number, partition = 0): TargetHighWatermark => ({ topic: 'src', partition, atMs, highWatermark });

describe('replicatorLag', () => {
  it('counts records acknowledged and not yet on the target, and the age of the oldest, while the replicator stands still', () => {
    // 10 records/s for 10 s; the target copies the first 30 and then nothing (a paused replicator).
    const [p] = replicatorLag(
      acks(Array(10).fill(10)),
      [hw(T0 - 500, 100), hw(T0 + 3000, 130), hw(T0 + 6000, 130), hw(T0 + 9000, 130)],
      T0,
    );
    expect(p.baseline).toBe(100);
    expect(p.points).toEqual([
      { atMs: T0 + 3000, onTarget: 30, unseen: 0, oldestAgeMs: null },
      // 60 acknowledged by 6 s, 30 on the target: the oldest missing was acknowledged in second 3 (3000-4000), waiting >= 2 s.
      { atMs: T0 + 6000, onTarget: 30, unseen: 30, oldestAgeMs: 2000 },
      { atMs: T0 + 9000, onTarget: 30, unseen: 60, oldestAgeMs: 5000 },
    ]);
    expect(p.maxUnseen).toBe(60);
    expect(p.maxOldestAgeMs).toBe(5000);
  });

  it('property: a replicator that keeps up shows no lag', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 0, max: 10_000 }),
        (perSecond, base) => {
          // Every second over, its records are on the target by the end of it.
          let total = base;
          const samples = [hw(T0 - 1, base), ...perSecond.map((n, i) => hw(T0 + (i + 1) * 1000, (total += n)))];
          const [p] = replicatorLag(acks(perSecond), samples, T0);
          expect(p.maxUnseen).toBe(0);
          expect(p.maxOldestAgeMs).toBeNull();
        },
      ),
    );
  });

  it('property: unseen is what was acknowledged minus what the target holds, never negative', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 20 }),
        fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 10 }),
        (perSecond, onTarget) => {
          const samples = onTarget.map((n, i) => hw(T0 + (i + 1) * 2000, n));
          const [p] = replicatorLag(acks(perSecond), samples, T0);
          let target = 0;
          p.points.forEach((pt, i) => {
            target = Math.max(target, onTarget[i]);
            const acked = perSecond.slice(0, Math.max(0, Math.min(perSecond.length, (i + 1) * 2))).reduce((a, b) => a + b, 0);
            expect(pt.unseen).toBe(Math.max(0, acked - target));
            expect(pt.oldestAgeMs === null).toBe(pt.unseen === 0);
          });
          expect(p.baseline).toBeNull();
        },
      ),
    );
  });

  it('keeps partitions apart, ordered by topic and partition', () => {
    const out = replicatorLag([...acks([5, 5], 1), ...acks([5, 5], 0)], [hw(T0 + 2000, 10, 0), hw(T0 + 2000, 0, 1)], T0);
    expect(out.map((p) => [p.partition, p.maxUnseen])).toEqual([
      [0, 0],
      [1, 10],
    ]);
  });
});
