import { judgeCapacity } from './capacity';
import { rampStepsFromRates } from './ramp-steps';
import type { CapacityReport, SecondPoint } from './report-schema';
import type { ProducerTrack } from '@mirrorlab/control';
import type { SpecView } from './spec-view';

const TESTER_SHARE = 0.95;
const BACKLOG_SHARE = 0.05;
const SETTLE_SECONDS = 1;

export interface CapacityInput {
  spec: SpecView;
  producers: readonly ProducerTrack[];
  series: readonly SecondPoint[];
  /** The measured part of the run (after the warm-up). */
  startAtMs: number | undefined;
  endAtMs: number | undefined;
}

/** The report's `capacity` section: only for a ramp (null otherwise, and when the producers reported no `rates`). */
export function reportCapacity(input: CapacityInput): CapacityReport | null {
  const rate = input.spec.workload.rate;
  if (!('ramp' in rate)) return null;
  const ramp = rate.ramp;
  // `per-producer`: each producer runs the whole ramp, so the summed request is producers times each level.
  const k = input.spec.workload.rateSplit === 'per-producer' ? input.spec.workload.producers : 1;
  const steps = rampStepsFromRates(
    input.producers,
    { from: ramp.from * k, to: ramp.to * k, step: ramp.step * k },
    input.startAtMs,
    input.endAtMs,
  );
  if (steps.length === 0) return null;
  const p99Ms = input.spec.expectations.p99LatencyMs?.max;
  const p99BoundUs = p99Ms === undefined ? null : p99Ms * 1000;
  const seconds = input.series.map((p) => ({ t: p.t * 1000, acked: p.acked, consumed: p.consumed, p99Us: p.p99Us }));
  const r = judgeCapacity(steps, seconds, {
    testerShare: TESTER_SHARE,
    backlogShare: BACKLOG_SHARE,
    settleSeconds: SETTLE_SECONDS,
    ...(p99BoundUs === null ? {} : { p99BoundUs }),
  });
  return {
    unit: 'records',
    steps: r.steps,
    sustainedRecordsPerSec: r.sustainedRecordsPerSec,
    testerSaturatedAt: r.testerSaturatedAt,
    replicatorSaturatedAt: r.replicatorSaturatedAt,
    lowerBound: r.lowerBound,
    testerShare: TESTER_SHARE,
    backlogShare: BACKLOG_SHARE,
    settleSeconds: SETTLE_SECONDS,
    p99BoundUs,
  };
}

/**
 * Where the delivery (INCONCLUSIVE) rule stops judging a ramp: at the first step the tester
 * saturated. A capacity run pushes the tester to its own limit on purpose, so judging its top
 * steps would make every such run INCONCLUSIVE; the steps below were delivered, and the report
 * names the tester's limit apart. When the tester saturated at the very first step nothing below
 * it was delivered: no cut, and the whole run is judged (INCONCLUSIVE, never PASS).
 */
export function deliveryEndFor(capacity: CapacityReport | null): number | undefined {
  if (capacity === null || capacity.testerSaturatedAt === null) return undefined;
  const i = capacity.steps.findIndex((s) => s.status === 'tester-saturated');
  return i > 0 ? capacity.steps[i].fromMs : undefined;
}
