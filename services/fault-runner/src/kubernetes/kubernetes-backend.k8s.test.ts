/**
 * The Kubernetes backend against a real kube-apiserver (tools/kube-lab): deploy/'s overlays
 * applied as a user applies them, the backend holding the `fault-runner` service account's own
 * token (bound by deploy/'s Role in namespace kafka), every fault injected and healed against
 * real objects. Pods of the plain SUT are made again by the real StatefulSet and ReplicaSet
 * controllers, placed by the real scheduler and readied by kwok; RBAC, admission and the CRD
 * schemas (strict field validation) are the server's.
 *
 * What cannot run here is played by stand-ins (libs/kube/src/testing/stand-in-operators.ts),
 * through the same API: Strimzi (pods for KafkaNodePool / KafkaMirrorMaker2 by node id, as its
 * StrimziPodSet controller makes them) and Chaos Mesh (finalizer, AllInjected, a pod-failure
 * turning the pod not Ready). So a heal of a Strimzi or chaos fault is verified as the backend
 * verifies it in a real cluster (objects gone, replicas restored, that many pods Ready), but
 * what reacts to the objects is the stand-in, not Strimzi or Chaos Mesh.
 */
import {
  DEPLOYMENTS,
  KAFKA_MIRROR_MAKER_2S,
  KAFKA_NODE_POOLS,
  NETWORK_CHAOS,
  PODS,
  POD_CHAOS,
  STATEFULSETS,
  isPodReady,
  untilPodsReady,
  type KubeClient,
  type KubeObject,
  type Pod,
  type ReplicatedObject,
  type ResourceType,
} from '@mirrorlab/kube';
import { connectKubeLab, standInChaosMesh, standInStrimzi, type KubeLab, type StandIn } from '@mirrorlab/kube/testing';
import { loadConfig } from '@mirrorlab/service-kit';
import { resolve } from 'node:path';
import type { ClusterName } from '../fault-target';
import { KafkaAdmins } from '../kafka-admin';
import { describeFaultBackendConformance } from '../testing/backend-conformance';
import { memoryLogger } from '../testing/fakes';
import { faultOf } from '../testing/fake-sut';
import { chaosName, MANAGED_SELECTOR } from './chaos-objects';
import { KubernetesFaultBackend } from './kubernetes-backend';
import { kubernetesEnv, sutFromConfig, type SutFlavour } from './kubernetes-config';

const NS = 'kafka';
const REPO = resolve(__dirname, '../../../..');
const ROLES: ResourceType = { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'roles', kind: 'Role', namespaced: true };

let lab: KubeLab;
let runner: KubeClient;
const standIns: StandIn[] = [];

const sut = (flavour: SutFlavour) => sutFromConfig(loadConfig(kubernetesEnv, { K8S_SUT: flavour }));
const moves: Array<{ cluster: ClusterName; nodeId: number; keep: readonly number[] }> = [];

function backend(flavour: SutFlavour, client: KubeClient = runner): KubernetesFaultBackend {
  const { logger } = memoryLogger();
  return new KubernetesFaultBackend({
    client,
    sut: sut(flavour),
    // Admin faults go to Kafka, which is not here: nothing below uses them.
    admins: new KafkaAdmins({ source: { brokers: ['127.0.0.1:1'] }, target: { brokers: ['127.0.0.1:1'] } }, logger, 500),
    healTimeoutMs: 60_000,
    verifyTimeoutMs: 30_000,
    replicaMover: async (cluster, nodeId, keep) => {
      moves.push({ cluster, nodeId, keep });
      return [];
    },
    logger,
  });
}

async function apply(overlay: string): Promise<void> {
  const res = await lab.kubectl([
    'apply',
    '-k',
    resolve(REPO, 'deploy/overlays', overlay),
    '--server-side',
    '--force-conflicts',
    '--field-manager=mirrorlab-tests',
  ]);
  if (res.code !== 0) throw new Error(`kubectl apply -k ${overlay}: ${res.stderr}`);
}

/** Every part of both SUTs has its pods, all Ready: where each test starts and ends. */
async function sutsReady(): Promise<void> {
  for (const flavour of ['plain', 'strimzi'] as const) {
    const s = sut(flavour);
    for (const part of [s.source, s.target]) await untilPodsReady(lab.admin, NS, part.selector, 3, { timeoutMs: 60_000 });
    await untilPodsReady(lab.admin, NS, s.replicator.selector, 1, { timeoutMs: 60_000 });
  }
}

