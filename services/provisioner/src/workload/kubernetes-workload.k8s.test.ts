/**
 * ORCHESTRATOR=kubernetes against a real kube-apiserver (tools/kube-lab): deploy/'s
 * single-cluster-plain overlay applied as a user applies it, the orchestrator holding the
 * `provisioner` service account's own token, bound by deploy/'s Role (which names the
 * Deployments it may scale). Replicas go through `/scale`; the real Deployment and ReplicaSet
 * controllers, scheduler and kwok make the pods Ready, and restricted Pod Security admission
 * lets them in. The orchestrator's requests are logged, so the tests also say how it got there
 * (the record on the Deployment, the scale subresource, watches rather than polling).
 */
import { resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { DEPLOYMENTS, KubeClient, httpTransport, type KubeObject, type ReplicatedObject, type ResourceType } from '@mirrorlab/kube';
import { RequestLog, capPods, connectKubeLab, type KubeLab } from '@mirrorlab/kube/testing';
import { loadConfig } from '@mirrorlab/service-kit';
import { provisionerEnv } from '../config';
import { ScenarioRunError } from '../errors';
import { silentLogger } from '../testing/world';
import { KubernetesWorkload, REPLICAS_BEFORE_ANNOTATION, SCENARIO_ANNOTATION } from './kubernetes-workload';
import { workloadFor } from './workload-for';

const NS = 'mirrorlab';
const PATH = `/apis/apps/v1/namespaces/${NS}/deployments`;
const REPO = resolve(__dirname, '../../../..');
const ROLES: ResourceType = { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'roles', kind: 'Role', namespaced: true };
const never = new AbortController().signal;

let lab: KubeLab;
const log = new RequestLog();

async function applyOverlay(): Promise<void> {
  const res = await lab.kubectl([
    'apply',
    '-k',
    resolve(REPO, 'deploy/overlays/single-cluster-plain'),
    '--server-side',
    '--force-conflicts',
    '--field-manager=mirrorlab-tests',
  ]);
  if (res.code !== 0) throw new Error(res.stderr);
}

const workload = (client: KubeClient, options: { producer?: string | null; consumer?: string | null; startTimeoutMs?: number } = {}) =>
  new KubernetesWorkload({
    client,
    namespace: NS,
    deployments: {
      producer: options.producer === undefined ? 'producer' : options.producer,
      validator: 'consumer-validator',
      consumer: options.consumer ?? null,
    },
    startTimeoutMs: options.startTimeoutMs ?? 60_000,
    stopTimeoutMs: 60_000,
    logger: silentLogger(),
  });
/** The orchestrator as deployed: the provisioner's own token, its requests logged. */
const provisioner = async () => lab.serviceAccount(NS, 'provisioner', log);

const deployment = (name: string) => lab.admin.get<ReplicatedObject>(DEPLOYMENTS, NS, name);
/**
 * The writes the server accepted. A claim is a compare-and-set on the Deployment's resourceVersion;
 * when the Deployment controller updates the object between the read and the claim (as it does
 * right after an apply), the server answers 409 and the claim is read and sent again. Those lost
 * races are timing, so they are left out here, and `expectOnlyClaimsConflicted` checks they were claims.
 */
const writes = () =>
  log.requests
    .filter((r) => r.method !== 'GET' && r.status !== 409)
    .map((r) => ({ method: r.method, path: r.path, contentType: r.contentType, body: r.body }));
const expectOnlyClaimsConflicted = () => {
  for (const r of log.conflicts())
    expect(r).toMatchObject({ method: 'PATCH', body: { metadata: { resourceVersion: expect.stringMatching(/^\d+$/) } } });
};

beforeAll(async () => {
  lab = connectKubeLab();
  await applyOverlay();
}, 60_000);

beforeEach(() => log.clear());

// Each test gives back what it took (deploy/'s replicas, no record left); what one leaves fails it and is given back here.
const AT_REST: Record<string, number> = { producer: 1, 'consumer-validator': 1, 'consumer-groups': 0 };
afterEach(async () => {
  const left: string[] = [];
  for (const [name, replicas] of Object.entries(AT_REST)) {
    const d = await deployment(name);
    const scenario = d.metadata.annotations?.[SCENARIO_ANNOTATION];
    if (d.spec?.replicas !== replicas || scenario !== undefined) left.push(`${name}: ${d.spec?.replicas} replicas, scenario ${scenario}`);
    if (scenario !== undefined) await workload(lab.admin, { consumer: 'consumer-groups' }).release(scenario);
  }
  expect(left).toEqual([]);
}, 60_000);

test("ensure records each Deployment's replicas, scales it through /scale and waits until it reports them ready; release gives them back", async () => {
  const w = workload(await provisioner());
  const status = await w.ensure({ scenarioId: 'sc-k8s', producers: 3, validators: 2 }, never);
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
        annotations: { [SCENARIO_ANNOTATION]: 'sc-k8s', [REPLICAS_BEFORE_ANNOTATION]: '1' },
      },
    },
  });
  const scale = (name: string, replicas: number) => ({
    method: 'PATCH',
    path: `${PATH}/${name}/scale`,
    contentType: 'application/merge-patch+json',
    body: { spec: { replicas } },
  });
  expect(writes()).toEqual([claim('consumer-validator'), scale('consumer-validator', 2), claim('producer'), scale('producer', 3)]);
  expectOnlyClaimsConflicted();
  expect(await deployment('producer')).toMatchObject({
    spec: { replicas: 3 },
    status: { readyReplicas: 3 },
    metadata: { annotations: { [SCENARIO_ANNOTATION]: 'sc-k8s', [REPLICAS_BEFORE_ANNOTATION]: '1' } },
  });
  expect((await deployment('consumer-validator')).status).toMatchObject({ readyReplicas: 2 });
  // The waits follow the Deployments with watches from the version their list saw, never by polling.
  const lists = log.requests.filter((r) => r.method === 'GET' && r.path === PATH && r.query.watch === undefined);
  expect(lists.map((r) => r.query.fieldSelector).sort()).toEqual(['metadata.name=consumer-validator', 'metadata.name=producer']);
  for (const watch of log.requests.filter((r) => r.query.watch === '1'))
    expect(watch.query).toMatchObject({
      resourceVersion: expect.stringMatching(/^\d+$/),
      fieldSelector: expect.stringMatching(/^metadata\.name=/),
    });

  await w.release('sc-k8s');
  for (const name of ['producer', 'consumer-validator']) {
    const d = await deployment(name);
    expect(d.spec?.replicas).toBe(1);
    expect(d.status).toMatchObject({ readyReplicas: 1 });
  }
}, 120_000);

