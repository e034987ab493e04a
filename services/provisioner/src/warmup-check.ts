import { decideWarmup, type WarmupDecision, type WarmupWindow } from '@mirrorlab/report';
import type { ScenarioSpec } from '@mirrorlab/protocol';
import { LatencyHistograms } from '@mirrorlab/validation';
import type { ScenarioView } from '@mirrorlab/control';

export interface WarmupSettings {
  startAtMs: number;
  steadyForMs: number;
  timeoutMs: number;
  /** A validator silent this long is gone: it no longer holds back which seconds are complete. */
  staleMs: number;
  /** The scenario's rate in records/s, when known (see `expectedRecordRate`). */
  expectedRate?: number;
}

/** The scenario's rate in records/s, all producers together; undefined for bytes/s with a payload file (record sizes vary). */
export function expectedRecordRate(spec: ScenarioSpec): number | undefined {
  const w = spec.workload;
  // A ramp warms up at its first step.
  const perRate =
    'records' in w.rate
      ? w.rate.records
      : 'ramp' in w.rate
        ? w.rate.ramp.from
        : w.payload === undefined
          ? w.rate.bytes / w.recordSize
          : undefined;
  if (perRate === undefined) return undefined;
  return w.rateSplit === 'per-producer' ? perRate * w.producers : perRate;
}

/**
 * The warm-up decision (libs/report `decideWarmup`) from what the validators reported: their
 * latest end-to-end histograms, merged, give each second's p99 exactly; a second is complete
 * once every live validator has reported past it. A report whose histograms do not decode is
 * left out (the validator's next report replaces it).
 */
export function warmupStatus(obs: ScenarioView | undefined, nowMs: number, s: WarmupSettings): WarmupDecision {
  const live = (obs?.latestValidatorReports() ?? []).filter((v) => v.atMs >= nowMs - s.staleMs);
  const merged = new LatencyHistograms();
  let completeBeforeSecond = live.length === 0 ? Math.floor(s.startAtMs / 1000) : Infinity;
  for (const v of live) {
    try {
      merged.mergeFrom(LatencyHistograms.fromSnapshot((v.latency as { endToEnd?: unknown } | undefined)?.endToEnd));
      completeBeforeSecond = Math.min(completeBeforeSecond, Math.floor(v.atMs / 1000));
    } catch {
      completeBeforeSecond = Math.min(completeBeforeSecond, Math.floor(s.startAtMs / 1000));
    }
  }
  const windows: WarmupWindow[] = merged.windows([99]).map((w) => ({ second: w.second, count: w.count, p99Us: w.percentilesUs[0] }));
  return decideWarmup({
    windows,
    completeBeforeSecond,
    startAtMs: s.startAtMs,
    nowMs,
    steadyForMs: s.steadyForMs,
    timeoutMs: s.timeoutMs,
    ...(s.expectedRate !== undefined ? { expectedRate: s.expectedRate } : {}),
  });
}
