/**
 * ORCHESTRATOR=kubernetes against a real kube-apiserver (tools/kube-lab): deploy/'s
 * single-cluster-plain overlay applied as a user applies it, the orchestrator holding the
 * `provisioner` service account's own token, bound by deploy/'s Role (which names the two
 * Deployments it may scale). Replicas go through `/scale`; the real Deployment and ReplicaSet
 * controllers, scheduler and kwok make the pods Ready, and restricted Pod Security admission
 * lets them in.
 */
import { resolve } from 'node:path';
import { DEPLOYMENTS, type KubeClient, type KubeObject, type ReplicatedObject, type ResourceType } from '@mirrorlab/kube';
import { connectKubeLab, type KubeLab } from '@mirrorlab/kube/testing';
import { silentLogger } from '../testing/world';
import { KubernetesWorkload, REPLICAS_BEFORE_ANNOTATION, SCENARIO_ANNOTATION } from './kubernetes-workload';

const NS = 'mirrorlab';
const REPO = resolve(__dirname, '../../../..');
const ROLES: ResourceType = { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'roles', kind: 'Role', namespaced: true };
const never = new AbortController().signal;

let lab: KubeLab;

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

const workload = (client: KubeClient) =>
  new KubernetesWorkload({
    client,
    namespace: NS,
    deployments: { producer: 'producer', validator: 'consumer-validator', consumer: null },
    startTimeoutMs: 60_000,
    stopTimeoutMs: 60_000,
    logger: silentLogger(),
  });

const deployment = (name: string) => lab.admin.get<ReplicatedObject>(DEPLOYMENTS, NS, name);

beforeAll(async () => {
  lab = connectKubeLab();
  await applyOverlay();
}, 60_000);

test('ensure scales the Deployments through /scale and waits for their Ready pods; release gives the replicas back', async () => {
  const w = workload(await lab.serviceAccount(NS, 'provisioner'));
  const status = await w.ensure({ scenarioId: 'sc-k8s', producers: 3, validators: 2 }, never);
  expect(status).toEqual({
    kind: 'kubernetes',
    processes: [
      { role: 'validator', id: 'deployment/consumer-validator' },
      { role: 'producer', id: 'deployment/producer' },
    ],
  });
  const producer = await deployment('producer');
  expect(producer).toMatchObject({
    spec: { replicas: 3 },
    status: { readyReplicas: 3 },
    metadata: { annotations: { [SCENARIO_ANNOTATION]: 'sc-k8s', [REPLICAS_BEFORE_ANNOTATION]: '1' } },
  });
  expect((await deployment('consumer-validator')).status).toMatchObject({ readyReplicas: 2 });

  await w.release('sc-k8s');
  for (const name of ['producer', 'consumer-validator']) {
    const d = await deployment(name);
    expect(d.spec?.replicas).toBe(1);
    expect(d.status).toMatchObject({ readyReplicas: 1 });
    expect(d.metadata.annotations ?? {}).not.toHaveProperty(SCENARIO_ANNOTATION);
  }
}, 120_000);

test("deploy/'s Role names the Deployments it may scale: another one is forbidden", async () => {
  const w = new KubernetesWorkload({
    client: await lab.serviceAccount(NS, 'provisioner'),
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
  await workload(await lab.serviceAccount(NS, 'provisioner')).release('sc-k8s-redis');
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
    const w = workload(await lab.serviceAccount(NS, 'provisioner'));
    await expect(w.ensure({ scenarioId: 'sc-k8s-narrow', producers: 2, validators: 2 }, never)).rejects.toMatchObject({
      code: 'workload_start_failed',
      message: expect.stringContaining('cannot patch resource "deployments/scale" in API group "apps"'),
    });
  } finally {
    // deploy/'s Role again, and nothing of this scenario left behind.
    await applyOverlay();
    await workload(await lab.serviceAccount(NS, 'provisioner')).release('sc-k8s-narrow');
  }
  expect((await deployment('consumer-validator')).spec?.replicas).toBe(1);
}, 120_000);