test('a claim that loses its compare-and-set to another writer reads the Deployment again and claims the newer version', async () => {
  // Another writer (here the admin, as a controller would) changes the Deployment between the claim's read and its PATCH.
  const inner = log.wrap(httpTransport(await lab.serviceAccountConnection(NS, 'provisioner')));
  let raced = false;
  const client = new KubeClient({
    send: async (request) => {
      if (!raced && request.method === 'PATCH' && request.path === `${PATH}/producer`) {
        raced = true;
        await lab.admin.patch(DEPLOYMENTS, NS, 'producer', {
          type: 'merge',
          body: { metadata: { labels: { 'mirrorlab.io/raced': 'yes' } } },
        });
      }
      return inner.send(request);
    },
  });
  try {
    await workload(client, { producer: 'producer' }).ensure({ scenarioId: 'sc-raced', producers: 2, validators: 1 }, never);
    const claims = log.requests.filter((r) => r.method === 'PATCH' && r.path === `${PATH}/producer`);
    expect(claims.map((r) => r.status)).toEqual([409, 200]);
    const versions = claims.map((r) => Number((r.body as { metadata: { resourceVersion: string } }).metadata.resourceVersion));
    expect(versions[1]).toBeGreaterThan(versions[0]);
    expect(await deployment('producer')).toMatchObject({
      spec: { replicas: 2 },
      metadata: {
        labels: { 'mirrorlab.io/raced': 'yes' },
        annotations: { [SCENARIO_ANNOTATION]: 'sc-raced', [REPLICAS_BEFORE_ANNOTATION]: '1' },
      },
    });
  } finally {
    await workload(lab.admin).release('sc-raced');
    await lab.admin.patch(DEPLOYMENTS, NS, 'producer', { type: 'merge', body: { metadata: { labels: { 'mirrorlab.io/raced': null } } } });
  }
}, 120_000);

test('a resumed run ensures again without recording again; release gives back the recorded replicas and removes the record, once', async () => {
  const w = workload(await provisioner());
  await w.ensure({ scenarioId: 'sc-resumed', producers: 2, validators: 2 }, never);
  log.clear();
  await w.ensure({ scenarioId: 'sc-resumed', producers: 2, validators: 2 }, never);
  expect(writes().map((x) => x.path)).toEqual([`${PATH}/consumer-validator/scale`, `${PATH}/producer/scale`]);
  log.clear();
  await w.release('sc-resumed');
  const unrecord = (name: string) => ({
    method: 'PATCH',
    path: `${PATH}/${name}`,
    contentType: 'application/merge-patch+json',
    body: { metadata: { annotations: { [SCENARIO_ANNOTATION]: null, [REPLICAS_BEFORE_ANNOTATION]: null } } },
  });
  const scaleBack = (name: string) => ({
    method: 'PATCH',
    path: `${PATH}/${name}/scale`,
    contentType: 'application/merge-patch+json',
    body: { spec: { replicas: 1 } },
  });
  expect(writes()).toEqual([scaleBack('consumer-validator'), unrecord('consumer-validator'), scaleBack('producer'), unrecord('producer')]);
  expect((await deployment('producer')).status).toMatchObject({ replicas: 1, readyReplicas: 1 });
  // A release of a scenario that holds nothing changes nothing.
  log.clear();
  await w.release('sc-resumed');
  await w.release('sc-other');
  expect(writes()).toEqual([]);
}, 120_000);

