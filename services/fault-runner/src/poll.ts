import { FaultRunnerError, errorMessage, isFaultRunnerError, type FaultRunnerErrorCode } from './errors';

/**
 * Re-runs `check` until it returns `{ done }`, for at most `timeoutMs`; a check that
 * throws counts as "not yet" (its message is kept), except a `FaultRunnerError`, which
 * ends the wait. Throws `code` with the last reason on timeout. Waits are checks, never sleeps.
 */
export async function pollUntil<T>(
  what: string,
  check: () => Promise<{ done: T } | { notYet: string }>,
  opts: { timeoutMs: number; intervalMs?: number; code?: FaultRunnerErrorCode },
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  let last: string;
  for (;;) {
    try {
      const result = await check();
      if ('done' in result) return result.done;
      last = result.notYet;
    } catch (error) {
      if (isFaultRunnerError(error) && error.code !== 'kafka_failed') throw error;
      last = errorMessage(error);
    }
    if (Date.now() >= deadline) {
      throw new FaultRunnerError(opts.code ?? 'inject_failed', `${what}: not observed within ${Math.round(opts.timeoutMs / 1000)} s (last check: ${last})`);
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 500));
  }
}
