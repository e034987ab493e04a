import { DEPLOYMENTS, type ReplicatedObject } from '@mirrorlab/kube';
import { FakeApiServer, simulateWorkload } from '@mirrorlab/kube/testing';
import { ConfigError, loadConfig } from '@mirrorlab/service-kit';
import { provisionerEnv } from '../config';
import { ScenarioRunError } from '../errors';
import { silentLogger } from '../testing/world';
import { KubernetesWorkload, REPLICAS_BEFORE_ANNOTATION, SCENARIO_ANNOTATION } from './kubernetes-workload';
import { workloadFor } from './workload-for';

let fake: FakeApiServer;
const stops: Array<() => void> = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) stop();
  await fake.close();
});

const NS = 'mirrorlab';
const PATH = `/apis/apps/v1/namespaces/${NS}/deployments`;
const never = new AbortController().signal;

async function setup(
  options: {
    replicas?: number;
    ready?: (pod: string) => boolean;
    producer?: string | null;
    consumer?: string | null;
    startTimeoutMs?: number;
  } = {},
) {
  fake = await FakeApiServer.start();
  for (const name of ['producer', 'consumer-validator', 'consumer-groups']) {
    const labels = { 'app.kubernetes.io/name': name };
    fake.put(DEPLOYMENTS, {
      metadata: { name, namespace: NS },
      spec: { replicas: options.replicas ?? 1, selector: { matchLabels: labels } },
    });
    stops.push(
      simulateWorkload(fake, {
        owner: DEPLOYMENTS,
        namespace: NS,
        name,
        podLabels: labels,
        podName: (i) => `${name}-6f7d9c-${i}`,
        ready: options.ready,
      }).stop,
    );
  }
  const workload = new KubernetesWorkload({
    client: fake.client(),
    namespace: NS,
    deployments: {
      producer: options.producer === undefined ? 'producer' : options.producer,
      validator: 'consumer-validator',
      consumer: options.consumer ?? null,
    },
    startTimeoutMs: options.startTimeoutMs ?? 10_000,
    stopTimeoutMs: 10_000,
    logger: silentLogger(),
  });
  return workload;
}

const deployment = (name: string) => fake.read<ReplicatedObject>(DEPLOYMENTS, NS, name)!;
const writes = () =>
  fake.requests
    .filter((r) => r.method !== 'GET')
    .map((r) => ({ method: r.method, path: r.path, contentType: r.contentType, body: r.body }));

test("ensure records each Deployment's replicas, scales it through /scale and waits until it reports them ready", async () => {
  const workload = await setup();
  const status = await workload.ensure({ scenarioId: 'sc-1', producers: 2, validators: 3 }, never);
  expect(status).toEqual({
    kind: 'kubernetes',
    processes: [
      { role: 'validator', id: 'deployment/consumer-validator' },
      { role: 'producer', id: 'deployment/producer' },
    ],
  });
  const claim = (name: string) => ({
    method: 'PATCH',
    path: `${PATH}/${name}`,
    contentType: 'application/merge-patch+json',
    body: {
      metadata: {
        resourceVersion: expect.stringMatching(/^\d+$/),
        annotations: { [SCENARIO_ANNOTATION]: 'sc-1', [REPLICAS_BEFORE_ANNOTATION]: '1' },
      },
    },
  });
  const scale = (name: string, replicas: number) => ({
    method: 'PATCH',
    path: `${PATH}/${name}/scale`,
    contentType: 'application/merge-patch+json',
    body: { spec: { replicas } },
  });
  expect(writes()).toEqual([claim('consumer-validator'), scale('consumer-validator', 3), claim('producer'), scale('producer', 2)]);
  expect(deployment('producer').status).toMatchObject({ replicas: 2, readyReplicas: 2 });
  expect(deployment('consumer-validator').status).toMatchObject({ replicas: 3, readyReplicas: 3 });
  // The waits follow the Deployments with watches from the version their list saw, never by polling.
  const lists = fake.requests.filter((r) => r.method === 'GET' && r.path === PATH && r.query.watch === undefined);
  expect(lists.map((r) => r.query.fieldSelector).sort()).toEqual(['metadata.name=consumer-validator', 'metadata.name=producer']);
  for (const w of fake.requests.filter((r) => r.query.watch === '1'))
    expect(w.query).toMatchObject({
      resourceVersion: expect.stringMatching(/^\d+$/),
      fieldSelector: expect.stringMatching(/^metadata\.name=/),
    });
});

