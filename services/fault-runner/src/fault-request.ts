import { FAULT_KINDS, type FaultKind } from '@mirrorlab/protocol';
import { FaultRunnerError } from './errors';
import { parseParams, type FaultParams, type RawParams } from './fault-params';
import { resolveTarget, targetText, type ClusterSizes, type FaultTarget } from './fault-target';

/** What an inject or heal job names: one fault of one scenario. */
export interface FaultRef {
  scenarioId: string;
  faultId: string;
  kind: FaultKind;
  target?: string;
  params: RawParams;
  durationMs?: number;
}

/** A fault ready for a backend: target resolved, params validated. */
export interface FaultRequestOf<K extends FaultKind> {
  scenarioId: string;
  faultId: string;
  kind: K;
  /** The target as the job gave it (`source:random`), for logs. */
  requestedTarget: string | undefined;
  target: FaultTarget;
  params: FaultParams<K>;
  /** The params as the job gave them: what `fault.injected` carries. */
  rawParams: RawParams;
  durationMs: number | undefined;
}
export type FaultRequest = { [K in FaultKind]: FaultRequestOf<K> }[FaultKind];

/**
 * Turns a job's fault into a request: resolves the target (a random broker from the
 * fault id, so the same fault always hits the same broker) and validates the params.
 * Pure; throws `target_invalid` / `params_invalid` naming the field.
 */
export function planFault(ref: FaultRef, sizes: ClusterSizes): FaultRequest {
  if (!(FAULT_KINDS as readonly string[]).includes(ref.kind)) {
    throw new FaultRunnerError('job_invalid', `kind: expected one of ${FAULT_KINDS.join(', ')}, got ${JSON.stringify(ref.kind)}`, {
      field: 'kind',
    });
  }
  const target = resolveTarget(ref.kind, ref.target, ref.faultId, sizes);
  return {
    scenarioId: ref.scenarioId,
    faultId: ref.faultId,
    kind: ref.kind,
    requestedTarget: ref.target,
    target,
    params: parseParams(ref.kind, ref.params),
    rawParams: ref.params,
    durationMs: ref.durationMs,
  } as FaultRequest;
}

/** The fault as a job would name it again, with the target as resolved (so re-planning never re-rolls a random broker). */
export function refOf(request: FaultRequest): FaultRef {
  return {
    scenarioId: request.scenarioId,
    faultId: request.faultId,
    kind: request.kind,
    target: targetText(request.target),
    params: request.rawParams,
    ...(request.durationMs !== undefined ? { durationMs: request.durationMs } : {}),
  };
}
