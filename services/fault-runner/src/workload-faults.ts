import type { FaultRequestOf } from './fault-request';
import type { Injection, Verification } from './fault-backend';

/**
 * Faults carried out by the scenario's own workload, not by this runner: `consumer-failover`
 * is done by the consumer-groups service when it reads this fault's `fault.injected` (it stops
 * the group, fails it over to the target and publishes `consumer.failover`). The runner only
 * announces it, so injecting is immediate and there is nothing to heal; whether the drill ran
 * is the report's business (a missing `consumer.failover`).
 */
export function injectWorkloadFault(req: FaultRequestOf<'consumer-failover'>, nowMs: number): Injection {
  return { atMs: nowMs, detail: `announced: the consumer-groups service fails group ${req.target.type === 'group' ? req.target.group : '?'} over to the target`, effect: {} };
}

export function verifyWorkloadFault(): Verification {
  return { ok: true, detail: 'carried out by the consumer-groups service (consumer.failover)' };
}