test('a resumed run ensures again without recording again; release gives back the recorded replicas and removes the record', async () => {
  const workload = await setup();
  await workload.ensure({ scenarioId: 'sc-1', producers: 2, validators: 2 }, never);
  fake.requests.length = 0;
  await workload.ensure({ scenarioId: 'sc-1', producers: 2, validators: 2 }, never);
  expect(writes().map((w) => w.path)).toEqual([`${PATH}/consumer-validator/scale`, `${PATH}/producer/scale`]);
  fake.requests.length = 0;
  await workload.release('sc-1');
  expect(writes()).toEqual([
    {
      method: 'PATCH',
      path: `${PATH}/consumer-validator/scale`,
      contentType: 'application/merge-patch+json',
      body: { spec: { replicas: 1 } },
    },
    {
      method: 'PATCH',
      path: `${PATH}/consumer-validator`,
      contentType: 'application/merge-patch+json',
      body: { metadata: { annotations: { [SCENARIO_ANNOTATION]: null, [REPLICAS_BEFORE_ANNOTATION]: null } } },
    },
    { method: 'PATCH', path: `${PATH}/producer/scale`, contentType: 'application/merge-patch+json', body: { spec: { replicas: 1 } } },
    {
      method: 'PATCH',
      path: `${PATH}/producer`,
      contentType: 'application/merge-patch+json',
      body: { metadata: { annotations: { [SCENARIO_ANNOTATION]: null, [REPLICAS_BEFORE_ANNOTATION]: null } } },
    },
  ]);
  expect(deployment('producer')).toMatchObject({
    spec: { replicas: 1 },
    status: { replicas: 1, readyReplicas: 1 },
    metadata: { annotations: {} },
  });
  // A release of a scenario that holds nothing changes nothing.
  fake.requests.length = 0;
  await workload.release('sc-1');
  await workload.release('sc-other');
  expect(writes()).toEqual([]);
});

test("a scenario that finds another one's record takes over and keeps the replicas to give back", async () => {
  const workload = await setup();
  await workload.ensure({ scenarioId: 'sc-1', producers: 4, validators: 1 }, never);
  await workload.ensure({ scenarioId: 'sc-2', producers: 2, validators: 1 }, never);
  expect(deployment('producer').metadata.annotations).toEqual({ [SCENARIO_ANNOTATION]: 'sc-2', [REPLICAS_BEFORE_ANNOTATION]: '1' });
  await workload.release('sc-1');
  expect(deployment('producer').spec?.replicas).toBe(2);
  await workload.release('sc-2');
  expect(deployment('producer').spec?.replicas).toBe(1);
});

test('replicas that never get ready are a workload_start_timeout naming the Deployment and what it last reported', async () => {
  const workload = await setup({ ready: (pod) => !pod.startsWith('producer') || pod.endsWith('-0'), startTimeoutMs: 1000 });
  const error = await workload.ensure({ scenarioId: 'sc-1', producers: 2, validators: 1 }, never).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ScenarioRunError);
  expect(error).toMatchObject({
    code: 'workload_start_timeout',
    message:
      'the producer Deployment mirrorlab/producer: deployments.apps mirrorlab/producer with 2 ready replicas: not seen within 1 s (last seen: 1/2 ready, 2 pods)',
  });
});

test('an aborted ensure throws the abort reason', async () => {
  const workload = await setup({ ready: () => false });
  const stop = new AbortController();
  const ensuring = workload.ensure({ scenarioId: 'sc-1', producers: 1, validators: 1 }, stop.signal);
  await fake.nextRequest((r) => r.query.watch === '1');
  const reason = new Error('the scenario was aborted');
  stop.abort(reason);
  await expect(ensuring).rejects.toBe(reason);
});

