import { z } from 'zod';

/**
 * Why a queue job failed, as data. BullMQ keeps only a failed job's message
 * (`failedReason`), so a worker throws an error whose message is this object as JSON
 * (`jobFailureError`) and a reader parses it back (`parseJobFailure`): code and fields
 * cross the queue typed, never as text to be matched with a regex.
 */
export const jobFailureSchema = z.object({
  /** Stable, snake_case: what callers switch on (`params_invalid`, `report_timeout`). */
  code: z.string().regex(/^[a-z][a-z0-9_]*$/),
  /** What happened and what to do, for people. */
  message: z.string(),
  /** Whether the same job may succeed when tried again. */
  retriable: z.boolean(),
  /** The job field at fault (`params.probability`), when there is one. */
  field: z.string().optional(),
});
export type JobFailure = z.output<typeof jobFailureSchema>;

/** The `failedReason` of a failed job: the failure as JSON. */
export function encodeJobFailure(failure: JobFailure): string {
  return JSON.stringify(jobFailureSchema.parse(failure));
}

/** An error for a worker to throw: BullMQ records its message, the encoded failure, as the job's failed reason. */
export function jobFailureError(failure: JobFailure): Error & { code: string } {
  return Object.assign(new Error(encodeJobFailure(failure)), { name: 'JobFailure', code: failure.code });
}

/**
 * A failed job's reason as a failure. A reason not written by a mirrorlab worker (BullMQ's
 * own `job stalled more than allowable limit`, a crash outside the processor) is `internal`,
 * with the reason as its message.
 */
export function parseJobFailure(failedReason: string): JobFailure {
  let parsed: unknown;
  try {
    parsed = JSON.parse(failedReason);
  } catch {
    parsed = undefined;
  }
  const r = jobFailureSchema.safeParse(parsed);
  return r.success ? r.data : { code: 'internal', message: failedReason, retriable: false };
}

/** One line for logs and reasons: `report_timeout: no report.ready for ...`. */
export function describeJobFailure(failure: JobFailure): string {
  return `${failure.code}: ${failure.message}`;
}
