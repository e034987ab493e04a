import { MirrorlabError } from '@mirrorlab/service-kit';

export type ScenarioRunErrorCode =
  | 'job_invalid'
  | 'scenario_invalid'
  | 'topic_conflict'
  | 'topic_create_failed'
  | 'replicator_timeout'
  | 'workload_start_failed'
  | 'workload_start_timeout'
  | 'report_timeout'
  | 'resume_limit'
  | 'aborted'
  | 'internal';

/**
 * Why a scenario run ended without a report. The job fails with this code (also
 * stored in the job's run record, where `GET /scenarios/:id` shows it), after the
 * provisioner has stopped the run, healed every fault and released the workload.
 */
export class ScenarioRunError extends MirrorlabError<ScenarioRunErrorCode> {
  constructor(code: ScenarioRunErrorCode, message: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(code, message, options);
  }
}

/**
 * Thrown out of a wait when the run must stop: `abort` (DELETE /scenarios/:id) ends
 * the run cleanly; `shutdown` (this provisioner is stopping) leaves it, resumable,
 * for the next provisioner.
 */
export class RunInterrupted extends Error {
  constructor(readonly kind: 'abort' | 'shutdown') {
    super(kind === 'abort' ? 'the scenario was aborted' : 'the provisioner is shutting down');
    this.name = 'RunInterrupted';
  }
}

export const isInterrupt = (err: unknown, kind?: RunInterrupted['kind']): err is RunInterrupted =>
  err instanceof RunInterrupted && (kind === undefined || err.kind === kind);

/** Every error that ends a run, as a ScenarioRunError with a code. */
export function toRunError(err: unknown): ScenarioRunError {
  if (err instanceof ScenarioRunError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ScenarioRunError('internal', `unexpected error: ${message}; see the provisioner log`, { cause: err });
}
