import type { Recovery, RecoveryRule, SecondPoint } from './report-schema';

/**
 * Recovery time after a fault, measured on the per-second series (resolution 1 s).
 *
 * - Reference: the heal's start (`fault.healed` healStartedAtMs, when the runner began
 *   undoing the fault: its planned end), not the moment the component was verified back,
 *   so a slow restart counts in the recovery time; for a one-shot fault, its injection.
 * - Baseline: the up to `baselineSeconds` whole seconds before the second of the
 *   injection, leaving out seconds before the scenario's first whole second and
 *   any second that touches another fault's window (an earlier fault's window
 *   runs until its recovery, so its catch-up burst stays out too). It needs at least
 *   `minBaselineSeconds` seconds and some consumption. From it:
 *   M = median of consumed records/s, P = median of the per-second p99 latency.
 * - Healthy window: `sustainSeconds` consecutive whole seconds whose mean consumed
 *   rate is within ±`throughputTolerance` of M, and in each of which the p99 is
 *   known and at most max(`latencyFactor` × P, `latencyFloorMs`). Throughput is
 *   averaged because replicators deliver in batches; latency is checked per
 *   second because one slow second is not recovered. The floor keeps a
 *   few-millisecond baseline from calling ordinary jitter a failure to recover.
 *   A catch-up burst after a stall (consumed above M + tolerance) is not healthy
 *   yet: the backlog is still draining.
 * - Recovered at: the start of the first healthy window that begins at or after
 *   the reference second (the first whole second after the reference). Recovery
 *   time = that instant minus the reference, in seconds (0 when healthy at once).
 * - A healthy window is cut short by the injection of another fault (the
 *   seconds before that second's start must all be healthy, at least one):
 *   otherwise a fault soon after a recovery would hide it.
 * - Bursty delivery: a replicator that delivers in bursts (MirrorMaker 2 with exactly-once
 *   commits a transaction every offset flush; read_committed validators see nothing
 *   between) leaves whole seconds with nothing read even when healthy. When at least
 *   `burstyIdleShare` of the baseline seconds (and at least 2) read nothing, the baseline
 *   is bursty: M is the MEAN consumed rate (the median of a 200/0 alternation says
 *   little), the healthy window is `burstySustainSeconds` long (it must span several
 *   bursts for its mean to mean anything), and a second with nothing read passes the
 *   latency check (there is no latency to judge); seconds that read must still be fast.
 * - Only seconds up to the end of the workload count (after it, producers stop and
 *   consumption falls to zero by design). No healthy window before then: `null`,
 *   with the reason, distinguishing "did not recover" from "too little time left
 *   to tell" and "no baseline".
 */
export const RECOVERY_RULE: RecoveryRule = {
  baselineSeconds: 30,
  minBaselineSeconds: 3,
  throughputTolerance: 0.2,
  latencyFactor: 2,
  latencyFloorMs: 100,
  sustainSeconds: 5,
  burstyIdleShare: 0.1,
  burstySustainSeconds: 10,
};

export interface RecoveryInput {
  /** Dense per-second series (one point per second). */
  series: readonly SecondPoint[];
  injectedAtMs: number;
  /** Heal start, or injection time for one-shot faults; undefined: the fault was never healed. */
  referenceMs: number | undefined;
  /** Windows of other faults: left out of the baseline; an injection after the reference cuts a healthy window short. */
  otherFaults: ReadonlyArray<{ fromMs: number; toMs: number }>;
  /** Scenario start and end of the workload, when known. */
  startAtMs: number | undefined;
  endAtMs: number | undefined;
}

