import { scenarioRateAt, type ScenarioSpec } from '@mirrorlab/protocol';
import type { RateAt } from './pacer';

/**
 * This producer's share of the scenario's rate over time, records/s. `total` rates are split
 * evenly over the scenario's `workload.producers`, so adding replicas needs no
 * reconfiguration; byte rates are converted with the record size (or the replayed
 * payloads' mean size); a ramp steps up as the run goes.
 */
export function rateAtFor(workload: ScenarioSpec['workload'], meanRecordBytes: number): RateAt {
  const scenario = scenarioRateAt(workload, meanRecordBytes);
  const share = workload.rateSplit === 'total' ? workload.producers : 1;
  return (t) => scenario(t) / share;
}

/** This producer's mean records/s over the run (a ramp's average). */
export function recordsPerSecondFor(workload: ScenarioSpec['workload'], meanRecordBytes: number): number {
  const rateAt = rateAtFor(workload, meanRecordBytes);
  if (!('ramp' in workload.rate)) return rateAt(0);
  const seconds = Math.max(1, Math.floor(workload.duration / 1000));
  let sum = 0;
  for (let s = 0; s < seconds; s++) sum += rateAt(s * 1000);
  return sum / seconds;
}
