import { systemClock, type Clock } from './clock';
import { MirrorlabError } from './errors';

export interface PollOptions {
  timeoutMs: number;
  /** Pause between checks; default 500 ms (never past the deadline). */
  intervalMs?: number;
  clock?: Clock;
  /** Ends the wait with the signal's reason. */
  signal?: AbortSignal;
  /** An error of `check` that ends the wait at once; any other error counts as "not yet" (its message is kept). */
  isFatal?: (error: unknown) => boolean;
}

/** `check` never said done within the timeout; `last` is what its last look saw. */
export class PollTimeoutError extends MirrorlabError<'poll_timeout'> {
  constructor(
    readonly what: string,
    readonly last: string,
    readonly timeoutMs: number,
  ) {
    super('poll_timeout', `${what}: not observed within ${Math.round(timeoutMs / 1000)} s (last check: ${last})`, { retriable: true });
  }
}

/**
 * Re-runs `check` until it returns `{ done }`, for at most `timeoutMs`, and gives the value.
 * Waits are checks, never blind sleeps: the caller says what it waits for and what it saw.
 * Throws `PollTimeoutError` at the deadline.
 */
export async function pollUntil<T>(what: string, check: () => Promise<{ done: T } | { notYet: string }>, opts: PollOptions): Promise<T> {
  const clock = opts.clock ?? systemClock;
  const deadline = clock.nowMs() + opts.timeoutMs;
  let last: string;
  for (;;) {
    opts.signal?.throwIfAborted();
    try {
      const result = await check();
      if ('done' in result) return result.done;
      last = result.notYet;
    } catch (error) {
      if (opts.isFatal?.(error)) throw error;
      last = error instanceof Error ? error.message : String(error);
    }
    const left = deadline - clock.nowMs();
    if (left <= 0) throw new PollTimeoutError(what, last, opts.timeoutMs);
    await clock.sleep(Math.max(1, Math.min(opts.intervalMs ?? 500, left)), opts.signal);
  }
}