const pod = (name: string) => lab.admin.find<Pod>(PODS, NS, name);
const podNames = async (selector: string) =>
  (await lab.admin.list<Pod>(PODS, NS, { labelSelector: selector })).items
    .filter((p) => !p.metadata.deletionTimestamp)
    .map((p) => p.metadata.name)
    .sort();
const replicas = async (type: ResourceType, name: string) => (await lab.admin.get<ReplicatedObject>(type, NS, name)).spec?.replicas;

beforeAll(async () => {
  lab = connectKubeLab();
  await apply('single-cluster-plain');
  await apply('single-cluster');
  standIns.push(standInStrimzi(lab.admin, NS), standInChaosMesh(lab.admin, NS));
  runner = await lab.serviceAccount('mirrorlab', 'fault-runner');
  await sutsReady();
}, 120_000);

afterEach(async () => {
  await sutsReady();
  expect(standIns.flatMap((s) => s.errors)).toEqual([]);
  expect((await lab.admin.list(POD_CHAOS, NS, { labelSelector: MANAGED_SELECTOR })).items).toEqual([]);
  expect((await lab.admin.list(NETWORK_CHAOS, NS, { labelSelector: MANAGED_SELECTOR })).items).toEqual([]);
}, 90_000);

afterAll(async () => {
  for (const s of standIns) await s.stop();
});

// The contract every backend meets (the local one against the lab: test/local-backend.int.test.ts).
describeFaultBackendConformance('kubernetes, plain SUT', {
  backend: () => backend('plain'),
  faults: [faultOf('pause-replicator'), faultOf('network-partition', { params: { direction: 'to-target' } })],
});

