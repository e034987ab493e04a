/**
 * Clock skew between services on different hosts, against one reference clock: the control
 * topic's broker, which stamps every control record with its own time (LogAppendTime).
 *
 * A service's offset is `its clock - the reference`. Two kinds of observation bound it, each
 * because a message cannot arrive before it was sent:
 * - `published`: the service stamped an event `localMs`, the broker appended it at `referenceMs`
 *   later, so offset >= localMs - referenceMs;
 * - `read`: the broker appended an event at `referenceMs`, the service read it at `localMs`
 *   later, so offset <= localMs - referenceMs.
 * The tightest of each (the fastest round of each kind) give the interval, as NTP does with
 * one round trip. End-to-end latency is measured across two services (the producer's send
 * time, the validator's read time): it reads `validator offset - producer offset` too much.
 */
import type { ClockRole, OffsetBound } from '@mirrorlab/control';

export { OffsetBounds, type ClockRole, type OffsetBound } from '@mirrorlab/control';

export interface SkewEstimate {
  /** Midpoint of the interval the two offsets allow for `a - b` (ms). */
  estimateMs: number;
  /** Half the interval's width: the true skew is within estimateMs +- boundMs. */
  boundMs: number;
}

/**
 * The skew `a - b` from the bounds on each offset: within [a.low - b.high, a.high - b.low].
 * Null when a side of either is unknown (one-way observations alone bound nothing). Bounds
 * that cross (clock steps, a reference that is not the append time) are taken as their
 * crossing point, with 0 width.
 */
export function skewBetween(a: OffsetBound, b: OffsetBound): SkewEstimate | null {
  if (a.lowMs === null || a.highMs === null || b.lowMs === null || b.highMs === null) return null;
  const low = a.lowMs - b.highMs;
  const high = a.highMs - b.lowMs;
  if (high < low) return { estimateMs: (low + high) / 2, boundMs: 0 };
  return { estimateMs: (low + high) / 2, boundMs: (high - low) / 2 };
}

/** How far a latency figure measured across the two clocks may be off: the farthest end of the interval. */
export function worstSkewMs(s: SkewEstimate): number {
  return Math.abs(s.estimateMs) + s.boundMs;
}

/** Latency figures are flagged when producer and validator clocks may differ by more than this (ms). */
export const CLOCK_SKEW_WARN_MS = 100;

export interface ServiceClock {
  source: string;
  role: ClockRole;
  bound: OffsetBound;
}

export interface ClockSkewReport {
  services: Array<{ source: string; role: ClockRole; lowMs: number | null; highMs: number | null }>;
  /** The producer-validator pair whose skew may be largest: `validator - producer`, what end-to-end latency reads too much. */
  worstPair: { producer: string; validator: string; estimateMs: number; boundMs: number; worstMs: number } | null;
  thresholdMs: number;
  /** worstPair.worstMs > thresholdMs. */
  exceeds: boolean;
}

/** The skew between every producer and validator; null when the run has neither. */
export function clockSkewReport(clocks: readonly ServiceClock[], thresholdMs = CLOCK_SKEW_WARN_MS): ClockSkewReport | null {
  const sorted = [...clocks].sort((a, b) =>
    a.role === b.role ? (a.source < b.source ? -1 : a.source > b.source ? 1 : 0) : a.role < b.role ? -1 : 1,
  );
  if (sorted.length === 0) return null;
  let worstPair: ClockSkewReport['worstPair'] = null;
  for (const p of sorted.filter((c) => c.role === 'producer')) {
    for (const v of sorted.filter((c) => c.role === 'validator')) {
      const skew = skewBetween(v.bound, p.bound);
      if (skew === null) continue;
      const worst = worstSkewMs(skew);
      if (worstPair === null || worst > worstPair.worstMs) worstPair = { producer: p.source, validator: v.source, ...skew, worstMs: worst };
    }
  }
  return {
    services: sorted.map((c) => ({ source: c.source, role: c.role, lowMs: c.bound.lowMs, highMs: c.bound.highMs })),
    worstPair,
    thresholdMs,
    exceeds: worstPair !== null && worstPair.worstMs > thresholdMs,
  };
}

/** The warning a report carries when the skew could distort its latency figures; null when it cannot. */
export function clockSkewWarning(r: ClockSkewReport | null): string | null {
  if (r === null || !r.exceeds || r.worstPair === null) return null;
  const w = r.worstPair;
  return (
    `clock skew: validator ${w.validator}'s clock may differ from producer ${w.producer}'s by up to ${Math.round(w.worstMs)} ms ` +
    `(estimate ${Math.round(w.estimateMs)} +- ${Math.round(w.boundMs)} ms against the control topic's append time; threshold ${r.thresholdMs} ms): ` +
    'end-to-end latency figures may be off by that much'
  );
}
