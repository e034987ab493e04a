import type { FaultKind } from '../scenario/scenario-spec';
import { checkFaultParams, type FaultParamsIssue } from './fault-catalog';
import type { RawParams } from './fault-param-fields';
import { targetSyntaxProblem } from './fault-targets';

/** A scenario fault's problems against the catalog, with paths relative to the fault (`['params', 'probability']`). */
export function faultSpecIssues(fault: { kind: FaultKind; target?: string; params: RawParams }): FaultParamsIssue[] {
  const issues: FaultParamsIssue[] = [];
  const target = targetSyntaxProblem(fault.kind, fault.target);
  if (target !== null) issues.push({ path: ['target'], message: target });
  const params = checkFaultParams(fault.kind, fault.params);
  if (!params.ok) issues.push(...params.issues.map((i) => ({ path: ['params', ...i.path], message: i.message })));
  return issues;
}
