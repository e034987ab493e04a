import { LatencyHistograms } from '@mirrorlab/validation';
import type { ProducerTrack } from '@mirrorlab/control';
import { lagSeries, secondSeries } from './time-series';

const producer = (id: string, windows: Array<[number, number, number]>): ProducerTrack => ({
  producerId: id,
  reports: 1,
  final: true,
  counts: { sent: 0, acked: 0, failed: 0, indeterminate: 0, bytesSent: 0, achievedRate: 0, targetRate: 0 },
  keys: [],
  rates: new Map(),
  windows: new Map(windows.map(([t, sent, acked]) => [t, { sent, acked }])),
});

describe('secondSeries', () => {
  it('is dense from the start, sums producers, and counts consumption per merged latency window', () => {
    const a = new LatencyHistograms();
    const b = new LatencyHistograms();
    a.record(1_000_001_500_000, 10_000); // µs: second 1000001
    b.record(1_000_001_700_000, 30_000);
    b.record(1_000_003_100_000, 20_000); // second 1000003
    const merged = LatencyHistograms.merge(a, b);
    const { series } = secondSeries({
      producers: [
        producer('p1', [
          [1_000_000_000, 5, 5],
          [1_000_001_000, 5, 4],
        ]),
        producer('p2', [[1_000_001_000, 2, 2]]),
      ],
      latency: merged,
      startAtMs: 1_000_000_000,
      endAtMs: 1_000_004_000,
    });
    expect(series.map((p) => [p.t - 1_000_000, p.produced, p.acked, p.consumed])).toEqual([
      [0, 5, 5, 0],
      [1, 7, 6, 2],
      [2, 0, 0, 0],
      [3, 0, 0, 1],
    ]);
    expect(series[2].p99Us).toBeNull();
    // Exact percentiles of the merged window, not an average of the two validators'.
    expect(series[1].maxUs).toBeGreaterThanOrEqual(29_990);
    expect(series[1].p50Us).toBeLessThan(10_100);
  });

  it("takes each second's publish delay from the worst producer; null for a second none reported", () => {
    const p1 = { ...producer('p1', [[1_000_000_000, 5, 5]]), publishDelay: new Map([[1_000_000_000, { p99Us: 4_000, maxUs: 9_000 }]]) };
    const p2 = {
      ...producer('p2', []),
      publishDelay: new Map([
        [1_000_000_000, { p99Us: 250_000, maxUs: 300_000 }],
        [1_000_002_000, { p99Us: 1_000, maxUs: 1_000 }],
      ]),
    };
    const { series } = secondSeries({
      producers: [p1, p2, producer('p3', [])],
      latency: undefined,
      startAtMs: 1_000_000_000,
      endAtMs: 1_000_002_000,
    });
    expect(series.map((p) => p.publishDelayP99Us)).toEqual([250_000, null, 1_000]);
  });

  it("carries the producers' requested and achieved records/s, summed; null for a second none reported rates for", () => {
    const rate = (requestedRecords: number, achievedRecords: number) => ({
      requestedRecords,
      achievedRecords,
      requestedBytes: 0,
      achievedBytes: 0,
    });
    const p1 = {
      ...producer('p1', [[1_000_000_000, 5, 5]]),
      rates: new Map([
        [1_000_000_000, rate(100, 90)],
        [1_000_001_000, rate(200, 150)],
      ]),
    };
    const p2 = { ...producer('p2', []), rates: new Map([[1_000_000_000, rate(100, 100)]]) };
    const { series } = secondSeries({ producers: [p1, p2], latency: undefined, startAtMs: 1_000_000_000, endAtMs: 1_000_003_000 });
    expect(series.map((p) => [p.t - 1_000_000, p.requested, p.achieved])).toEqual([
      [0, 200, 190],
      [1, 200, 150],
    ]);
    const none = secondSeries({
      producers: [producer('p1', [[1_000_000_000, 5, 5]])],
      latency: undefined,
      startAtMs: 1_000_000_000,
      endAtMs: 1_000_001_000,
    });
    expect(none.series.map((p) => [p.requested, p.achieved])).toEqual([[null, null]]);
  });

  it('leaves out windows far outside the scenario (clock trouble) and says how many', () => {
    const { series, outOfRange } = secondSeries({
      producers: [
        producer('p1', [
          [5_000, 1, 1],
          [1_000_000_000, 1, 1],
        ]),
      ],
      latency: undefined,
      startAtMs: 1_000_000_000,
      endAtMs: 1_000_001_000,
    });
    expect(series.map((p) => p.t)).toEqual([1_000_000]);
    expect(outOfRange).toBe(1);
  });
});

describe('lagSeries', () => {
  it('sums each partition from the latest report that names it, in report time order', () => {
    const p = (partition: number, nextOffset: number, highWatermark: number) => ({ topic: 't', partition, nextOffset, highWatermark });
    expect(
      lagSeries([
        { atMs: 20, validatorId: 'v2', partitions: [p(1, 0, 30)] },
        { atMs: 10, validatorId: 'v1', partitions: [p(0, 5, 10), p(1, 0, 20)] },
        { atMs: 20, validatorId: 'v1', partitions: [p(0, 10, 10)] },
        { atMs: 30, validatorId: 'v2', partitions: [p(0, 12, 12), p(1, 30, 30)] },
      ]),
    ).toEqual([
      { atMs: 10, records: 25 },
      { atMs: 20, records: 30 },
      { atMs: 30, records: 0 },
    ]);
  });
});
