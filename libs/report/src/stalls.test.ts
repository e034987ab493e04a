import fc from 'fast-check';
import { replicatorLag, type PartitionAckSecond, type TargetHighWatermark } from './replicator-lag';
import { findStalls } from './stalls';

const T0 = 1_000_000;
const acks = (perSecond: number[]): PartitionAckSecond[] =>
  perSecond.map((acked, i) => ({ topic: 'src', partition: 0, startMs: T0 + i * 1000, acked }));
const hw = (atMs: number, highWatermark: number): TargetHighWatermark => ({ topic: 'src', partition: 0, atMs, highWatermark });

describe('findStalls', () => {
  it('finds a partition whose source advanced while nothing new reached the target, with start, end and duration', () => {
    // 10 records/s for 30 s, samples every second; the target holds still from 10 s to 22 s, then catches up.
    const samples: TargetHighWatermark[] = [hw(T0 - 1, 0)];
    for (let s = 1; s <= 30; s++) samples.push(hw(T0 + s * 1000, s <= 10 ? s * 10 : s < 22 ? 100 : s * 10));
    const a = acks(Array(30).fill(10));
    const stalls = findStalls(replicatorLag(a, samples, T0), a, 5000);
    // The last advance at 10 s; records acknowledged in second 10 wait from 11 s; still nothing at 21 s; the target moves again at 22 s.
    expect(stalls).toEqual([{ topic: 'src', partition: 0, startMs: T0 + 11_000, endMs: T0 + 22_000, durationMs: 10_000 }]);
  });

  it('reports a stall that never ended as open, up to the last sample', () => {
    const samples = [hw(T0 - 1, 0), hw(T0 + 2000, 20), ...Array.from({ length: 10 }, (_, i) => hw(T0 + 3000 + i * 1000, 20))];
    const a = acks(Array(12).fill(10));
    expect(findStalls(replicatorLag(a, samples, T0), a, 5000)).toEqual([
      { topic: 'src', partition: 0, startMs: T0 + 3000, endMs: null, durationMs: 9000 },
    ]);
  });

  it('property: no stall while the target keeps up, however bursty the source', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 40 }), (perSecond) => {
        let total = 0;
        const samples = [hw(T0 - 1, 0), ...perSecond.map((n, i) => hw(T0 + (i + 1) * 1000, (total += n)))];
        expect(findStalls(replicatorLag(acks(perSecond), samples, T0), acks(perSecond), 2000)).toEqual([]);
      }),
    );
  });

  it('property: a quiet source (nothing acknowledged) is never stalled, even when the target does not move', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), (seconds) => {
        const samples = Array.from({ length: seconds }, (_, i) => hw(T0 + (i + 1) * 1000, 0));
        expect(findStalls(replicatorLag(acks(Array(seconds).fill(0)), samples, T0), acks(Array(seconds).fill(0)), 1000)).toEqual([]);
      }),
    );
  });

  it('does not call a wait shorter than the threshold a stall', () => {
    const samples = [hw(T0 - 1, 0), hw(T0 + 1000, 10), hw(T0 + 3000, 10), hw(T0 + 4000, 40)];
    expect(findStalls(replicatorLag(acks([10, 10, 10, 10]), samples, T0), acks([10, 10, 10, 10]), 5000)).toEqual([]);
  });

  it('does not call a sample interval longer than the threshold a stall when the target did move in it', () => {
    // Reports every 6 s; the target advances at every one.
    const a = acks(Array(30).fill(10));
    const samples = [hw(T0 - 1, 0), ...[6, 12, 18, 24, 30].map((s) => hw(T0 + s * 1000, s * 10 - 5))];
    expect(findStalls(replicatorLag(a, samples, T0), a, 5000)).toEqual([]);
  });

  it('records that can never arrive (purged) do not keep a partition stalled once the source stops', () => {
    // 100 records acknowledged in the first 10 s, 40 of them purged: the target ends at 60 and the source writes nothing more.
    const a = acks([...Array(10).fill(10), ...Array(20).fill(0)]);
    const samples = [hw(T0 - 1, 0), ...Array.from({ length: 25 }, (_, i) => hw(T0 + 12_000 + i * 1000, 60))];
    const lag = replicatorLag(a, samples, T0);
    expect(lag[0].maxUnseen).toBe(40);
    expect(findStalls(lag, a, 5000)).toEqual([]);
  });
});

describe('report: the stall anomaly', () => {
  // Imported here, not at the top, to keep the pure tests above free of the report fixture.
  const { buildReport } = jest.requireActual('./build-report') as typeof import('./build-report');
  const { ScenarioView } = jest.requireActual('@mirrorlab/control') as typeof import('@mirrorlab/control');
  const { syntheticScenario } = jest.requireActual('./testing') as typeof import('./testing');
  const build = (stall: boolean) => {
    const folded = new ScenarioView('fixture-1');
    for (const e of syntheticScenario({
      durationS: 40,
      rate: 60,
      partitions: 3,
      reportIntervalS: 1,
      faults: [{ id: 'f1', kind: 'pause-replicator', target: 'replicator', atS: 12, durationS: 10, stall }],
    }))
      folded.apply(e);
    return buildReport(folded);
  };

  it('a replicator that copies nothing for 10 s stalls every partition, attributed to the fault', () => {
    const r = build(true);
    expect(r.stalls.list.map((s) => s.partition).sort()).toEqual([0, 1, 2]);
    for (const s of r.stalls.list) expect(s.durationMs).toBeGreaterThan(5000);
    const row = r.anomalies.find((a) => a.class === 'stall')!;
    expect(row).toMatchObject({ count: 3, kind: 'informational' });
    expect(row.examples.every((e) => e.faults.some((f) => f.faultId === 'f1'))).toBe(true);
  });

  it('no stall when the replicator kept copying through the fault', () => {
    const r = build(false);
    expect(r.stalls.list).toEqual([]);
    expect(r.anomalies.some((a) => a.class === 'stall')).toBe(false);
  });
});
