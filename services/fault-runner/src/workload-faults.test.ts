import { planFault } from './fault-request';
import { isOneShotKind as isOneShot } from '@mirrorlab/protocol';
import { injectWorkloadFault, verifyWorkloadFault } from './workload-faults';

test('consumer-failover is announced at once, one-shot, and left to the consumer-groups service', () => {
  const req = planFault({ scenarioId: 's', faultId: 's/f1', kind: 'consumer-failover', target: 'keeps-up', params: {} }, { source: 3, target: 3 });
  expect(isOneShot('consumer-failover')).toBe(true);
  if (req.kind !== 'consumer-failover') throw new Error('planned another kind');
  expect(injectWorkloadFault(req, 1_234)).toEqual({ atMs: 1_234, detail: 'announced: the consumer-groups service fails group keeps-up over to the target', effect: {} });
  expect(verifyWorkloadFault().ok).toBe(true);
  expect(() => planFault({ scenarioId: 's', faultId: 's/f2', kind: 'consumer-failover', target: 'g', params: { extra: 1 } }, { source: 3, target: 3 })).toThrow(expect.objectContaining({ code: 'params_invalid' }));
});
