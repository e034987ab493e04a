import { KubeClient, type KubeTransport } from '@mirrorlab/kube';
import { ScenarioRunError } from '../errors';
import { silentLogger } from '../testing/world';
import { KubernetesWorkload } from './kubernetes-workload';

describe('KubernetesWorkload: read_uncommitted validators', () => {
  it('refuses a scenario that adds read_uncommitted validators, naming the field, before touching any Deployment', async () => {
    const requests: unknown[] = [];
    const transport: KubeTransport = {
      send: async (request) => {
        requests.push(request);
        throw new Error('no API server in this test');
      },
    };
    const workload = new KubernetesWorkload({
      client: new KubeClient(transport),
      namespace: 'mirrorlab',
      deployments: { producer: 'producer', validator: 'consumer-validator', consumer: null },
      startTimeoutMs: 1000,
      stopTimeoutMs: 1000,
      logger: silentLogger(),
    });
    const refused = workload.ensure(
      { scenarioId: 'sc-1', producers: 1, validators: 2, readUncommittedValidators: 1 },
      new AbortController().signal,
    );
    await expect(refused).rejects.toThrow(ScenarioRunError);
    await expect(refused).rejects.toMatchObject({
      code: 'scenario_invalid',
      message: expect.stringMatching(/validators\.readUncommitted is 1.*ORCHESTRATOR=local/),
    });
    expect(requests).toEqual([]);
  });
});
