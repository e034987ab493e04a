import type { LatencyHistograms } from '@mirrorlab/validation';
import type { LagPoint, SecondPoint } from './report-schema';
import type { ProducerTrack, ProgressPoint } from '@mirrorlab/control';

/** Seconds kept before the scenario's start (producers may start a little early). */
const LEAD_SECONDS = 60;
/** Seconds kept after its end: validators drain, stalls catch up. */
const TAIL_SECONDS = 6 * 3600;
/** The series never grows beyond a week of points, whatever the clocks say. */
const MAX_POINTS = 7 * 24 * 3600;

export interface SeriesInput {
  producers: readonly ProducerTrack[];
  /** Every validator's end-to-end histograms, merged (exact per 1 s window). */
  latency: LatencyHistograms | undefined;
  startAtMs: number | undefined;
  endAtMs: number | undefined;
}

/**
 * One point per second, dense from the scenario's start to the last second with
 * data: a second nobody read anything in is a point with `consumed: 0` (a stall
 * must show as a drop, not as a missing point). Percentiles come from the merged
 * histogram of each window, never from averaging validators' percentiles.
 */
export function secondSeries(input: SeriesInput): { series: SecondPoint[]; outOfRange: number } {
  const produced = new Map<number, { sent: number; acked: number }>();
  for (const p of input.producers) {
    for (const [startMs, w] of p.windows) {
      const t = Math.floor(startMs / 1000);
      const sum = produced.get(t) ?? { sent: 0, acked: 0 };
      sum.sent += w.sent;
      sum.acked += w.acked;
      produced.set(t, sum);
    }
  }
  // Offered vs achieved load (`producer.progress.rates`), summed over producers: the same numbers the delivery rule judges.
  const rates = new Map<number, { requested: number; achieved: number }>();
  for (const p of input.producers) {
    for (const [startMs, r] of p.rates) {
      const t = Math.floor(startMs / 1000);
      const sum = rates.get(t) ?? { requested: 0, achieved: 0 };
      sum.requested += r.requestedRecords;
      sum.achieved += r.achievedRecords;
      rates.set(t, sum);
    }
  }
  // Publish delay: the worst producer's p99 in each second (percentiles of different producers do not merge).
  const publishDelay = new Map<number, number>();
  for (const p of input.producers) {
    for (const [startMs, d] of p.publishDelay ?? []) {
      const t = Math.floor(startMs / 1000);
      publishDelay.set(t, Math.max(publishDelay.get(t) ?? 0, d.p99Us));
    }
  }
  const latency = new Map((input.latency?.windows([50, 99, 99.9]) ?? []).map((w) => [w.second, w]));
  const all = [...new Set([...produced.keys(), ...rates.keys(), ...publishDelay.keys()]), ...latency.keys()];
  let seconds = all;
  if (input.startAtMs !== undefined) {
    const start = Math.floor(input.startAtMs / 1000);
    const end = Math.floor((input.endAtMs ?? input.startAtMs) / 1000);
    seconds = all.filter((t) => t >= start - LEAD_SECONDS && t <= end + TAIL_SECONDS);
    if (seconds.length > 0) seconds.push(start);
  }
  if (seconds.length === 0) return { series: [], outOfRange: all.length };
  const hi = Math.max(...seconds);
  const lo = Math.max(Math.min(...seconds), hi - MAX_POINTS + 1);
  const outOfRange = all.filter((t) => t < lo || t > hi).length;

  const series: SecondPoint[] = [];
  for (let t = lo; t <= hi; t++) {
    const p = produced.get(t);
    const l = latency.get(t);
    const r = rates.get(t);
    series.push({
      t,
      produced: p?.sent ?? 0,
      acked: p?.acked ?? 0,
      requested: r?.requested ?? null,
      achieved: r?.achieved ?? null,
      consumed: l?.count ?? 0,
      p50Us: l ? l.percentilesUs[0] : null,
      p99Us: l ? l.percentilesUs[1] : null,
      p999Us: l ? l.percentilesUs[2] : null,
      maxUs: l ? l.maxUs : null,
      publishDelayP99Us: publishDelay.get(t) ?? null,
    });
  }
  return { series, outOfRange };
}

/**
 * Replication lag as the validators saw it: after each report (by report time,
 * ties by validator id), the sum over target partitions of highWatermark -
 * nextOffset, each partition taken from the latest report that names it (so a
 * partition that changed owner counts once).
 */
export function lagSeries(progress: readonly ProgressPoint[]): LagPoint[] {
  const ordered = progress
    .map((p, i) => ({ p, i }))
    .sort(
      (a, b) => a.p.atMs - b.p.atMs || (a.p.validatorId < b.p.validatorId ? -1 : a.p.validatorId > b.p.validatorId ? 1 : 0) || a.i - b.i,
    )
    .map(({ p }) => p);
  const lagOf = new Map<string, number>();
  const points: LagPoint[] = [];
  for (const report of ordered) {
    for (const part of report.partitions)
      lagOf.set(`${part.topic}\u0000${part.partition}`, Math.max(0, part.highWatermark - part.nextOffset));
    let records = 0;
    for (const lag of lagOf.values()) records += lag;
    const last = points[points.length - 1];
    if (last !== undefined && last.atMs === report.atMs) last.records = records;
    else points.push({ atMs: report.atMs, records });
  }
  return points;
}
