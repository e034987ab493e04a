import { checkFaultParams, type RawParams } from '@mirrorlab/protocol';

/**
 * How long a consumer-failover drill waits for MirrorMaker 2 to translate the group's final
 * commit: the fault's `wait` param when the scenario states one, else the service's
 * FAILOVER_WAIT. Params the catalog refuses (the scenario was validated, so only a foreign or
 * corrupt event) fall back too, with the problems to log.
 */
export function failoverWaitMs(params: Record<string, unknown>, fallbackMs: number): { waitMs: number; problems: string[] } {
  const r = checkFaultParams('consumer-failover', params as RawParams);
  if (!r.ok) return { waitMs: fallbackMs, problems: r.issues.map((i) => `params.${i.path.join('.')}: ${i.message}`) };
  return { waitMs: r.params.wait ?? fallbackMs, problems: [] };
}
