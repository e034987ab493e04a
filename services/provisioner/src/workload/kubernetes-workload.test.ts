import type { KubeClient } from '@mirrorlab/kube';
import { silentLogger } from '../testing/world';
import { KubernetesWorkload } from './kubernetes-workload';

describe('KubernetesWorkload (unit)', () => {
  it('refuses the source audit consumer, naming audit.sourceConsumer, before touching any Deployment', async () => {
    const calls: string[] = [];
    // Any call on the client is recorded: the refusal must come first.
    const client = new Proxy({} as KubeClient, {
      get: (_t, name) => () => {
        calls.push(String(name));
        return Promise.reject(new Error('unexpected call'));
      },
    });
    const w = new KubernetesWorkload({
      client,
      namespace: 'ml',
      deployments: { producer: 'producer', validator: 'consumer-validator', consumer: null },
      startTimeoutMs: 1000,
      stopTimeoutMs: 1000,
      logger: silentLogger(),
    });
    const refused = w.ensure({ scenarioId: 's', producers: 1, validators: 1, sourceAudit: true }, new AbortController().signal);
    await expect(refused).rejects.toMatchObject({ code: 'scenario_invalid', message: expect.stringMatching(/^audit\.sourceConsumer: /) });
    expect(calls).toEqual([]);
  });
});
