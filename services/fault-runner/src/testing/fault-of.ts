import { planFault, type FaultRequest } from '../fault-request';

/** A fault as the runner plans it (3 brokers per cluster). */
export function faultOf(
  kind: string,
  options: { target?: string; params?: Record<string, string | number>; faultId?: string } = {},
): FaultRequest {
  return planFault(
    {
      scenarioId: 'sc-1',
      faultId: options.faultId ?? `sc-1/${kind}`,
      kind: kind as never,
      params: options.params ?? {},
      ...(options.target ? { target: options.target } : {}),
    },
    { source: 3, target: 3 },
  );
}
