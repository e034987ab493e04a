/**
 * The warm-up rule: when has a freshly started scenario settled, so that measuring may begin?
 *
 * A replicator is cold when a scenario starts: MirrorMaker 2 has created the target topic but
 * copies it in fits for a while (seconds of nothing read, p99 of several seconds), and a
 * recovery baseline or a latency expectation taken then judges against noise. So producers
 * write at the scenario's rate first, and measuring starts once end-to-end latency has been
 * steady: the last `steadySeconds` complete seconds each read something, and their per-second
 * p99s lie within max(`latencyFactor` × the smallest of them, `latencyFloorMs`), and (when the
 * scenario's rate in records/s is known) they read on average at most `rateTolerance` above it.
 * A p99 still falling as a backlog drains (10 s, 8 s, 5 s...) is not steady, nor is a catch-up
 * burst at twice the rate with a flat p99; a steady 2 s is. Reading less than the rate does not
 * hold the warm-up back: a tester that cannot deliver is judged elsewhere (INCONCLUSIVE).
 *
 * Pure: the caller passes the merged per-second latency windows and the time.
 */
export interface WarmupRule {
  latencyFactor: number;
  latencyFloorMs: number;
  rateTolerance: number;
}

export const WARMUP_RULE: WarmupRule = { latencyFactor: 2, latencyFloorMs: 100, rateTolerance: 0.2 };

export interface WarmupWindow {
  /** Arrival second (seconds since the epoch). */
  second: number;
  count: number;
  p99Us: number;
}

export interface WarmupInput {
  /** Per-second end-to-end latency windows of the scenario's records, any order. */
  windows: readonly WarmupWindow[];
  /** Seconds before this one are complete: every validator has reported past them. */
  completeBeforeSecond: number;
  /** When producers started (scenario.started startAtMs). */
  startAtMs: number;
  nowMs: number;
  steadyForMs: number;
  timeoutMs: number;
  /** The scenario's rate in records/s (all producers); undefined when unknown (a bytes/s payload file). */
  expectedRate?: number;
}

export type WarmupDecision =
  { state: 'warming'; firstReadAtMs: number | null } | { state: 'steady' | 'timeout'; firstReadAtMs: number | null; detail: string };

export function decideWarmup(input: WarmupInput, rule: WarmupRule = WARMUP_RULE): WarmupDecision {
  const startSecond = Math.floor(input.startAtMs / 1000);
  const bySecond = new Map(
    input.windows.filter((w) => w.second >= startSecond && w.second < input.completeBeforeSecond && w.count > 0).map((w) => [w.second, w]),
  );
  const first = Math.min(...bySecond.keys());
  const firstReadAtMs = Number.isFinite(first) ? first * 1000 : null;
  if (input.timeoutMs <= 0) return { state: 'steady', firstReadAtMs, detail: 'no warm-up (warmup.timeout is 0)' };

  const n = Math.max(1, Math.ceil(input.steadyForMs / 1000));
  // Only seconds wholly after the start count: the first one may hold a partial second.
  const last = input.completeBeforeSecond - 1;
  if (last - n + 1 > startSecond) {
    const tail = Array.from({ length: n }, (_, i) => bySecond.get(last - n + 1 + i));
    if (tail.every((w) => w !== undefined)) {
      const p99s = tail.map((w) => w!.p99Us);
      const bound = Math.max(rule.latencyFactor * Math.min(...p99s), rule.latencyFloorMs * 1000);
      const mean = tail.reduce((sum, w) => sum + w!.count, 0) / n;
      const catchingUp = input.expectedRate !== undefined && mean > (1 + rule.rateTolerance) * input.expectedRate;
      if (Math.max(...p99s) <= bound && !catchingUp) {
        return {
          state: 'steady',
          firstReadAtMs,
          detail: `p99 steady for ${n} s (${formatMs(Math.min(...p99s))} to ${formatMs(Math.max(...p99s))})`,
        };
      }
    }
  }
  const elapsed = input.nowMs - input.startAtMs;
  if (elapsed >= input.timeoutMs) {
    const what = firstReadAtMs === null ? 'the replicator copied nothing' : `end-to-end latency and throughput were not steady for ${n} s`;
    return {
      state: 'timeout',
      firstReadAtMs,
      detail: `warm-up timed out after ${Math.round(input.timeoutMs / 1000)} s: ${what}; measuring anyway`,
    };
  }
  return { state: 'warming', firstReadAtMs };
}

function formatMs(us: number): string {
  return `${Math.round(us / 100) / 10} ms`;
}
