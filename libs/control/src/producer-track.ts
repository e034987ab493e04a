import type { ControlEventOf, ProducerCounts, ProducerKeyReport } from './control-events';

type ProducerProgress = ControlEventOf<'producer.progress'>;

/** One producer, folded from its `producer.progress` events. */
export interface ProducerTrack {
  producerId: string;
  reports: number;
  final: boolean;
  /**
   * Its counts (cumulative) from the report that stands: the latest one, except that a final report
   * is never replaced by a later non-final one (a retried progress publish arriving after the final).
   */
  counts: ProducerCounts;
  /** Per-key ranges of the latest report that carried them (the final one once published). */
  keys: ProducerKeyReport[] | undefined;
  /** Per-second [sent, acked], summed over every progress event (each carries the windows closed since the last). History only. */
  windows: Map<number, { sent: number; acked: number }>;
  /** Per-second offered vs achieved load (`producer.progress.rates`), summed the same way; empty from producers that do not report it. History only. */
  rates: Map<number, RateWindow>;
  /** Per-second publish delay (`producer.progress.publishDelay`): the worst p99 and max seen for that second. History only. */
  publishDelay?: Map<number, { p99Us: number; maxUs: number }>;
}

/** One second of one producer's load: what the scenario asked of it and what it delivered. */
export interface RateWindow {
  requestedRecords: number;
  achievedRecords: number;
  requestedBytes: number;
  achievedBytes: number;
}

/** Folds one progress event into its producer's track (created on its first event); `history`: keep the per-second series. */
export function applyProducerProgress(tracks: Map<string, ProducerTrack>, e: ProducerProgress, history: boolean): void {
  let p = tracks.get(e.producerId);
  if (p === undefined) {
    p = {
      producerId: e.producerId,
      reports: 0,
      final: false,
      counts: e.counts,
      keys: undefined,
      windows: new Map(),
      rates: new Map(),
      publishDelay: new Map(),
    };
    tracks.set(e.producerId, p);
  }
  p.reports++;
  // The one rule for which producer report stands: a final report is never replaced by a later non-final one.
  if (!p.final || e.final) {
    p.counts = e.counts;
    if (e.keys !== undefined) p.keys = e.keys;
  }
  p.final ||= e.final;
  if (!history) return;
  for (const [startMs, sent, acked] of e.windows) {
    const w = p.windows.get(startMs) ?? { sent: 0, acked: 0 };
    w.sent += sent;
    w.acked += acked;
    p.windows.set(startMs, w);
  }
  for (const [startMs, requestedRecords, achievedRecords, requestedBytes, achievedBytes] of e.rates ?? []) {
    const r = p.rates.get(startMs) ?? { requestedRecords: 0, achievedRecords: 0, requestedBytes: 0, achievedBytes: 0 };
    r.requestedRecords += requestedRecords;
    r.achievedRecords += achievedRecords;
    r.requestedBytes += requestedBytes;
    r.achievedBytes += achievedBytes;
    p.rates.set(startMs, r);
  }
  // A second is normally published once; if twice (a retried publish), keep the worse figures.
  for (const [startMs, , p99Us, maxUs] of e.publishDelay ?? []) {
    const d = p.publishDelay?.get(startMs);
    (p.publishDelay ??= new Map()).set(startMs, { p99Us: Math.max(p99Us, d?.p99Us ?? 0), maxUs: Math.max(maxUs, d?.maxUs ?? 0) });
  }
}
