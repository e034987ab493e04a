import { checkFaultParams, type FaultKind, type FaultParams } from '@mirrorlab/protocol';
import { FaultRunnerError } from './errors';

// The rules live in the fault catalog (libs/protocol): one copy for `mirrorlab validate`, the API and the runner.
export type { FaultParams, FaultParamsByKind, LinkDirection, RawParams } from '@mirrorlab/protocol';

/**
 * Validates a job's `params` for its kind against the fault catalog; throws `params_invalid`
 * naming the first bad field (`params.probability`) and the form it expects. Unknown params
 * are refused too: a typo must not silently become a default.
 */
export function parseParams<K extends FaultKind>(kind: K, raw: Parameters<typeof checkFaultParams>[1]): FaultParams<K> {
  const r = checkFaultParams(kind, raw);
  if (r.ok) return r.params;
  const first = r.issues[0];
  const field = `params.${first.path.map(String).join('.')}`;
  throw new FaultRunnerError('params_invalid', `${field}: ${first.message}`, { field });
}
