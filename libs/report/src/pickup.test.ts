import { pickupTimes } from './pickup';
import { replicatorLag, type PartitionAckSecond, type TargetHighWatermark } from './replicator-lag';

const T0 = 1_000_000;
const INJECT = T0 + 10_000;
const fault = { faultId: 'f1', kind: 'add-partitions', target: 'src', injectedAtMs: INJECT };

/** Partitions 0-1 from the start, 2-3 added at 10 s; 10 records/s each until 30 s. */
function acks(): PartitionAckSecond[] {
  const out: PartitionAckSecond[] = [];
  for (let p = 0; p < 4; p++)
    for (let s = p < 2 ? 0 : 11; s < 30; s++) out.push({ topic: 'src', partition: p, startMs: T0 + s * 1000, acked: 10 });
  return out;
}

/** Validator reports every 2 s; the target gets partition p's records from `from[p]` on. */
function targets(from: Record<number, number | null>): TargetHighWatermark[] {
  const out: TargetHighWatermark[] = [];
  for (let t = 2000; t <= 30_000; t += 2000) {
    for (let p = 0; p < 4; p++) {
      const start = from[p];
      if (start === null || start === undefined || T0 + t < start) continue;
      out.push({ topic: 'src', partition: p, atMs: T0 + t, highWatermark: Math.max(1, Math.floor((T0 + t - start) / 100)) });
    }
  }
  return out;
}

describe('pickupTimes', () => {
  it('measures each new partition from the injection to the first report showing it on the target', () => {
    const a = acks();
    const lags = replicatorLag(a, targets({ 0: T0, 1: T0, 2: INJECT + 5000, 3: INJECT + 9000 }), T0);
    expect(pickupTimes([fault], a, lags)).toEqual([
      {
        faultId: 'f1',
        topic: 'src',
        partition: 2,
        injectedAtMs: INJECT,
        firstAckedAtMs: T0 + 11_000,
        firstOnTargetAtMs: T0 + 16_000,
        seconds: 6,
      },
      {
        faultId: 'f1',
        topic: 'src',
        partition: 3,
        injectedAtMs: INJECT,
        firstAckedAtMs: T0 + 11_000,
        firstOnTargetAtMs: T0 + 20_000,
        seconds: 10,
      },
    ]);
  });

  it('says a partition the replicator never found was never picked up', () => {
    const a = acks();
    const lags = replicatorLag(a, targets({ 0: T0, 1: T0, 2: INJECT + 1000, 3: null }), T0);
    expect(pickupTimes([fault], a, lags).map((p) => [p.partition, p.seconds])).toEqual([
      [2, 2],
      [3, null],
    ]);
  });

  it('has nothing to say without an add-partitions fault, or for the partitions that existed before', () => {
    const a = acks();
    const lags = replicatorLag(a, targets({ 0: T0, 1: T0, 2: INJECT, 3: INJECT }), T0);
    expect(pickupTimes([{ ...fault, kind: 'kill-broker' }], a, lags)).toEqual([]);
    expect(
      pickupTimes(
        [fault],
        a.filter((x) => x.partition < 2),
        lags,
      ),
    ).toEqual([]);
  });
});