test("a scenario that finds another one's record takes over and keeps the replicas to give back", async () => {
  const w = workload(await provisioner());
  await w.ensure({ scenarioId: 'sc-first', producers: 3, validators: 1 }, never);
  await w.ensure({ scenarioId: 'sc-second', producers: 2, validators: 1 }, never);
  expect((await deployment('producer')).metadata.annotations).toMatchObject({
    [SCENARIO_ANNOTATION]: 'sc-second',
    [REPLICAS_BEFORE_ANNOTATION]: '1',
  });
  await w.release('sc-first');
  expect((await deployment('producer')).spec?.replicas).toBe(2);
  await w.release('sc-second');
  expect((await deployment('producer')).spec?.replicas).toBe(1);
}, 120_000);

test("replicas that never get ready (the namespace's pod quota is full) are a workload_start_timeout naming the Deployment and what it last reported", async () => {
  const w = workload(await provisioner(), { startTimeoutMs: 1000 });
  const lift = await capPods(lab.admin, NS);
  try {
    const error = await w.ensure({ scenarioId: 'sc-never-ready', producers: 2, validators: 1 }, never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScenarioRunError);
    expect(error).toMatchObject({
      code: 'workload_start_timeout',
      message:
        'the producer Deployment mirrorlab/producer: deployments.apps mirrorlab/producer with 2 ready replicas: not seen within 1 s (last seen: 1/2 ready, 1 pods)',
    });
  } finally {
    await lift();
    await workload(await provisioner()).release('sc-never-ready');
  }
}, 120_000);

test('an aborted ensure throws the abort reason', async () => {
  const w = workload(await provisioner());
  const lift = await capPods(lab.admin, NS);
  try {
    const stop = new AbortController();
    const ensuring = w.ensure({ scenarioId: 'sc-aborted', producers: 2, validators: 1 }, stop.signal);
    // Aborted while it waits on its watch for a replica that cannot come.
    while (!log.requests.some((r) => r.query.watch === '1')) await delay(20);
    const reason = new Error('the scenario was aborted');
    stop.abort(reason);
    await expect(ensuring).rejects.toBe(reason);
  } finally {
    await lift();
    await workload(await provisioner()).release('sc-aborted');
  }
}, 120_000);

test('a missing Deployment names the variable; K8S_PRODUCER_DEPLOYMENT=none leaves the producers to someone else', async () => {
  await expect(
    workload(await provisioner(), { producer: 'absent' }).ensure({ scenarioId: 'sc-missing', producers: 1, validators: 1 }, never),
  ).rejects.toMatchObject({
    code: 'workload_start_failed',
    message: expect.stringContaining(
      'the producer Deployment mirrorlab/absent: get deployments.apps mirrorlab/absent: deployments.apps "absent" not found: deploy it (deploy/base) or set K8S_PRODUCER_DEPLOYMENT and K8S_NAMESPACE',
    ),
  });
  await workload(await provisioner()).release('sc-missing');
  log.clear();
  const w = workload(await provisioner(), { producer: null });
  await expect(w.ensure({ scenarioId: 'sc-no-producer', producers: 5, validators: 2 }, never)).resolves.toEqual({
    kind: 'kubernetes',
    processes: [{ role: 'validator', id: 'deployment/consumer-validator' }],
  });
  expect(writes().some((x) => x.path.includes('/producer'))).toBe(false);
  expect((await deployment('producer')).spec?.replicas).toBe(1);
  await w.release('sc-no-producer');
}, 120_000);

test('the consumer-groups Deployment is scaled only for a scenario with consumer groups, and given back', async () => {
  const w = workload(await provisioner(), { consumer: 'consumer-groups' });
  await w.ensure({ scenarioId: 'sc-no-groups', producers: 1, validators: 1, consumers: 0 }, never);
  expect(writes().some((x) => x.path.includes('/consumer-groups'))).toBe(false);
  await w.release('sc-no-groups');
  const status = await w.ensure({ scenarioId: 'sc-groups', producers: 1, validators: 1, consumers: 2 }, never);
  expect(status.processes).toContainEqual({ role: 'consumer', id: 'deployment/consumer-groups' });
  expect(await deployment('consumer-groups')).toMatchObject({
    spec: { replicas: 2 },
    status: { readyReplicas: 2 },
    metadata: { annotations: { [SCENARIO_ANNOTATION]: 'sc-groups', [REPLICAS_BEFORE_ANNOTATION]: '0' } },
  });
  await w.release('sc-groups');
}, 120_000);

