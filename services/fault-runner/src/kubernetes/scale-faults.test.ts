import { KAFKA_MIRROR_MAKER_2S, KAFKA_NODE_POOLS, PODS, STATEFULSETS, type ReplicatedObject } from '@mirrorlab/kube';
import { backendOn, faultOf, startFakeSut, type FakeSut } from '../testing/fake-sut';

let f: FakeSut;
afterEach(() => f.close());

const POOLS = '/apis/kafka.strimzi.io/v1/namespaces/kafka/kafkanodepools';
const STS = '/apis/apps/v1/namespaces/kafka/statefulsets';
const podNames = (prefix: string) =>
  f.fake
    .all(PODS, 'kafka')
    .map((p) => p.metadata.name)
    .filter((n) => n.startsWith(prefix));
const patches = () =>
  f.fake.requests.filter((r) => r.method === 'PATCH').map((r) => ({ path: r.path, contentType: r.contentType, body: r.body }));

test('remove-broker on Strimzi: a JSON patch that tests the replicas, scales the pool down and names the node; the heal restores it', async () => {
  f = await startFakeSut('strimzi');
  const backend = backendOn(f);
  const fault = faultOf('remove-broker', { target: 'source:2' });
  const injection = await backend.inject(fault);
  expect(patches()).toEqual([
    {
      path: `${POOLS}/source-dual-role`,
      contentType: 'application/json-patch+json',
      body: [
        { op: 'test', path: '/spec/replicas', value: 3 },
        { op: 'replace', path: '/spec/replicas', value: 2 },
        { op: 'add', path: '/metadata/annotations', value: {} },
        { op: 'add', path: '/metadata/annotations/mirrorlab.io~1fault', value: 'sc-1/remove-broker' },
        { op: 'add', path: '/metadata/annotations/mirrorlab.io~1replicas-before', value: '3' },
        { op: 'add', path: '/metadata/annotations/strimzi.io~1remove-node-ids', value: '[1]' },
      ],
    },
  ]);
  expect(podNames('source-')).toEqual(['source-source-dual-role-0', 'source-source-dual-role-2']);
  expect(injection.effect).toEqual({
    set: 'kafkanodepool/source-dual-role',
    replicasBefore: 3,
    replicasAfter: 2,
    removedPod: 'source-source-dual-role-1',
  });
  expect(await backend.verifyInjected(fault)).toMatchObject({ ok: true });
  // The planned size stays 3 while the fault holds the pool: `source:random` picks the same broker on every runner.
  expect(await backend.clusterSizes()).toEqual({ source: 3, target: 3 });

  f.fake.requests.length = 0;
  const healed = await backend.heal(fault, { effect: injection.effect, others: [] });
  expect(healed).toMatchObject({ verified: true, detail: expect.stringContaining('kafkanodepool/source-dual-role: 2 -> 3 replicas') });
  expect(patches()).toEqual([
    {
      path: `${POOLS}/source-dual-role`,
      contentType: 'application/json-patch+json',
      body: [
        { op: 'test', path: '/metadata/annotations/mirrorlab.io~1fault', value: 'sc-1/remove-broker' },
        { op: 'replace', path: '/spec/replicas', value: 3 },
        { op: 'remove', path: '/metadata/annotations/mirrorlab.io~1fault' },
        { op: 'remove', path: '/metadata/annotations/mirrorlab.io~1replicas-before' },
        { op: 'remove', path: '/metadata/annotations/strimzi.io~1remove-node-ids' },
      ],
    },
  ]);
  expect(podNames('source-')).toEqual(['source-source-dual-role-0', 'source-source-dual-role-1', 'source-source-dual-role-2']);
  expect(f.fake.read<ReplicatedObject>(KAFKA_NODE_POOLS, 'kafka', 'source-dual-role')?.metadata.annotations).toEqual({});
  expect(await backend.verifyHealed(fault, { others: [] })).toMatchObject({ ok: true });
});

test('remove-broker on a StatefulSet can only remove the highest ordinal: another target is refused before any change', async () => {
  f = await startFakeSut('plain');
  const backend = backendOn(f);
  await expect(backend.inject(faultOf('remove-broker', { target: 'source:2' }))).rejects.toMatchObject({
    code: 'target_invalid',
    retriable: false,
    message:
      'target: scaling down statefulset/source-kafka removes its highest ordinal (source-kafka-2, broker 3), not source-kafka-1; use source:3',
  });
  expect(patches()).toEqual([]);
  const fault = faultOf('remove-broker', { target: 'source:3' });
  await backend.inject(fault);
  expect(podNames('source-')).toEqual(['source-kafka-0', 'source-kafka-1']);
  expect(patches()[0]).toMatchObject({
    path: `${STS}/source-kafka`,
    body: expect.arrayContaining([{ op: 'replace', path: '/spec/replicas', value: 2 }]),
  });
  // A runner that died before recording the effect heals from the annotations alone.
  await expect(backend.heal(fault, { others: [] })).resolves.toMatchObject({ verified: true });
  expect(podNames('source-')).toEqual(['source-kafka-0', 'source-kafka-1', 'source-kafka-2']);
});

