import type { FamilyHandler } from './fault-families';

/**
 * Faults carried out by the scenario's own workload, not by this runner (the catalog's
 * `workload` family): `consumer-failover` is done by the consumer-groups service when it reads
 * this fault's `fault.injected` (it stops the group, fails it over to the target and publishes
 * `consumer.failover`). The runner only announces it: injecting is immediate and there is
 * nothing to heal; whether the drill ran is the report's business (`missingDrills`). The same on
 * every backend.
 */
export function workloadFaults(nowMs: () => number = Date.now): FamilyHandler<'workload'> {
  return {
    inject: async (fault) => ({
      atMs: nowMs(),
      detail: `announced: the consumer-groups service fails group ${fault.target.type === 'group' ? fault.target.group : '?'} over to the target`,
      effect: {},
    }),
    verifyInjected: async () => ({ ok: true, detail: 'carried out by the consumer-groups service (consumer.failover)' }),
    undo: async () => ({ actions: ['one-shot fault'], verification: { ok: true, detail: 'nothing to undo' } }),
    verifyHealed: async () => ({ ok: true, detail: 'one-shot fault: nothing to undo' }),
  };
}
