import type { ScenarioSpec } from './scenario-spec';

export interface RampSpec {
  from: number;
  to: number;
  step: number;
  /** ms per step */
  every: number;
}

/** Records/s a ramp asks for at `msSinceStart`: `from`, plus `step` per whole `every` elapsed, capped at `to`. */
export function rampRateAt(r: RampSpec, msSinceStart: number): number {
  return Math.min(r.to, r.from + r.step * Math.floor(Math.max(0, msSinceStart) / r.every));
}

/** The offered load of each step of a ramp over a run of `durationMs`: [stepStartMs (from the start), records/s]. */
export function rampSteps(r: RampSpec, durationMs: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let t = 0; t < durationMs; t += r.every) {
    const rate = rampRateAt(r, t);
    if (out.length > 0 && out[out.length - 1][1] === rate) continue;
    out.push([t, rate]);
  }
  return out;
}

/**
 * The scenario's offered load in records/s over time (all producers together, before any
 * split): fixed for `records` and `bytes` rates (bytes through the mean record size), stepped
 * for a ramp.
 */
export function scenarioRateAt(workload: ScenarioSpec['workload'], meanRecordBytes: number): (msSinceStart: number) => number {
  const rate = workload.rate;
  if ('ramp' in rate) return (t) => rampRateAt(rate.ramp, t);
  const fixed = 'records' in rate ? rate.records : rate.bytes / Math.max(1, meanRecordBytes);
  return () => fixed;
}