export function measureRecovery(input: RecoveryInput, rule: RecoveryRule = RECOVERY_RULE): Recovery {
  const notMeasured = (reason: string, baseline: Recovery['baseline'] = null) => ({
    status: 'not-measured' as const,
    seconds: null,
    recoveredAtMs: null,
    reason,
    baseline,
  });
  if (input.referenceMs === undefined) return notMeasured('the fault was never healed');
  const bySecond = new Map(input.series.map((p) => [p.t, p]));
  if (input.series.length === 0) return notMeasured('no per-second data');

  const firstWhole = input.startAtMs !== undefined ? Math.ceil(input.startAtMs / 1000) : input.series[0].t + 1;
  const injectionSecond = Math.floor(input.injectedAtMs / 1000);
  const base: SecondPoint[] = [];
  for (let t = Math.max(firstWhole, injectionSecond - rule.baselineSeconds); t < injectionSecond; t++) {
    const p = bySecond.get(t);
    const overlapsOther = input.otherFaults.some((w) => t * 1000 <= w.toMs && (t + 1) * 1000 > w.fromMs);
    if (p !== undefined && !overlapsOther) base.push(p);
  }
  const p99s = base.map((p) => p.p99Us).filter((v): v is number => v !== null);
  if (base.length < rule.minBaselineSeconds) {
    return notMeasured(
      `no baseline: ${base.length} s of undisturbed data before the injection (at least ${rule.minBaselineSeconds} s needed)`,
    );
  }
  const consumed = base.map((p) => p.consumed);
  const consumedMedian = median(consumed);
  const consumedMean = consumed.reduce((a, b) => a + b, 0) / consumed.length;
  const idleSeconds = consumed.filter((c) => c === 0).length;
  const bursty = idleSeconds >= 2 && idleSeconds >= rule.burstyIdleShare * base.length;
  // M: the median of steady delivery, the mean of bursty delivery.
  const rate = bursty ? consumedMean : consumedMedian;
  if (rate === 0 || p99s.length === 0) return notMeasured('no baseline: nothing was consumed in the seconds before the injection');
  const baseline = {
    fromT: base[0].t,
    toT: base[base.length - 1].t,
    seconds: base.length,
    consumedMedian,
    consumedMean: Math.round(consumedMean * 10) / 10,
    bursty,
    p99MedianUs: median(p99s),
  };
  const sustainSeconds = bursty ? rule.burstySustainSeconds : rule.sustainSeconds;

  const thresholdUs = Math.max(rule.latencyFactor * baseline.p99MedianUs, rule.latencyFloorMs * 1000);
  const tolerance = rule.throughputTolerance * rate;
  const first = Math.ceil(input.referenceMs / 1000);
  const end = input.endAtMs !== undefined ? Math.floor(input.endAtMs / 1000) - 1 : input.series[input.series.length - 1].t;
  const nextInjection = Math.min(...input.otherFaults.map((w) => w.fromMs).filter((ms) => ms > input.referenceMs!));
  const cut = Number.isFinite(nextInjection) ? Math.floor(nextInjection / 1000) : Infinity;
  // Last second that counts: the end of the workload, or the second before another fault's injection.
  const last = Math.min(end, cut - 1);
  const secondOk = (t: number) => {
    const p = bySecond.get(t);
    if (p === undefined) return false;
    // Between bursts nothing is read and there is no latency to judge.
    if (bursty && p.consumed === 0) return true;
    return p.p99Us !== null && p.p99Us <= thresholdUs;
  };
  for (let t = first; t <= last; t++) {
    const stop = Math.min(t + sustainSeconds - 1, last);
    // A window shorter than `sustainSeconds` only when another fault cuts it.
    if (stop < t + sustainSeconds - 1 && cut > end) break;
    let sum = 0;
    let ok = true;
    for (let s = t; s <= stop && ok; s++) {
      ok = secondOk(s);
      sum += bySecond.get(s)?.consumed ?? 0;
    }
    if (ok && Math.abs(sum / (stop - t + 1) - rate) <= tolerance) {
      return { status: 'recovered', seconds: (t * 1000 - input.referenceMs) / 1000, recoveredAtMs: t * 1000, reason: null, baseline };
    }
  }
  const available = last - first + 1;
  const since = input.referenceMs === input.injectedAtMs ? 'injection' : 'heal start';
  if (available < 1 && cut <= end) return notMeasured(`another fault was injected before recovery could be seen`, baseline);
  if (available < sustainSeconds && cut > end) {
    return notMeasured(
      `the workload ended ${Math.max(0, available)} s after the ${since}: ${sustainSeconds} s of steady throughput and latency are needed to see recovery`,
      baseline,
    );
  }
  let slow = 0;
  let off = 0;
  for (let t = first; t <= last; t++) {
    if (!secondOk(t)) slow++;
    if (!bursty && Math.abs((bySecond.get(t)?.consumed ?? 0) - rate) > tolerance) off++;
  }
  return {
    status: 'not-recovered',
    seconds: null,
    recoveredAtMs: null,
    reason:
      `did not recover in the ${available} s between the ${since} and ${cut <= end ? 'the next fault' : 'the end of the workload'}: ` +
      (bursty
        ? `no ${sustainSeconds} s in a row averaged within ±${Math.round(rule.throughputTolerance * 100)} % of ${formatRate(rate)}/s (bursty delivery), `
        : `throughput outside ±${Math.round(rule.throughputTolerance * 100)} % of ${formatRate(rate)}/s in ${off} s, `) +
      `p99 above ${formatMs(thresholdUs)}${bursty ? '' : ' (or nothing read)'} in ${slow} s`,
    baseline,
  };
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function formatRate(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

function formatMs(us: number): string {
  return `${Math.round(us / 100) / 10} ms`;
}