describe('plain SUT (deploy/sut/plain): real StatefulSets and a Deployment', () => {
  test('kill-broker deletes that incarnation; the StatefulSet controller makes the pod again, Ready, and the heal verifies it', async () => {
    const b = backend('plain');
    const fault = faultOf('kill-broker', { target: 'source:2' });
    const before = (await pod('source-kafka-1'))!;
    const injection = await b.inject(fault);
    expect(injection.effect).toEqual({ pod: 'source-kafka-1', uid: before.metadata.uid });
    expect(await b.verifyInjected(fault, injection.effect)).toMatchObject({ ok: true });
    const healed = await b.heal(fault, { effect: injection.effect, others: [] });
    expect(healed).toMatchObject({ verified: true, detail: expect.stringContaining('source brokers: 3/3 pods Ready') });
    const after = (await pod('source-kafka-1'))!;
    expect(after.metadata.uid).not.toBe(before.metadata.uid);
    expect(after.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'StatefulSet', name: 'source-kafka' });
    expect(isPodReady(after)).toBe(true);
  });

  test('kill-replicator: the ReplicaSet makes a new pod for the MirrorMaker 2 Deployment', async () => {
    const b = backend('plain');
    const fault = faultOf('kill-replicator');
    const [before] = await podNames(sut('plain').replicator.selector);
    const injection = await b.inject(fault);
    expect(injection.effect).toMatchObject({ pod: before });
    expect(await b.heal(fault, { effect: injection.effect, others: [] })).toMatchObject({ verified: true });
    const after = await podNames(sut('plain').replicator.selector);
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(before);
  });

  test('remove-broker scales the StatefulSet down by a tested JSON patch; the heal scales it back and the controller remakes the pod', async () => {
    const b = backend('plain');
    const fault = faultOf('remove-broker', { target: 'target:3' });
    const injection = await b.inject(fault);
    expect(injection.effect).toEqual({
      set: 'statefulset/target-kafka',
      replicasBefore: 3,
      replicasAfter: 2,
      removedPod: 'target-kafka-2',
    });
    expect(await replicas(STATEFULSETS, 'target-kafka')).toBe(2);
    expect(await podNames(sut('plain').target.selector)).toEqual(['target-kafka-0', 'target-kafka-1']);
    expect(await b.verifyInjected(fault)).toMatchObject({ ok: true });
    expect(await b.heal(fault, { effect: injection.effect, others: [] })).toMatchObject({ verified: true });
    expect(await podNames(sut('plain').target.selector)).toEqual(['target-kafka-0', 'target-kafka-1', 'target-kafka-2']);
    expect((await lab.admin.get(STATEFULSETS, NS, 'target-kafka')).metadata.annotations ?? {}).not.toHaveProperty('mirrorlab.io/fault');
  });

  test('add-broker: a fourth broker (its volume claimed and bound), partitions moved off before the heal removes it', async () => {
    const b = backend('plain');
    const fault = faultOf('add-broker', { target: 'source' });
    moves.length = 0;
    const injection = await b.inject(fault);
    expect(injection.effect).toEqual({ set: 'statefulset/source-kafka', replicasBefore: 3, replicasAfter: 4, addedPod: 'source-kafka-3' });
    expect(isPodReady((await pod('source-kafka-3'))!)).toBe(true);
    expect(await b.heal(fault, { effect: injection.effect, others: [] })).toMatchObject({ verified: true });
    expect(moves).toEqual([{ cluster: 'source', nodeId: 3, keep: [0, 1, 2] }]);
    expect(await replicas(STATEFULSETS, 'source-kafka')).toBe(3);
  });

  test('add-replicator-worker scales the Deployment to 2 and back', async () => {
    const b = backend('plain');
    const fault = faultOf('add-replicator-worker');
    const injection = await b.inject(fault);
    expect(injection.effect).toMatchObject({ set: 'deployment/mirrormaker2', replicasBefore: 1, replicasAfter: 2 });
    expect(await podNames(sut('plain').replicator.selector)).toHaveLength(2);
    expect(await b.heal(fault, { effect: injection.effect, others: [] })).toMatchObject({ verified: true });
    expect(await replicas(DEPLOYMENTS, 'mirrormaker2')).toBe(1);
  });

  test('pause-broker: a PodChaos the CRD accepts, injected, the pod not Ready; the heal deletes it (finalizer honoured) and the pod is Ready again', async () => {
    const b = backend('plain');
    const fault = faultOf('pause-broker', { target: 'source:1' });
    const injection = await b.inject(fault);
    const chaos = (await lab.admin.get<KubeObject>(POD_CHAOS, NS, chaosName(fault)))!;
    expect(chaos.metadata.finalizers).toEqual(['chaos-mesh/records']);
    expect(chaos.spec).toEqual({ action: 'pod-failure', mode: 'all', selector: { pods: { kafka: ['source-kafka-0'] } } });
    expect(isPodReady((await pod('source-kafka-0'))!)).toBe(false);
    expect(await b.verifyInjected(fault, injection.effect)).toMatchObject({ ok: true });
    expect(await b.heal(fault, { effect: injection.effect, others: [] })).toMatchObject({ verified: true });
    expect(await lab.admin.find(POD_CHAOS, NS, chaosName(fault))).toBeUndefined();
    expect(isPodReady((await pod('source-kafka-0'))!)).toBe(true);
  });

  test.each([
    ['packet-loss', { probability: 0.1 }, 1],
    ['network-partition', {}, 1],
    ['bandwidth-cap', { rate: '1mbit' }, 2],
  ] as const)('%s: NetworkChaos objects the CRD accepts strictly, created and, by the heal, gone', async (kind, params, count) => {
    const b = backend('plain');
    const fault = faultOf(kind, { params });
    const injection = await b.inject(fault);
    const objects = (await lab.admin.list(NETWORK_CHAOS, NS, { labelSelector: MANAGED_SELECTOR })).items;
    expect(objects).toHaveLength(count);
    for (const o of objects)
      expect(o.spec).toMatchObject({ selector: { namespaces: [NS] }, target: { mode: 'all', selector: { namespaces: [NS] } } });
    expect(await b.verifyInjected(fault, injection.effect)).toMatchObject({ ok: true });
    expect(await b.heal(fault, { effect: injection.effect, others: [] })).toMatchObject({ verified: true });
    expect(await b.verifyHealed(fault, { effect: injection.effect, others: [] })).toMatchObject({ ok: true });
  });
});

