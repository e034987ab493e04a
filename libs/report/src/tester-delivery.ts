import type { DeliveryReport, FaultReport } from './report-schema';
import type { ProducerTrack } from '@mirrorlab/control';

/**
 * Did the tester deliver what the scenario asked? A replicator can only be judged
 * at the load it was offered: when the producers fall short of the requested rate
 * (outside fault windows, where a slow source is expected), or produce nothing
 * at all, the run is INCONCLUSIVE, whatever the replicator did with the little it got.
 */

/** Below this share of the requested rate the tester, not the replicator, was the limit. */
export const DELIVERY_THRESHOLD = 0.95;

export interface DeliveryInput {
  producers: readonly ProducerTrack[];
  faults: readonly FaultReport[];
  startAtMs: number | undefined;
  endAtMs: number | undefined;
  /** The scenario's rate unit: bytes/s workloads are judged on bytes, records/s on records. */
  unit: 'records' | 'bytes';
}

export interface DeliveryOutcome {
  delivery: DeliveryReport;
  /** Why the verdict is INCONCLUSIVE (empty when it is not). */
  inconclusive: string[];
  warnings: string[];
}

export function judgeDelivery(input: DeliveryInput): DeliveryOutcome {
  const sent = input.producers.reduce((s, p) => s + p.counts.sent, 0);
  const acked = input.producers.reduce((s, p) => s + p.counts.acked, 0);
  const inconclusive: string[] = [];
  const warnings: string[] = [];
  if (input.producers.length > 0 && sent === 0) inconclusive.push('nothing was produced: the run tested nothing');
  else if (input.producers.length > 0 && acked === 0)
    inconclusive.push(`none of the ${sent} records sent was acknowledged by the source cluster: the run tested nothing`);

  // Only whole seconds inside the run: the first and last seconds are partly outside it, where a
  // producer's requested and achieved counts depend on exactly when it started and stopped.
  const excluded = (startMs: number) =>
    (input.startAtMs !== undefined && startMs < input.startAtMs) ||
    (input.endAtMs !== undefined && startMs + 1000 > input.endAtMs) ||
    input.faults.some((f) => startMs + 1000 > f.impactWindow.fromMs && startMs <= f.impactWindow.toMs);
  const seconds = new Set<number>();
  let reported = false;
  const sum = { requestedRecords: 0, achievedRecords: 0, requestedBytes: 0, achievedBytes: 0 };
  for (const p of input.producers) {
    for (const [startMs, r] of p.rates) {
      reported = true;
      if (excluded(startMs)) continue;
      seconds.add(startMs);
      sum.requestedRecords += r.requestedRecords;
      sum.achievedRecords += r.achievedRecords;
      sum.requestedBytes += r.requestedBytes;
      sum.achievedBytes += r.achievedBytes;
    }
  }
  const unit = input.unit === 'bytes' && sum.requestedBytes > 0 ? 'bytes' : 'records';
  const requested = unit === 'bytes' ? sum.requestedBytes : sum.requestedRecords;
  const achieved = unit === 'bytes' ? sum.achievedBytes : sum.achievedRecords;
  const n = seconds.size;
  const delivery: DeliveryReport = {
    checked: n > 0 && requested > 0,
    unit,
    threshold: DELIVERY_THRESHOLD,
    seconds: n,
    requestedPerSecond: n > 0 ? requested / n : null,
    achievedPerSecond: n > 0 ? achieved / n : null,
    fraction: requested > 0 ? achieved / requested : null,
  };
  if (!reported) {
    if (input.producers.length > 0)
      warnings.push(
        'the producers reported no offered vs achieved load (producer.progress.rates): whether the tester delivered the requested rate was not checked',
      );
  } else if (!delivery.checked && measurableSeconds(input, excluded) > 0) {
    // The producers reported load, but for no second of the measured run: they stopped before it.
    inconclusive.push(
      `the producers reported no load during the measured run (${measurableSeconds(input, excluded)} s outside fault windows): they stopped early, the run tested nothing`,
    );
  } else if (!delivery.checked) {
    warnings.push('no second outside fault windows with a requested rate: whether the tester delivered the requested rate was not checked');
  } else if (delivery.fraction! < DELIVERY_THRESHOLD) {
    const pct = Math.floor(delivery.fraction! * 100);
    inconclusive.push(
      `the tester delivered ${pct}% of the requested ${rate(delivery.requestedPerSecond!, unit)} (${rate(delivery.achievedPerSecond!, unit)} over ${n} s outside fault windows): ` +
        'no conclusion about the replicator at that rate',
    );
  }
  return { delivery, inconclusive, warnings };
}

/** Whole seconds of the measured run outside fault windows, where the producers had to report load. */
function measurableSeconds(input: DeliveryInput, excluded: (startMs: number) => boolean): number {
  if (input.startAtMs === undefined || input.endAtMs === undefined) return 0;
  let n = 0;
  for (let t = Math.ceil(input.startAtMs / 1000) * 1000; t + 1000 <= input.endAtMs; t += 1000) if (!excluded(t)) n++;
  return n;
}

/** "40 MiB/s", "200 records/s". */
export function rate(perSecond: number, unit: 'records' | 'bytes'): string {
  if (unit === 'records') return `${trim(perSecond)} records/s`;
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let v = perSecond;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${trim(v)} ${units[i]}/s`;
}

function trim(v: number): string {
  return Number.isInteger(v) ? String(v) : v >= 100 ? String(Math.round(v)) : v.toFixed(1).replace(/\.0$/, '');
}
