import fc from 'fast-check';
import { LatencyHistograms } from './latency-histograms';

const PS = [0, 50, 90, 99, 99.9, 100];

function recorded(points: Array<[number, number]>): LatencyHistograms {
  const h = new LatencyHistograms();
  for (const [arrival, latency] of points) h.record(arrival, latency);
  return h;
}

function summary(h: LatencyHistograms) {
  return { count: h.count, overall: h.percentiles(PS), windows: h.windows(PS), skew: h.clockSkew, over: h.overRange };
}

// Arrivals over ~12 s, in any order (late arrivals land in windows that went cold).
const points = fc.array(fc.tuple(fc.integer({ min: 0, max: 12_000_000 }), fc.integer({ min: -5_000, max: 3_000_000 })), {
  maxLength: 300,
});

describe('LatencyHistograms', () => {
  it('keeps percentiles within 3 significant digits, in microseconds', () => {
    const h = new LatencyHistograms();
    for (let us = 1; us <= 100_000; us++) h.record(5_000_000, us);
    const [p50, p99, max] = h.percentiles([50, 99, 100]);
    expect(Math.abs(p50 - 50_000) / 50_000).toBeLessThan(0.001);
    expect(Math.abs(p99 - 99_000) / 99_000).toBeLessThan(0.001);
    expect(Math.abs(max - 100_000) / 100_000).toBeLessThan(0.001);
    expect(h.percentiles([0])).toEqual([1]);
  });

  it('keeps one histogram per 1-second arrival window', () => {
    const h = recorded([
      [1_000_000, 10],
      [1_999_999, 20],
      [2_000_000, 1500],
      [7_500_000, 5],
    ]);
    expect(h.windows([100]).map((w) => [w.second, w.count, w.percentilesUs[0]])).toEqual([
      [1, 2, 20],
      [2, 1, 1500],
      [7, 1, 5],
    ]);
  });

  it('records negative latencies as 0 and counts the clock skew', () => {
    const h = recorded([
      [1_000_000, -250],
      [1_000_000, -40],
      [1_000_000, 7],
    ]);
    expect(h.clockSkew).toEqual({ count: 2, maxUs: 250 });
    expect(h.percentiles([0, 100])).toEqual([0, 7]);
  });

  it('reports neither clock skew nor over-range values when there were none', () => {
    const h = recorded([[1, 0]]);
    expect(h.clockSkew).toEqual({ count: 0, maxUs: 0 });
    expect(h.overRange).toBe(0);
  });

  it('clamps latencies above the trackable range and counts them', () => {
    const h = new LatencyHistograms({ highestTrackableUs: 1_000_000 });
    h.record(0, 5_000_000);
    expect(h.overRange).toBe(1);
    expect(h.percentiles([100])[0]).toBeGreaterThanOrEqual(999_000);
  });

  it('merged across processes gives exactly the percentiles of all records, overall and per second', () => {
    fc.assert(
      fc.property(points, fc.array(fc.nat(3), { maxLength: 300 }), (pts, owners) => {
        const parts = [new LatencyHistograms(), new LatencyHistograms(), new LatencyHistograms(), new LatencyHistograms()];
        pts.forEach(([a, l], i) => parts[owners[i] ?? 0].record(a, l));
        const shipped = parts.map((p) => LatencyHistograms.fromSnapshot(JSON.parse(JSON.stringify(p.toSnapshot()))));
        const merged = shipped.reduce((acc, p) => LatencyHistograms.merge(acc, p));
        const reversed = [...shipped].reverse().reduce((acc, p) => LatencyHistograms.merge(acc, p));
        expect(summary(merged)).toEqual(summary(recorded(pts)));
        expect(summary(reversed)).toEqual(summary(merged));
      }),
    );
  });

  it('round-trips a snapshot to the same histograms', () => {
    const h = recorded([
      [1_000_000, 10],
      [9_000_000, 10_000],
      [2_000_000, -3],
    ]);
    const snap = h.toSnapshot();
    expect(snap.windows.map(([s]) => s)).toEqual([1, 2, 9]);
    expect(summary(LatencyHistograms.fromSnapshot(snap))).toEqual(summary(h));
  });

  it('rejects a malformed snapshot, naming the field', () => {
    const snap = recorded([[1_000_000, 10]]).toSnapshot();
    expect(() => LatencyHistograms.fromSnapshot({ ...snap, total: 'not base64!' })).toThrow(
      expect.objectContaining({ code: 'invalid_histogram_snapshot', field: 'total' }),
    );
    expect(() => LatencyHistograms.fromSnapshot({ ...snap, windows: [...snap.windows, ...snap.windows] })).toThrow(
      expect.objectContaining({ field: 'windows[1][0]' }),
    );
    expect(() => LatencyHistograms.fromSnapshot({ ...snap, unit: 'ms' })).toThrow(expect.objectContaining({ field: 'unit' }));
  });

  it('refuses to merge histograms of different resolution, and bad arguments', () => {
    const a = new LatencyHistograms({ significantDigits: 2 });
    expect(() => LatencyHistograms.merge(a, new LatencyHistograms())).toThrow(expect.objectContaining({ code: 'incompatible_merge' }));
    expect(() => a.record(0, Number.NaN)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(() => a.percentiles([101])).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });
});

describe('percentilesSince', () => {
  it('covers only the windows from the given second on (a warm-up left out)', () => {
    const h = new LatencyHistograms();
    // Warm-up, second 100: 10 records at 9 s. Measured, seconds 101-102: 100 records at 1..100 ms.
    for (let i = 0; i < 10; i++) h.record(100.5e6, 9_000_000);
    for (let i = 1; i <= 100; i++) h.record((i <= 50 ? 101.5 : 102.5) * 1e6, i * 1000);
    const measured = h.percentilesSince(101, [50, 99, 100]);
    expect(measured.count).toBe(100);
    expect(measured.valuesUs.map((v) => Math.round(v / 1000))).toEqual([50, 99, 100]);
    // The whole run's p99 is the warm-up's 9 s.
    expect(Math.round(h.percentiles([99])[0] / 1e6)).toBe(9);
    expect(h.percentilesSince(103, [99])).toEqual({ count: 0, valuesUs: [] });
  });
});