describe('Strimzi SUT (deploy/sut/strimzi): KafkaNodePool and KafkaMirrorMaker2 objects, pods by the Strimzi stand-in', () => {
  test('kill-broker: the pod comes back under its name, a new incarnation', async () => {
    const b = backend('strimzi');
    const fault = faultOf('kill-broker', { target: 'target:1' });
    const before = (await pod('target-target-dual-role-0'))!;
    const injection = await b.inject(fault);
    expect(injection.effect).toEqual({ pod: 'target-target-dual-role-0', uid: before.metadata.uid });
    expect(await b.heal(fault, { effect: injection.effect, others: [] })).toMatchObject({ verified: true });
    expect((await pod('target-target-dual-role-0'))!.metadata.uid).not.toBe(before.metadata.uid);
  });

  test('remove-broker scales the node pool down naming the node (strimzi.io/remove-node-ids); the heal brings that node back', async () => {
    const b = backend('strimzi');
    const fault = faultOf('remove-broker', { target: 'source:2' });
    const injection = await b.inject(fault);
    expect(injection.effect).toEqual({
      set: 'kafkanodepool/source-dual-role',
      replicasBefore: 3,
      replicasAfter: 2,
      removedPod: 'source-source-dual-role-1',
    });
    const pool = await lab.admin.get<ReplicatedObject>(KAFKA_NODE_POOLS, NS, 'source-dual-role');
    expect(pool.spec?.replicas).toBe(2);
    expect(pool.metadata.annotations).toMatchObject({ 'strimzi.io/remove-node-ids': '[1]', 'mirrorlab.io/replicas-before': '3' });
    expect(await podNames(sut('strimzi').source.selector)).toEqual(['source-source-dual-role-0', 'source-source-dual-role-2']);
    expect(await b.heal(fault, { effect: injection.effect, others: [] })).toMatchObject({ verified: true });
    expect(await podNames(sut('strimzi').source.selector)).toEqual([
      'source-source-dual-role-0',
      'source-source-dual-role-1',
      'source-source-dual-role-2',
    ]);
    const healed = await lab.admin.get<ReplicatedObject>(KAFKA_NODE_POOLS, NS, 'source-dual-role');
    expect(healed.spec?.replicas).toBe(3);
    expect(healed.metadata.annotations ?? {}).not.toHaveProperty('strimzi.io/remove-node-ids');
  });

  test('add-replicator-worker on the KafkaMirrorMaker2, and back', async () => {
    const b = backend('strimzi');
    const fault = faultOf('add-replicator-worker');
    const injection = await b.inject(fault);
    expect(injection.effect).toMatchObject({
      set: 'kafkamirrormaker2/mirror',
      replicasBefore: 1,
      replicasAfter: 2,
      addedPod: 'mirror-mirrormaker2-1',
    });
    expect(await b.heal(fault, { effect: injection.effect, others: [] })).toMatchObject({ verified: true });
    expect(await replicas(KAFKA_MIRROR_MAKER_2S, 'mirror')).toBe(1);
  });

  test("the node pool's /scale subresource (the CRD's scale paths) reads and sets its replicas", async () => {
    const scale = await lab.admin.getScale(KAFKA_NODE_POOLS, NS, 'target-dual-role');
    expect(scale).toMatchObject({
      kind: 'Scale',
      spec: { replicas: 3 },
      status: { replicas: 3, selector: expect.stringContaining('strimzi.io/pool-name=target-dual-role') },
    });
    await lab.admin.scale(KAFKA_NODE_POOLS, NS, 'target-dual-role', 4);
    await untilPodsReady(lab.admin, NS, sut('strimzi').target.selector, 4, { timeoutMs: 60_000 });
    await lab.admin.scale(KAFKA_NODE_POOLS, NS, 'target-dual-role', 3);
    await untilPodsReady(lab.admin, NS, sut('strimzi').target.selector, 3, { timeoutMs: 60_000 });
  });
});

/**
 * deploy/'s Role is what the backend needs: the tests above pass with it, and a Role lacking
 * one of these verbs makes the fault that needs it fail, with the server's reason. (A missing
 * `watch` is not in the table: whether a wait needs its watch depends on whether the list
 * before it already shows the end state, so such a failure would not be deterministic.)
 */
