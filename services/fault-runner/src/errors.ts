import { MirrorlabError } from '@mirrorlab/service-kit';

export type FaultRunnerErrorCode =
  /** The job does not match the fault job schema; `field` names the first bad field. */
  | 'job_invalid'
  /** The target is missing or not one the fault kind accepts. */
  | 'target_invalid'
  /** A parameter is missing or has the wrong form; `field` is `params.<name>`. */
  | 'params_invalid'
  /** The backend cannot inject this kind here (network faults on a loopback lab). */
  | 'faults_unavailable'
  /** Applying the fault failed, or its effect was not observed. */
  | 'inject_failed'
  /** The heal ran but the system is not back as it was; the fault stays recorded. */
  | 'heal_unverified'
  /** A Kafka admin call failed or gave no answer in time. */
  | 'kafka_failed'
  /** A fault.injected / fault.healed event could not be published. */
  | 'publish_failed';

/** Codes a retry of the same job cannot fix. */
const PERMANENT: ReadonlySet<FaultRunnerErrorCode> = new Set(['job_invalid', 'target_invalid', 'params_invalid', 'faults_unavailable']);

export class FaultRunnerError extends MirrorlabError<FaultRunnerErrorCode> {
  /** The job field at fault (`target`, `params.probability`), when there is one. */
  readonly field: string | undefined;

  constructor(code: FaultRunnerErrorCode, message: string, options: { field?: string; cause?: unknown; retriable?: boolean } = {}) {
    super(code, message, { cause: options.cause, retriable: options.retriable ?? !PERMANENT.has(code) });
    this.field = options.field;
  }
}

export function isFaultRunnerError(error: unknown): error is FaultRunnerError {
  return error instanceof FaultRunnerError;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
