import { rampStepsFromRates } from './ramp-steps';
import type { ProducerTrack, RateWindow } from '@mirrorlab/control';

function producer(id: string, perSecond: Array<[number, number, number]>): ProducerTrack {
  const rates = new Map<number, RateWindow>(
    perSecond.map(([t, requested, achieved]) => [
      t,
      { requestedRecords: requested, achievedRecords: achieved, requestedBytes: 0, achievedBytes: 0 },
    ]),
  );
  return {
    producerId: id,
    reports: 1,
    final: true,
    counts: { sent: 0, acked: 0, failed: 0, indeterminate: 0 },
    keys: undefined,
    windows: new Map(),
    rates,
  } as unknown as ProducerTrack;
}

describe('rampStepsFromRates', () => {
  const ramp = { from: 100, to: 300, step: 100 };

  it('groups seconds by the summed requested level; a boundary second goes to the nearest level; the first second is left out of achieved', () => {
    // Two producers, half each; p2 moves to the next level one second after p1 (at 3000 the sum is 150 -> 200 rounds up).
    const p1 = producer('p1', [
      [0, 50, 50],
      [1000, 50, 50],
      [2000, 50, 50],
      [3000, 100, 60],
      [4000, 100, 90],
      [5000, 100, 90],
    ]);
    const p2 = producer('p2', [
      [0, 50, 50],
      [1000, 50, 50],
      [2000, 50, 50],
      [3000, 50, 50],
      [4000, 100, 90],
      [5000, 100, 100],
    ]);
    expect(rampStepsFromRates([p1, p2], ramp, undefined, undefined)).toEqual([
      { fromMs: 0, toMs: 3000, offered: 100, achieved: 100 },
      { fromMs: 3000, toMs: 6000, offered: 200, achieved: 185 },
    ]);
  });

  it('only whole seconds of the measured window count (warm-up and a partial last second left out)', () => {
    const p = producer('p1', [
      [0, 100, 100],
      [1000, 100, 100],
      [2000, 200, 200],
      [3000, 300, 290],
    ]);
    expect(rampStepsFromRates([p], ramp, 1000, 3500)).toEqual([
      { fromMs: 1000, toMs: 2000, offered: 100, achieved: 100 },
      { fromMs: 2000, toMs: 3000, offered: 200, achieved: 200 },
    ]);
  });

  it('none: producers that reported no rates', () => {
    expect(rampStepsFromRates([producer('p1', [])], ramp, undefined, undefined)).toEqual([]);
  });
});
