import { isOneShotKind, faultFamily } from '@mirrorlab/protocol';
import { planFault } from './fault-request';
import { workloadFaults } from './workload-faults';

test('consumer-failover is announced at once, one-shot, and left to the consumer-groups service', async () => {
  const req = planFault(
    { scenarioId: 's', faultId: 's/f1', kind: 'consumer-failover', target: 'keeps-up', params: {} },
    { source: 3, target: 3 },
  );
  expect([faultFamily('consumer-failover'), isOneShotKind('consumer-failover')]).toEqual(['workload', true]);
  if (req.kind !== 'consumer-failover') throw new Error('planned another kind');
  const handler = workloadFaults(() => 1_234);
  expect(await handler.inject(req)).toEqual({
    atMs: 1_234,
    detail: 'announced: the consumer-groups service fails group keeps-up over to the target',
    effect: {},
  });
  expect((await handler.verifyInjected(req, undefined)).ok).toBe(true);
  expect(() =>
    planFault({ scenarioId: 's', faultId: 's/f2', kind: 'consumer-failover', target: 'g', params: { extra: 1 } }, { source: 3, target: 3 }),
  ).toThrow(expect.objectContaining({ code: 'params_invalid' }));
  expect(() => planFault({ scenarioId: 's', faultId: 's/f3', kind: 'consumer-failover', params: {} }, { source: 3, target: 3 })).toThrow(
    expect.objectContaining({ code: 'target_invalid' }),
  );
});