test('add-broker scales the StatefulSet up; the heal moves partitions off the new broker, then scales back', async () => {
  f = await startFakeSut('plain');
  const moves: Array<[string, number, readonly number[]]> = [];
  const backend = backendOn(f, { replicaMover: async (cluster, nodeId, keep) => (moves.push([cluster, nodeId, keep]), ['t-0']) });
  const fault = faultOf('add-broker', { target: 'target' });
  const injection = await backend.inject(fault);
  expect(injection.effect).toEqual({ set: 'statefulset/target-kafka', replicasBefore: 3, replicasAfter: 4, addedPod: 'target-kafka-3' });
  expect(podNames('target-')).toEqual(['target-kafka-0', 'target-kafka-1', 'target-kafka-2', 'target-kafka-3']);
  const healed = await backend.heal(fault, { effect: injection.effect, others: [] });
  expect(healed).toMatchObject({
    verified: true,
    detail: expect.stringContaining('moved 1 partitions off target-kafka-3: t-0; statefulset/target-kafka: 4 -> 3 replicas'),
  });
  expect(moves).toEqual([['target', 3, [0, 1, 2]]]);
  expect(podNames('target-')).toEqual(['target-kafka-0', 'target-kafka-1', 'target-kafka-2']);
  expect(patches().map((p) => p.contentType)).toEqual(['application/json-patch+json', 'application/json-patch+json']);
});

test('add-broker on Strimzi: the heal names the added node for removal, then removes that annotation once the pool is back', async () => {
  f = await startFakeSut('strimzi');
  const backend = backendOn(f, { replicaMover: async () => [] });
  const fault = faultOf('add-broker', { target: 'source' });
  const injection = await backend.inject(fault);
  expect(injection.effect).toMatchObject({ addedPod: 'source-source-dual-role-3' });
  f.fake.requests.length = 0;
  await expect(backend.heal(fault, { effect: injection.effect, others: [] })).resolves.toMatchObject({ verified: true });
  expect(patches()).toEqual([
    {
      path: `${POOLS}/source-dual-role`,
      contentType: 'application/json-patch+json',
      body: [
        { op: 'test', path: '/metadata/annotations/mirrorlab.io~1fault', value: 'sc-1/add-broker' },
        { op: 'replace', path: '/spec/replicas', value: 3 },
        { op: 'remove', path: '/metadata/annotations/mirrorlab.io~1fault' },
        { op: 'remove', path: '/metadata/annotations/mirrorlab.io~1replicas-before' },
        { op: 'add', path: '/metadata/annotations/strimzi.io~1remove-node-ids', value: '[3]' },
      ],
    },
    {
      path: `${POOLS}/source-dual-role`,
      contentType: 'application/merge-patch+json',
      body: { metadata: { annotations: { 'strimzi.io/remove-node-ids': null } } },
    },
  ]);
  expect(f.fake.read<ReplicatedObject>(KAFKA_NODE_POOLS, 'kafka', 'source-dual-role')?.metadata.annotations).toEqual({});
});

test('add-replicator-worker scales KafkaMirrorMaker2 up by one and back', async () => {
  f = await startFakeSut('strimzi');
  const backend = backendOn(f);
  const fault = faultOf('add-replicator-worker');
  await expect(backend.inject(fault)).resolves.toMatchObject({
    effect: { set: 'kafkamirrormaker2/mirror', replicasBefore: 1, replicasAfter: 2, addedPod: 'mirror-mirrormaker2-1' },
  });
  expect(patches()[0]).toMatchObject({
    path: '/apis/kafka.strimzi.io/v1/namespaces/kafka/kafkamirrormaker2s/mirror',
    contentType: 'application/json-patch+json',
  });
  await expect(backend.heal(fault, { others: [] })).resolves.toMatchObject({
    verified: true,
    detail: expect.stringContaining('replicator: 1/1 pods Ready'),
  });
  expect(f.fake.read<ReplicatedObject>(KAFKA_MIRROR_MAKER_2S, 'kafka', 'mirror')?.spec?.replicas).toBe(1);
});

test('a set another fault holds is refused, not retried, and left alone', async () => {
  f = await startFakeSut('plain');
  const backend = backendOn(f);
  await backend.inject(faultOf('add-broker', { target: 'source', faultId: 'sc-1/f1' }));
  f.fake.requests.length = 0;
  await expect(backend.inject(faultOf('remove-broker', { target: 'source:3', faultId: 'sc-1/f2' }))).rejects.toMatchObject({
    code: 'inject_failed',
    retriable: false,
    message: expect.stringContaining('statefulset/source-kafka is scaled by fault sc-1/f1; it must be healed first'),
  });
  // The other fault's heal only verifies: nothing of it is on the set.
  await expect(backend.heal(faultOf('remove-broker', { target: 'source:3', faultId: 'sc-1/f2' }), { others: [] })).resolves.toMatchObject({
    detail: expect.stringContaining('nothing of this fault on statefulset/source-kafka (4 replicas, held by sc-1/f1): nothing to undo'),
  });
  expect(patches()).toEqual([]);
});

test('a new broker that never gets Ready makes the inject fail with a timeout saying what it saw', async () => {
  f = await startFakeSut('plain', { ready: (name) => name !== 'source-kafka-3' });
  await expect(backendOn(f, { healTimeoutMs: 1000 }).inject(faultOf('add-broker'))).rejects.toMatchObject({
    code: 'inject_failed',
    message: expect.stringContaining(
      'statefulset/source-kafka scaled 3 -> 4, but source brokers: 4 ready pods matching app.kubernetes.io/name=kafka,app.kubernetes.io/instance=source in kafka: not seen within 1 s (last seen: 3/4 pods ready; not ready: source-kafka-3)',
    ),
  });
});

test('a missing set names the variable that configures it', async () => {
  f = await startFakeSut('plain');
  f.fake.remove(STATEFULSETS, 'kafka', 'target-kafka');
  await expect(backendOn(f).inject(faultOf('add-broker', { target: 'target' }))).rejects.toMatchObject({
    code: 'inject_failed',
    retriable: false,
    message: expect.stringContaining(
      'statefulset/target-kafka (the target brokers) does not exist in namespace kafka: deploy it or set K8S_TARGET_BROKER_SET and K8S_NAMESPACE',
    ),
  });
});
