/**
 * The capacity of a replicator under a ramp (scenarios/capacity.yaml): for each step of offered
 * load, did the tester deliver it, and did the target keep up? Pure: from the report's per-second
 * series and the ramp's steps.
 */

export interface CapacitySecond {
  /** Window start, ms since the epoch. */
  t: number;
  /** Records acknowledged by the source cluster in this second (all producers). */
  acked: number;
  /** Records first read on the target in this second. */
  consumed: number;
  /** p99 end-to-end latency of the records consumed in this second (µs); null when none. */
  p99Us: number | null;
}

export interface CapacityStep {
  fromMs: number;
  toMs: number;
  /** Offered records/s (the ramp's rate for this step, all producers). */
  offered: number;
  /** Achieved (sent) records/s, from the producers' `rates`. */
  achieved: number;
}

export interface CapacityOptions {
  /** Below this share of the offered load the tester, not the replicator, is the limit. */
  testerShare?: number;
  /** The target may fall behind by at most this share of a step's records before it counts as not keeping up. */
  backlogShare?: number;
  /** p99 bound (µs) from the scenario's latency expectation; none: latency is not a criterion. */
  p99BoundUs?: number;
  /** Seconds at the start of each step left out (the step's own ramp-up). */
  settleSeconds?: number;
}

export type StepStatus = 'ok' | 'tester-saturated' | 'replicator-saturated';

export interface StepResult extends CapacityStep {
  consumed: number;
  /** Records acknowledged but not yet read on the target: its growth over the step. */
  backlogGrowth: number;
  p99Us: number | null;
  status: StepStatus;
  reason: string | null;
}

export interface CapacityResult {
  steps: StepResult[];
  /** Highest offered records/s at which the tester delivered and the target kept up; null when none did. */
  sustainedRecordsPerSec: number | null;
  /** First step where the tester could not deliver the offered load (its own limit, not the replicator's). */
  testerSaturatedAt: number | null;
  /** First step where the tester delivered but the target fell behind (or p99 broke its bound). */
  replicatorSaturatedAt: number | null;
  /** True when the ramp ended (or the tester saturated) before the replicator did: the capacity is a lower bound. */
  lowerBound: boolean;
}

export function judgeCapacity(steps: readonly CapacityStep[], seconds: readonly CapacitySecond[], o: CapacityOptions = {}): CapacityResult {
  const testerShare = o.testerShare ?? 0.95;
  const backlogShare = o.backlogShare ?? 0.05;
  const settle = (o.settleSeconds ?? 1) * 1000;
  const results: StepResult[] = steps.map((s) => {
    const inStep = seconds.filter((x) => x.t >= s.fromMs + settle && x.t + 1000 <= s.toMs);
    const n = Math.max(1, inStep.length);
    const acked = inStep.reduce((a, x) => a + x.acked, 0);
    const consumed = inStep.reduce((a, x) => a + x.consumed, 0);
    const p99s = inStep.map((x) => x.p99Us).filter((x): x is number => x !== null);
    const p99Us = p99s.length > 0 ? Math.max(...p99s) : null;
    const backlogGrowth = acked - consumed;
    let status: StepStatus = 'ok';
    let reason: string | null = null;
    if (s.achieved < testerShare * s.offered) {
      status = 'tester-saturated';
      reason = `the tester sent ${Math.round(s.achieved)} of the ${Math.round(s.offered)} records/s offered`;
      // Not the replicator's saturation (the load asked for never arrived), but worth saying: it fell behind even the load that did.
      if (inStep.length > 0 && backlogGrowth > backlogShare * Math.max(acked, 1))
        reason += `, and the target fell behind even that by ${backlogGrowth} records (${Math.round(consumed / n)} of ${Math.round(acked / n)} records/s read)`;
    } else if (inStep.length === 0) {
      status = 'replicator-saturated';
      reason = 'no whole second measured in this step';
    } else if (backlogGrowth > backlogShare * Math.max(acked, 1)) {
      status = 'replicator-saturated';
      reason = `the target fell behind by ${backlogGrowth} records (${Math.round(consumed / n)} of ${Math.round(acked / n)} records/s read)`;
    } else if (o.p99BoundUs !== undefined && p99Us !== null && p99Us > o.p99BoundUs) {
      status = 'replicator-saturated';
      reason = `p99 ${Math.round(p99Us / 1000)} ms above the bound of ${Math.round(o.p99BoundUs / 1000)} ms`;
    }
    return { ...s, consumed: consumed / n, backlogGrowth, p99Us, status, reason };
  });
  const firstBad = results.findIndex((r) => r.status !== 'ok');
  const sustained = (firstBad === -1 ? results : results.slice(0, firstBad)).at(-1)?.offered ?? null;
  const tester = results.find((r) => r.status === 'tester-saturated')?.offered ?? null;
  const replicator = results.find((r) => r.status === 'replicator-saturated')?.offered ?? null;
  return {
    steps: results,
    sustainedRecordsPerSec: sustained,
    testerSaturatedAt: tester,
    replicatorSaturatedAt: replicator,
    lowerBound: firstBad === -1 || results[firstBad].status === 'tester-saturated',
  };
}
