import { KubeClient, type KubeTransport } from '@mirrorlab/kube';
import { ScenarioRunError } from '../errors';
import { silentLogger } from '../testing/world';
import { KubernetesWorkload } from './kubernetes-workload';

describe('KubernetesWorkload: what it refuses', () => {
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