test('ORCHESTRATOR=kubernetes (workloadFor) scales the Deployments K8S_* names, over the connection it is given', async () => {
  const config = loadConfig(provisionerEnv, {
    REDIS_URL: 'redis://127.0.0.1:6379',
    SOURCE_KAFKA_BROKERS: 's:9092',
    TARGET_KAFKA_BROKERS: 't:9092',
    CONTROL_KAFKA_BROKERS: 't:9092',
    ORCHESTRATOR: 'kubernetes',
    K8S_VALIDATOR_DEPLOYMENT: 'consumer-validator',
    K8S_PRODUCER_DEPLOYMENT: 'none',
  });
  expect(config).toMatchObject({ K8S_NAMESPACE: 'mirrorlab', K8S_PRODUCER_DEPLOYMENT: null });
  const made = await workloadFor(config, {} as never, silentLogger(), { connect: () => lab.serviceAccountConnection(NS, 'provisioner') });
  expect(made.kind).toBe('kubernetes');
  await made.ensure({ scenarioId: 'sc-workload-for', producers: 1, validators: 2 }, never);
  expect((await deployment('consumer-validator')).spec?.replicas).toBe(2);
  expect((await deployment('producer')).spec?.replicas).toBe(1);
  await made.release('sc-workload-for');
}, 120_000);

test("deploy/'s Role names the Deployments it may scale: another one is forbidden", async () => {
  const w = new KubernetesWorkload({
    client: await provisioner(),
    namespace: NS,
    deployments: { producer: 'redis', validator: 'consumer-validator', consumer: null },
    startTimeoutMs: 10_000,
    stopTimeoutMs: 10_000,
    logger: silentLogger(),
  });
  await expect(w.ensure({ scenarioId: 'sc-k8s-redis', producers: 2, validators: 1 }, never)).rejects.toMatchObject({
    code: 'workload_start_failed',
    message: expect.stringContaining('cannot patch resource "deployments" in API group "apps"'),
  });
  expect((await deployment('redis')).spec?.replicas).toBe(1);
  await w.release('sc-k8s-redis');
  await workload(await provisioner()).release('sc-k8s-redis');
});

test("a Role lacking patch on deployments/scale fails the ensure with the server's reason", async () => {
  type Rule = { apiGroups: string[]; resources: string[]; resourceNames?: string[]; verbs: string[] };
  const role = await lab.admin.get<KubeObject & { rules: Rule[] }>(ROLES, NS, 'provisioner');
  const narrowed = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'provisioner', namespace: NS },
    // The scale subresource gets its own rule without patch; the Deployments keep theirs.
    rules: [
      ...role.rules.map((r) => ({ ...r, resources: r.resources.filter((x) => x !== 'deployments/scale') })),
      { apiGroups: ['apps'], resources: ['deployments/scale'], resourceNames: ['producer', 'consumer-validator'], verbs: ['get'] },
    ],
  };
  const applied = await lab.kubectl(
    ['apply', '--server-side', '--force-conflicts', '--field-manager=mirrorlab-tests', '-f', '-'],
    JSON.stringify(narrowed),
  );
  expect(applied.code).toBe(0);
  try {
    for (let attempt = 1; ; attempt++) {
      const check = await lab.kubectl([
        'auth',
        'can-i',
        'patch',
        'deployments/producer',
        '--subresource=scale',
        '-n',
        NS,
        '--as',
        `system:serviceaccount:${NS}:provisioner`,
      ]);
      if (check.stdout.trim() === 'no') break;
      if (attempt === 50) throw new Error('the authorizer still allows patch deployments/scale');
    }
    const w = workload(await provisioner());
    await expect(w.ensure({ scenarioId: 'sc-k8s-narrow', producers: 2, validators: 2 }, never)).rejects.toMatchObject({
      code: 'workload_start_failed',
      message: expect.stringContaining('cannot patch resource "deployments/scale" in API group "apps"'),
    });
  } finally {
    // deploy/'s Role again, and nothing of this scenario left behind.
    await applyOverlay();
    await workload(await provisioner()).release('sc-k8s-narrow');
  }
  expect((await deployment('consumer-validator')).spec?.replicas).toBe(1);
}, 120_000);
