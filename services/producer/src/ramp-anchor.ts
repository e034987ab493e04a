import type { RateAt } from './pacer';

/**
 * A ramp (`rate: { ramp }`) counts its steps from the measured start (`scenario.measuring`), not
 * from the producers' start: the warm-up runs at the ramp's first level and every step falls in the
 * measured run, where the report judges it. Until the measured start is known the rate is the first
 * level; it is learned within a control-topic delay, far shorter than a step, so the seconds sent
 * before it was known were at the rate the anchored ramp gives them too.
 */
export function rampFromMeasuring(rateAt: RateAt, startMs: number, measuringAtMs: () => number | undefined): RateAt {
  return (msSinceStart) => {
    const measuring = measuringAtMs();
    return rateAt(measuring === undefined ? 0 : Math.max(0, startMs + msSinceStart - measuring));
  };
}
