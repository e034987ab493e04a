import type { ScenarioSpec } from '@mirrorlab/protocol';

/**
 * This producer's records/s. `total` rates are split evenly over the scenario's
 * `workload.producers`, so adding replicas needs no reconfiguration; byte rates
 * are converted with the record size (or the replayed payloads' mean size).
 */
export function recordsPerSecondFor(workload: ScenarioSpec['workload'], meanRecordBytes: number): number {
  const perScenario = 'records' in workload.rate ? workload.rate.records : workload.rate.bytes / Math.max(1, meanRecordBytes);
  return workload.rateSplit === 'total' ? perScenario / workload.producers : perScenario;
}

