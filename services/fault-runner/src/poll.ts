import { pollUntil as poll, PollTimeoutError } from '@mirrorlab/service-kit';
import { FaultRunnerError, isFaultRunnerError, type FaultRunnerErrorCode } from './errors';

/**
 * service-kit's `pollUntil` with the fault-runner's errors: a `FaultRunnerError` thrown by
 * `check` ends the wait (except `kafka_failed`: the cluster may answer on the next look),
 * and the timeout is `code` (default `inject_failed`) with the last reason.
 */
export async function pollUntil<T>(
  what: string,
  check: () => Promise<{ done: T } | { notYet: string }>,
  opts: { timeoutMs: number; intervalMs?: number; code?: FaultRunnerErrorCode },
): Promise<T> {
  try {
    return await poll(what, check, { ...opts, isFatal: (error) => isFaultRunnerError(error) && error.code !== 'kafka_failed' });
  } catch (error) {
    if (error instanceof PollTimeoutError) throw new FaultRunnerError(opts.code ?? 'inject_failed', error.message, { cause: error });
    throw error;
  }
}
