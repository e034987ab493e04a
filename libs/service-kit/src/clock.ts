import { setTimeout as delay } from 'node:timers/promises';

/**
 * Time as services see it, passed in as a dependency so tests run on a fake one. One
 * convention for waits, AbortSignal's: `sleep` rejects with `signal.reason` when the signal
 * aborts first (use `sleepUnlessAborted` in a loop that checks its own stop flag).
 */
export interface Clock {
  nowMs(): number;
  /** Microseconds since the epoch, finer than `nowMs` (for latencies). */
  nowUs(): number;
  /** Resolves after `ms`; rejects with `signal.reason` when the signal aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  nowMs: () => Date.now(),
  nowUs: () => Math.round((performance.timeOrigin + performance.now()) * 1000),
  async sleep(ms, signal) {
    try {
      await delay(ms, undefined, signal ? { signal } : undefined);
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      throw err;
    }
  },
};

/** Sleeps, but returns early instead of throwing when `signal` aborts: for loops that look at their stop flag next. */
export async function sleepUnlessAborted(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  try {
    await clock.sleep(ms, signal);
  } catch (err) {
    if (!signal.aborted) throw err;
  }
}
