import { validateScenario } from './parse-scenario';
import { rampRateAt, rampSteps, scenarioRateAt } from './rate-plan';

describe('ramp', () => {
  const ramp = { from: 1000, to: 4000, step: 1000, every: 10_000 };
  it('steps up every `every` and stays at `to`', () => {
    expect([0, 9_999, 10_000, 25_000, 30_000, 90_000].map((t) => rampRateAt(ramp, t))).toEqual([1000, 1000, 2000, 3000, 4000, 4000]);
    expect(rampSteps(ramp, 60_000)).toEqual([
      [0, 1000],
      [10_000, 2000],
      [20_000, 3000],
      [30_000, 4000],
    ]);
  });

  it('is accepted in a scenario and drives the offered load', () => {
    const r = validateScenario({
      name: 'cap',
      topics: [{ name: 't', partitions: 3 }],
      workload: { rate: { ramp: { from: 100, to: 300, step: 100, every: '5s' } }, duration: '15s' },
    });
    if (!r.ok) throw r.error;
    const rateAt = scenarioRateAt(r.spec.workload, 256);
    expect([0, 5000, 10_000].map(rateAt)).toEqual([100, 200, 300]);
  });

  it('a ramp that goes down or lacks a step is refused, naming the field', () => {
    const down = validateScenario({
      name: 'cap',
      topics: [{ name: 't', partitions: 3 }],
      workload: { rate: { ramp: { from: 300, to: 100, step: 100, every: '5s' } }, duration: '15s' },
    });
    expect(down.ok).toBe(false);
    if (!down.ok) expect(JSON.stringify(down.error.problems)).toMatch(/ramp.to >= ramp.from/);
    const noStep = validateScenario({
      name: 'cap',
      topics: [{ name: 't', partitions: 3 }],
      workload: { rate: { ramp: { from: 1, to: 2, every: '5s' } }, duration: '15s' },
    });
    expect(noStep.ok).toBe(false);
  });

  it('fixed rates stay fixed; byte rates go through the record size', () => {
    const r = validateScenario({
      name: 'b',
      topics: [{ name: 't', partitions: 1 }],
      workload: { rate: { bytes: '1MB' }, recordSize: '1KB', duration: '1m' },
    });
    if (!r.ok) throw r.error;
    expect(scenarioRateAt(r.spec.workload, 1024)(12_345)).toBe(1024);
  });
});