test('a missing Deployment names the variable; K8S_PRODUCER_DEPLOYMENT=none leaves the producers to someone else', async () => {
  let workload = await setup();
  fake.remove(DEPLOYMENTS, NS, 'producer');
  await expect(workload.ensure({ scenarioId: 'sc-1', producers: 1, validators: 1 }, never)).rejects.toMatchObject({
    code: 'workload_start_failed',
    message: expect.stringContaining(
      'the producer Deployment mirrorlab/producer: get deployments.apps mirrorlab/producer: deployments.apps "producer" not found: deploy it (deploy/base) or set K8S_PRODUCER_DEPLOYMENT and K8S_NAMESPACE',
    ),
  });
  await fake.close();
  stops.splice(0).forEach((s) => s());
  workload = await setup({ producer: null });
  await expect(workload.ensure({ scenarioId: 'sc-1', producers: 5, validators: 2 }, never)).resolves.toEqual({
    kind: 'kubernetes',
    processes: [{ role: 'validator', id: 'deployment/consumer-validator' }],
  });
  expect(writes().some((w) => w.path.includes('/producer'))).toBe(false);
});

test('the consumer-groups Deployment is scaled only for a scenario with consumer groups, and given back', async () => {
  const workload = await setup({ consumer: 'consumer-groups' });
  await workload.ensure({ scenarioId: 'sc-0', producers: 1, validators: 1, consumers: 0 }, never);
  expect(writes().some((w) => w.path.includes('/consumer-groups'))).toBe(false);
  await workload.release('sc-0');
  const status = await workload.ensure({ scenarioId: 'sc-1', producers: 1, validators: 1, consumers: 1 }, never);
  expect(status.processes).toContainEqual({ role: 'consumer', id: 'deployment/consumer-groups' });
  expect(deployment('consumer-groups').metadata.annotations).toEqual({ [SCENARIO_ANNOTATION]: 'sc-1', [REPLICAS_BEFORE_ANNOTATION]: '1' });
  await workload.release('sc-1');
  expect(deployment('consumer-groups')).toMatchObject({ spec: { replicas: 1 }, metadata: { annotations: {} } });
});

describe('workloadFor', () => {
  const base = {
    REDIS_URL: 'redis://127.0.0.1:6379',
    SOURCE_KAFKA_BROKERS: 's:9092',
    TARGET_KAFKA_BROKERS: 't:9092',
    CONTROL_KAFKA_BROKERS: 't:9092',
    ORCHESTRATOR: 'kubernetes',
  };
  const redis = {} as never;

  test('ORCHESTRATOR=kubernetes with no way to reach the API is a ConfigError naming KUBECONFIG', async () => {
    fake = await FakeApiServer.start();
    const config = loadConfig(provisionerEnv, base);
    const error = await workloadFor(config, redis, silentLogger(), { env: { KUBECONFIG: '/nowhere/config' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain('KUBECONFIG: expected a kubeconfig file that exists');
  });

  test('ORCHESTRATOR=kubernetes scales the Deployments K8S_* names', async () => {
    await setup();
    const config = loadConfig(provisionerEnv, { ...base, K8S_VALIDATOR_DEPLOYMENT: 'consumer-validator', K8S_PRODUCER_DEPLOYMENT: 'none' });
    expect(config).toMatchObject({ K8S_NAMESPACE: 'mirrorlab', K8S_PRODUCER_DEPLOYMENT: null });
    const made = await workloadFor(config, redis, silentLogger(), { connect: async () => fake.connection() });
    expect(made.kind).toBe('kubernetes');
    await made.ensure({ scenarioId: 'sc-1', producers: 1, validators: 2 }, never);
    expect(deployment('consumer-validator').spec?.replicas).toBe(2);
    expect(deployment('producer').spec?.replicas).toBe(1);
  });
});
