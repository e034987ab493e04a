import { isLabError } from '@mirrorlab/lab';
import { FaultRunnerError, errorMessage, isFaultRunnerError, type FaultRunnerErrorCode } from '../errors';

/**
 * A lab failure as the runner's error: `faults_unavailable` stays itself (a loopback lab
 * cannot take network faults), anything else becomes `fallback` with the lab's message.
 */
export function fromLabError(error: unknown, fallback: FaultRunnerErrorCode, what: string): FaultRunnerError {
  if (isFaultRunnerError(error)) return error;
  if (isLabError(error) && error.code === 'faults_unavailable')
    return new FaultRunnerError('faults_unavailable', error.message, { cause: error });
  const code = isLabError(error) ? ` [lab: ${error.code}]` : '';
  return new FaultRunnerError(fallback, `${what}: ${errorMessage(error)}${code}`, { cause: error });
}
