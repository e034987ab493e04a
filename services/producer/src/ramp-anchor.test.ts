import { scenarioRateAt } from '@mirrorlab/protocol';
import { rampFromMeasuring } from './ramp-anchor';

// 1000 records/s, +1000 every 10 s, up to 4000.
const ramp = scenarioRateAt({ rate: { ramp: { from: 1000, to: 4000, step: 1000, every: 10_000 } }, recordSize: 100 } as never, 100);
const START = 1_000_000;

describe('rampFromMeasuring', () => {
  it('runs the first level until the measured start is known, then counts the steps from it', () => {
    const anchor: { at?: number } = {};
    const rateAt = rampFromMeasuring(ramp, START, () => anchor.at);
    // A 25 s warm-up: unanchored, the ramp would be at its third level by now.
    expect(ramp(25_000)).toBe(3000);
    expect(rateAt(25_000)).toBe(1000);
    anchor.at = START + 25_000;
    expect(rateAt(25_000)).toBe(1000);
    expect(rateAt(34_999)).toBe(1000);
    expect(rateAt(35_000)).toBe(2000);
    expect(rateAt(55_000)).toBe(4000);
    expect(rateAt(600_000)).toBe(4000);
    // Seconds of the warm-up, asked again after the anchor is known (the requested-rate meter does): the first level.
    expect(rateAt(5_000)).toBe(1000);
  });

  it('is the ramp itself when measuring starts with the producers (no warm-up)', () => {
    const rateAt = rampFromMeasuring(ramp, START, () => START);
    for (const t of [0, 9_999, 10_000, 20_000, 30_000, 45_000]) expect(rateAt(t)).toBe(ramp(t));
  });
});
