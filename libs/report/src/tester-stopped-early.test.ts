import type { ControlEvent } from '@mirrorlab/control';
import { buildReport } from './build-report';
import { ScenarioView } from '@mirrorlab/control';
import { syntheticScenario } from './testing';

function report(events: readonly ControlEvent[]) {
  const folded = new ScenarioView('fixture-1');
  events.forEach((e) => folded.apply(e));
  return buildReport(folded);
}

describe('a tester that stopped before the measured run is never PASS', () => {
  const events = syntheticScenario({ durationS: 30, rate: 60, partitions: 3, validators: 1, warmupS: 10, expectations: {} });
  const measuringAtMs = (events.find((e) => e.type === 'scenario.measuring') as Extract<ControlEvent, { type: 'scenario.measuring' }>)
    .measuringAtMs;

  it('producers whose rates end in the warm-up (they stopped) make the run inconclusive, saying so', () => {
    // As a producer whose transactional client failed in the warm-up reports: load until it stopped, none after.
    const stopped = events.map((e) =>
      e.type === 'producer.progress' ? { ...e, rates: e.rates.filter(([t]) => t + 1000 <= measuringAtMs) } : e,
    );
    const r = report(stopped);
    expect(r.verdict).toBe('inconclusive');
    expect(r.reasons).toEqual([
      expect.stringMatching(
        /^the producers reported no load during the measured run \(\d+ s outside fault windows\): they stopped early, the run tested nothing$/,
      ),
    ]);
  });

  it('the same run with its load reported passes', () => {
    expect(report(events).verdict).toBe('pass');
  });
});
