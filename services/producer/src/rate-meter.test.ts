import { RateMeter } from './rate-meter';

describe('RateMeter', () => {
  const meter = () => new RateMeter({ startMs: 10_000, endMs: 13_500, rateAt: () => 100, meanRecordBytes: 1024 });

  it('reports requested and achieved records and bytes per closed second', () => {
    const m = meter();
    m.sent(10_100, 60, 60 * 1024);
    m.acked(10_200, 50);
    m.sent(11_000, 100, 100 * 1024);
    m.acked(11_500, 110);
    const d = m.drainClosed(11_999);
    expect(d.rates).toEqual([[10_000, 100, 60, 102_400, 61_440]]);
    expect(d.windows).toEqual([[10_000, 60, 50]]);
    expect(m.drainClosed(12_000).rates).toEqual([[11_000, 100, 100, 102_400, 102_400]]);
  });

  it('a second in which nothing was sent still has its requested load (achieved 0)', () => {
    const m = meter();
    m.sent(10_000, 100, 102_400);
    const d = m.drainClosed(12_500);
    expect(d.rates).toEqual([
      [10_000, 100, 100, 102_400, 102_400],
      [11_000, 100, 0, 102_400, 0],
    ]);
    expect(d.windows).toEqual([[10_000, 100, 0]]);
  });

  it('the final drain clips the last second to the end of the run and keeps late acks', () => {
    const m = meter();
    m.sent(13_100, 40, 40 * 1024);
    expect(m.drainClosed(13_200).rates.map((r) => r[0])).toEqual([10_000, 11_000, 12_000]);
    m.acked(13_600, 40);
    const d = m.drainClosed(13_700, true);
    expect(d.rates).toEqual([[13_000, 50, 40, 51_200, 40_960]]);
    expect(d.windows).toEqual([[13_000, 40, 40]]);
    // An ack after everything was drained goes out in the next drain, in its own window.
    m.acked(13_900, 1);
    expect(m.drainClosed(14_000, true)).toEqual({ windows: [[13_000, 0, 1]], rates: [] });
  });

  it('achievedRate is records sent per second since the start', () => {
    const m = meter();
    m.sent(10_500, 50, 0);
    expect(m.achievedRate(11_000)).toBe(50);
    // After the end (waiting for the last reports), the rate is over the run's 3.5 s, not longer.
    m.sent(13_000, 125, 0);
    expect(m.achievedRate(20_000)).toBe(50);
  });
});