describe('a Role lacking one verb the backend needs fails the fault that needs it', () => {
  let narrow: KubeClient;
  let rules: Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }>;

  const roleWithout = async (resource: string, verb: string) => {
    const role = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'fault-runner-narrow', namespace: NS },
      rules: rules.map((r) => (r.resources.includes(resource) ? { ...r, verbs: r.verbs.filter((v) => v !== verb) } : r)),
    };
    const res = await lab.kubectl(
      ['apply', '--server-side', '--force-conflicts', '--field-manager=mirrorlab-tests', '-f', '-'],
      JSON.stringify(role),
    );
    if (res.code !== 0) throw new Error(res.stderr);
    // The authorizer follows the Role through a watch: wait until it answers as the Role says.
    for (let attempt = 1; attempt <= 50; attempt++) {
      const check = await lab.kubectl([
        'auth',
        'can-i',
        verb,
        resource,
        '-n',
        NS,
        '--as',
        'system:serviceaccount:mirrorlab:fault-runner-narrow',
      ]);
      if (check.stdout.trim() === 'no') return;
    }
    throw new Error(`the authorizer still allows ${verb} ${resource} after 50 checks`);
  };

  beforeAll(async () => {
    rules = (await lab.admin.get<KubeObject & { rules: typeof rules }>(ROLES, NS, 'mirrorlab-fault-runner')).rules;
    const setup = [
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'fault-runner-narrow', namespace: 'mirrorlab' } },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'fault-runner-narrow', namespace: NS },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'fault-runner-narrow' },
        subjects: [{ kind: 'ServiceAccount', name: 'fault-runner-narrow', namespace: 'mirrorlab' }],
      },
    ];
    const res = await lab.kubectl(
      ['apply', '--server-side', '--field-manager=mirrorlab-tests', '-f', '-'],
      JSON.stringify({ apiVersion: 'v1', kind: 'List', items: setup }),
    );
    if (res.code !== 0) throw new Error(res.stderr);
    narrow = await lab.serviceAccount('mirrorlab', 'fault-runner-narrow');
  });

  test("deploy/'s Role grants the verbs this table takes away, one at a time", () => {
    const grants = rules.flatMap((r) => r.resources.flatMap((res) => r.verbs.map((v) => `${res}:${v}`))).sort();
    expect(grants).toEqual(
      [
        'pods:get',
        'pods:list',
        'pods:watch',
        'pods:delete',
        'statefulsets:get',
        'statefulsets:patch',
        'deployments:get',
        'deployments:patch',
        'kafkanodepools:get',
        'kafkanodepools:patch',
        'kafkamirrormaker2s:get',
        'kafkamirrormaker2s:patch',
        'podchaos:create',
        'podchaos:get',
        'podchaos:list',
        'podchaos:watch',
        'podchaos:delete',
        'networkchaos:create',
        'networkchaos:get',
        'networkchaos:list',
        'networkchaos:watch',
        'networkchaos:delete',
      ].sort(),
    );
  });

  test.each([
    ['pods', 'list', 'plain', 'kill-broker', { target: 'source:3' }],
    ['pods', 'delete', 'plain', 'kill-broker', { target: 'source:3' }],
    ['statefulsets', 'patch', 'plain', 'remove-broker', { target: 'target:3' }],
    ['statefulsets', 'get', 'plain', 'add-broker', { target: 'target' }],
    ['deployments', 'patch', 'plain', 'add-replicator-worker', {}],
    ['kafkanodepools', 'patch', 'strimzi', 'add-broker', { target: 'source' }],
    ['kafkamirrormaker2s', 'get', 'strimzi', 'add-replicator-worker', {}],
    ['podchaos', 'create', 'plain', 'pause-broker', { target: 'target:2' }],
    ['networkchaos', 'create', 'plain', 'packet-loss', { params: { probability: 0.2 } }],
  ] as const)('without %s %s, %s %s fails: forbidden, by the server', async (resource, verb, flavour, kind, options) => {
    await roleWithout(resource, verb);
    const fault = faultOf(kind, { ...options, faultId: `sc-1/${kind}-without-${resource}-${verb}` });
    await expect(backend(flavour, narrow).inject(fault)).rejects.toMatchObject({
      code: 'inject_failed',
      message: expect.stringContaining(`cannot ${verb} resource "${resource}"`),
    });
    // Whatever got in before the refusal is healed with deploy/'s Role.
    await backend(flavour).heal(fault, { others: [] });
  });

  test('without networkchaos delete, the heal of packet-loss is not verified and says why', async () => {
    await roleWithout('networkchaos', 'delete');
    const fault = faultOf('packet-loss', { params: { probability: 0.2 }, faultId: 'sc-1/heal-without-delete' });
    const injection = await backend('plain', narrow).inject(fault);
    expect(await backend('plain', narrow).heal(fault, { effect: injection.effect, others: [] })).toMatchObject({
      verified: false,
      detail: expect.stringContaining('cannot delete resource "networkchaos"'),
    });
    expect(await backend('plain').heal(fault, { effect: injection.effect, others: [] })).toMatchObject({ verified: true });
  });
});
