/**
 * The Kubernetes backend against a real kube-apiserver (tools/kube-lab), set up by
 * testing/kube-lab-sut.ts: deploy/'s overlays applied as a user applies them, the backend
 * holding the `fault-runner` service account's own token (bound by deploy/'s Role in namespace
 * kafka). Here: the contract every backend meets, what is not one fault family's (cluster sizes,
 * admin faults, the node pool's /scale), and deploy/'s Role verb by verb. Each family's faults:
 * pod-faults.k8s.test.ts, scale-faults.k8s.test.ts, link-faults.k8s.test.ts.
 *
 * Pods of the plain SUT are made again by the real StatefulSet and ReplicaSet controllers,
 * placed by the real scheduler and readied by kwok; RBAC, admission and the CRD schemas (strict
 * field validation) are the server's. What cannot run here is played by stand-ins
 * (libs/kube/src/testing/stand-in-operators.ts), through the same API: Strimzi (pods for
 * KafkaNodePool / KafkaMirrorMaker2 by node id, as its StrimziPodSet controller makes them) and
 * Chaos Mesh (finalizer, AllInjected, a pod-failure turning the pod not Ready). So a heal of a
 * Strimzi or chaos fault is verified as the backend verifies it in a real cluster (objects gone,
 * replicas restored, that many pods Ready), but what reacts to the objects is the stand-in.
 */
import { KAFKA_NODE_POOLS, untilPodsReady, type KubeClient, type KubeObject, type ResourceType } from '@mirrorlab/kube';
import { describeFaultBackendConformance } from '../testing/backend-conformance';
import { faultOf } from '../testing/fault-of';
import { NS, useLabSut } from '../testing/kube-lab-sut';

const ROLES: ResourceType = { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'roles', kind: 'Role', namespaced: true };

const s = useLabSut();

// The contract every backend meets (the local one against the lab: test/local-backend.int.test.ts).
describeFaultBackendConformance('kubernetes, plain SUT', {
  backend: () => s.backend('plain'),
  faults: [faultOf('pause-replicator'), faultOf('network-partition', { params: { direction: 'to-target' } })],
});

test("the node pool's /scale subresource (the CRD's scale paths) reads and sets its replicas; cluster sizes are the broker sets' replicas", async () => {
  const scale = await s.lab.admin.getScale(KAFKA_NODE_POOLS, NS, 'target-dual-role');
  expect(scale).toMatchObject({
    kind: 'Scale',
    spec: { replicas: 3 },
    status: { replicas: 3, selector: expect.stringContaining('strimzi.io/pool-name=target-dual-role') },
  });
  await s.lab.admin.scale(KAFKA_NODE_POOLS, NS, 'target-dual-role', 4);
  try {
    await untilPodsReady(s.lab.admin, NS, s.sut('strimzi').target.selector, 4, { timeoutMs: 60_000 });
    expect(await s.backend('strimzi').clusterSizes()).toEqual({ source: 3, target: 4 });
    expect(s.log.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /apis/kafka.strimzi.io/v1/namespaces/kafka/kafkanodepools/source-dual-role',
      'GET /apis/kafka.strimzi.io/v1/namespaces/kafka/kafkanodepools/target-dual-role',
    ]);
  } finally {
    await s.lab.admin.scale(KAFKA_NODE_POOLS, NS, 'target-dual-role', 3);
  }
  await untilPodsReady(s.lab.admin, NS, s.sut('strimzi').target.selector, 3, { timeoutMs: 60_000 });
});

test('admin faults take the Kafka admin path shared by every backend, never the Kubernetes API', async () => {
  const b = s.backend('strimzi');
  await expect(b.inject(faultOf('add-partitions', { target: 'orders', params: { count: 12 } }))).rejects.toMatchObject({
    code: 'kafka_failed',
  });
  await expect(b.inject(faultOf('add-topic', { params: { name: 'orders.new' } }))).rejects.toMatchObject({ code: 'kafka_failed' });
  await expect(b.inject(faultOf('reassign-partitions', { target: 'orders' }))).rejects.toMatchObject({ code: 'kafka_failed' });
  await expect(b.heal(faultOf('add-topic', { params: { name: 'orders.new' } }), { others: [] })).resolves.toMatchObject({
    verified: true,
    detail: 'one-shot fault; nothing to undo',
  });
  expect(s.log.requests).toEqual([]);
}, 30_000);

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
    const res = await s.lab.kubectl(
      ['apply', '--server-side', '--force-conflicts', '--field-manager=mirrorlab-tests', '-f', '-'],
      JSON.stringify(role),
    );
    if (res.code !== 0) throw new Error(res.stderr);
    // The authorizer follows the Role through a watch: wait until it answers as the Role says.
    for (let attempt = 1; attempt <= 50; attempt++) {
      const check = await s.lab.kubectl([
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
    rules = (await s.lab.admin.get<KubeObject & { rules: typeof rules }>(ROLES, NS, 'mirrorlab-fault-runner')).rules;
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
    const res = await s.lab.kubectl(
      ['apply', '--server-side', '--field-manager=mirrorlab-tests', '-f', '-'],
      JSON.stringify({ apiVersion: 'v1', kind: 'List', items: setup }),
    );
    if (res.code !== 0) throw new Error(res.stderr);
    narrow = await s.lab.serviceAccount('mirrorlab', 'fault-runner-narrow');
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
    ['networkchaos', 'create', 'strimzi', 'latency', { params: { latency: '100ms', jitter: '5ms' } }],
  ] as const)('without %s %s, %s %s fails: forbidden, by the server', async (resource, verb, flavour, kind, options) => {
    await roleWithout(resource, verb);
    const fault = faultOf(kind, { ...options, faultId: `sc-1/${kind}-without-${resource}-${verb}` });
    await expect(s.backend(flavour, { client: narrow }).inject(fault)).rejects.toMatchObject({
      code: 'inject_failed',
      retriable: false,
      // The server's reason, and what to do about it.
      message: expect.stringMatching(
        new RegExp(`cannot ${verb} resource "${resource}".*\\(the service account lacks this right: see the Role in deploy/\\)`),
      ),
    });
    // Whatever got in before the refusal is healed with deploy/'s Role.
    await s.backend(flavour).heal(fault, { others: [] });
  });

  test('without networkchaos delete, the heal of packet-loss is not verified and says why', async () => {
    await roleWithout('networkchaos', 'delete');
    const fault = faultOf('packet-loss', { params: { probability: 0.2 }, faultId: 'sc-1/heal-without-delete' });
    const injection = await s.backend('plain', { client: narrow }).inject(fault);
    expect(await s.backend('plain', { client: narrow }).heal(fault, { effect: injection.effect, others: [] })).toMatchObject({
      verified: false,
      detail: expect.stringContaining('cannot delete resource "networkchaos"'),
    });
    expect(await s.backend('plain').heal(fault, { effect: injection.effect, others: [] })).toMatchObject({ verified: true });
  });
});
