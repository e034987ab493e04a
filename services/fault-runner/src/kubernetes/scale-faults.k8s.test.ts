/**
 * Scale faults (remove-broker, add-broker, add-replicator-worker) against a real kube-apiserver
 * (testing/kube-lab-sut.ts): StatefulSets and the MirrorMaker 2 Deployment scaled by JSON
 * patches the server applies (a failed `test` op is its 422), their pods made and removed by the
 * real controllers; KafkaNodePools and the KafkaMirrorMaker2 scaled likewise, their pods by the
 * Strimzi stand-in (node ids as Strimzi picks them). The backend holds the `fault-runner`
 * service account's token; its requests are logged.
 */
import { DEPLOYMENTS, KAFKA_MIRROR_MAKER_2S, KAFKA_NODE_POOLS, STATEFULSETS, isPodReady, type ReplicatedObject } from '@mirrorlab/kube';
import { capPods } from '@mirrorlab/kube/testing';
import { faultOf } from '../testing/fault-of';
import { NS, useLabSut } from '../testing/kube-lab-sut';

const s = useLabSut();
const POOLS = '/apis/kafka.strimzi.io/v1/namespaces/kafka/kafkanodepools';
const STS = '/apis/apps/v1/namespaces/kafka/statefulsets';
const annotationsOf = async (type: typeof KAFKA_NODE_POOLS, name: string) =>
  (await s.lab.admin.get<ReplicatedObject>(type, NS, name)).metadata.annotations ?? {};

describe('Strimzi SUT: KafkaNodePool and KafkaMirrorMaker2', () => {
  test('remove-broker: a JSON patch that tests the replicas, scales the pool down and names the node; the heal restores it', async () => {
    const b = s.backend('strimzi');
    const fault = faultOf('remove-broker', { target: 'source:2' });
    const injection = await b.inject(fault);
    expect(s.log.patches()).toEqual([
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
    expect(injection.effect).toEqual({
      set: 'kafkanodepool/source-dual-role',
      replicasBefore: 3,
      replicasAfter: 2,
      removedPod: 'source-source-dual-role-1',
    });
    expect(await s.replicas(KAFKA_NODE_POOLS, 'source-dual-role')).toBe(2);
    expect(await s.podNames(s.sut('strimzi').source.selector)).toEqual(['source-source-dual-role-0', 'source-source-dual-role-2']);
    expect(await b.verifyInjected(fault)).toMatchObject({ ok: true });
    // The planned size stays 3 while the fault holds the pool: `source:random` picks the same broker on every runner.
    expect(await b.clusterSizes()).toEqual({ source: 3, target: 3 });

    s.log.clear();
    const healed = await b.heal(fault, { effect: injection.effect, others: [] });
    expect(healed).toMatchObject({ verified: true, detail: expect.stringContaining('kafkanodepool/source-dual-role: 2 -> 3 replicas') });
    expect(s.log.patches()).toEqual([
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
    expect(await s.podNames(s.sut('strimzi').source.selector)).toEqual([
      'source-source-dual-role-0',
      'source-source-dual-role-1',
      'source-source-dual-role-2',
    ]);
    expect(await annotationsOf(KAFKA_NODE_POOLS, 'source-dual-role')).toEqual({});
    expect(await b.verifyHealed(fault, { others: [] })).toMatchObject({ ok: true });
  });

  test('add-broker: node 3 added and Ready; the heal moves partitions off it, names it for removal, then removes that annotation once the pool is back', async () => {
    const b = s.backend('strimzi');
    const fault = faultOf('add-broker', { target: 'source' });
    const injection = await b.inject(fault);
    expect(injection.effect).toEqual({
      set: 'kafkanodepool/source-dual-role',
      replicasBefore: 3,
      replicasAfter: 4,
      addedPod: 'source-source-dual-role-3',
    });
    expect(isPodReady((await s.pod('source-source-dual-role-3'))!)).toBe(true);
    expect(await b.verifyInjected(fault)).toMatchObject({ ok: true });
    s.log.clear();
    await expect(b.heal(fault, { effect: injection.effect, others: [] })).resolves.toMatchObject({
      verified: true,
      detail: expect.stringContaining('kafkanodepool/source-dual-role: 4 -> 3 replicas'),
    });
    expect(s.moves).toEqual([{ cluster: 'source', nodeId: 3, keep: [0, 1, 2] }]);
    expect(s.log.patches()).toEqual([
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
    expect(await s.podNames(s.sut('strimzi').source.selector)).toEqual([
      'source-source-dual-role-0',
      'source-source-dual-role-1',
      'source-source-dual-role-2',
    ]);
    expect(await annotationsOf(KAFKA_NODE_POOLS, 'source-dual-role')).toEqual({});
  });

  test('add-replicator-worker scales KafkaMirrorMaker2 up by one and back, healed from the request alone', async () => {
    const b = s.backend('strimzi');
    const fault = faultOf('add-replicator-worker');
    await expect(b.inject(fault)).resolves.toMatchObject({
      effect: { set: 'kafkamirrormaker2/mirror', replicasBefore: 1, replicasAfter: 2, addedPod: 'mirror-mirrormaker2-1' },
    });
    expect(s.log.patches()[0]).toMatchObject({
      path: '/apis/kafka.strimzi.io/v1/namespaces/kafka/kafkamirrormaker2s/mirror',
      contentType: 'application/json-patch+json',
    });
    expect(await s.podNames(s.sut('strimzi').replicator.selector)).toEqual(['mirror-mirrormaker2-0', 'mirror-mirrormaker2-1']);
    await expect(b.heal(fault, { others: [] })).resolves.toMatchObject({
      verified: true,
      detail: expect.stringContaining('replicator: 1/1 pods Ready'),
    });
    expect(await s.replicas(KAFKA_MIRROR_MAKER_2S, 'mirror')).toBe(1);
  });
});

describe('plain SUT: StatefulSets and a Deployment, pods by the real controllers', () => {
  test('remove-broker scales the StatefulSet down by a tested JSON patch; the heal scales it back and the controller remakes the pod', async () => {
    const b = s.backend('plain');
    const fault = faultOf('remove-broker', { target: 'target:3' });
    const injection = await b.inject(fault);
    expect(injection.effect).toEqual({
      set: 'statefulset/target-kafka',
      replicasBefore: 3,
      replicasAfter: 2,
      removedPod: 'target-kafka-2',
    });
    expect(s.log.patches()[0]).toMatchObject({
      path: `${STS}/target-kafka`,
      contentType: 'application/json-patch+json',
      body: expect.arrayContaining([
        { op: 'test', path: '/spec/replicas', value: 3 },
        { op: 'replace', path: '/spec/replicas', value: 2 },
      ]),
    });
    expect(await s.replicas(STATEFULSETS, 'target-kafka')).toBe(2);
    expect(await s.podNames(s.sut('plain').target.selector)).toEqual(['target-kafka-0', 'target-kafka-1']);
    expect(await b.verifyInjected(fault)).toMatchObject({ ok: true });
    expect(await b.heal(fault, { effect: injection.effect, others: [] })).toMatchObject({ verified: true });
    expect(await s.podNames(s.sut('plain').target.selector)).toEqual(['target-kafka-0', 'target-kafka-1', 'target-kafka-2']);
    expect(await annotationsOf(STATEFULSETS, 'target-kafka')).not.toHaveProperty('mirrorlab.io/fault');
  });

  test('remove-broker on a StatefulSet can only remove the highest ordinal: another target is refused before any change', async () => {
    const b = s.backend('plain');
    await expect(b.inject(faultOf('remove-broker', { target: 'source:2' }))).rejects.toMatchObject({
      code: 'target_invalid',
      retriable: false,
      message:
        'target: scaling down statefulset/source-kafka removes its highest ordinal (source-kafka-2, broker 3), not source-kafka-1; use source:3',
    });
    expect(s.log.patches()).toEqual([]);
    const fault = faultOf('remove-broker', { target: 'source:3' });
    await b.inject(fault);
    expect(await s.podNames(s.sut('plain').source.selector)).toEqual(['source-kafka-0', 'source-kafka-1']);
    // A runner that died before recording the effect heals from the annotations alone.
    await expect(b.heal(fault, { others: [] })).resolves.toMatchObject({ verified: true });
    expect(await s.podNames(s.sut('plain').source.selector)).toEqual(['source-kafka-0', 'source-kafka-1', 'source-kafka-2']);
  });

  test('add-broker: a fourth broker (its volume claimed and bound); the heal moves partitions off it, then scales back', async () => {
    const b = s.backend('plain', {
      replicaMover: async (cluster, nodeId, keep) => (s.moves.push({ cluster, nodeId, keep }), ['t-0']),
    });
    const fault = faultOf('add-broker', { target: 'target' });
    const injection = await b.inject(fault);
    expect(injection.effect).toEqual({ set: 'statefulset/target-kafka', replicasBefore: 3, replicasAfter: 4, addedPod: 'target-kafka-3' });
    expect(await s.podNames(s.sut('plain').target.selector)).toEqual([
      'target-kafka-0',
      'target-kafka-1',
      'target-kafka-2',
      'target-kafka-3',
    ]);
    expect(isPodReady((await s.pod('target-kafka-3'))!)).toBe(true);
    const healed = await b.heal(fault, { effect: injection.effect, others: [] });
    expect(healed).toMatchObject({
      verified: true,
      detail: expect.stringContaining('moved 1 partitions off target-kafka-3: t-0; statefulset/target-kafka: 4 -> 3 replicas'),
    });
    expect(s.moves).toEqual([{ cluster: 'target', nodeId: 3, keep: [0, 1, 2] }]);
    expect(await s.podNames(s.sut('plain').target.selector)).toEqual(['target-kafka-0', 'target-kafka-1', 'target-kafka-2']);
    expect(s.log.patches().map((p) => p.contentType)).toEqual(['application/json-patch+json', 'application/json-patch+json']);
  });

  test('add-replicator-worker scales the Deployment to 2 and back', async () => {
    const b = s.backend('plain');
    const fault = faultOf('add-replicator-worker');
    const injection = await b.inject(fault);
    expect(injection.effect).toMatchObject({ set: 'deployment/mirrormaker2', replicasBefore: 1, replicasAfter: 2 });
    expect(await s.podNames(s.sut('plain').replicator.selector)).toHaveLength(2);
    expect(await b.heal(fault, { effect: injection.effect, others: [] })).toMatchObject({ verified: true });
    expect(await s.replicas(DEPLOYMENTS, 'mirrormaker2')).toBe(1);
  });

  test('a set another fault holds is refused, not retried, and left alone', async () => {
    const b = s.backend('plain');
    const holder = faultOf('add-broker', { target: 'source', faultId: 'sc-1/f1' });
    const held = await b.inject(holder);
    try {
      s.log.clear();
      const other = faultOf('remove-broker', { target: 'source:3', faultId: 'sc-1/f2' });
      await expect(b.inject(other)).rejects.toMatchObject({
        code: 'inject_failed',
        retriable: false,
        message: expect.stringContaining('statefulset/source-kafka is scaled by fault sc-1/f1; it must be healed first'),
      });
      // The other fault's heal only verifies: nothing of it is on the set.
      await expect(b.heal(other, { others: [] })).resolves.toMatchObject({
        detail: expect.stringContaining('nothing of this fault on statefulset/source-kafka (4 replicas, held by sc-1/f1): nothing to undo'),
      });
      expect(s.log.patches()).toEqual([]);
    } finally {
      await b.heal(holder, { effect: held.effect, others: [] });
    }
    expect(await s.replicas(STATEFULSETS, 'source-kafka')).toBe(3);
  });

  test("a new broker that never gets Ready (the namespace's pod quota is full) makes the inject fail with a timeout saying what it saw", async () => {
    const lift = await capPods(s.lab.admin, NS);
    const fault = faultOf('add-broker', { target: 'source' });
    try {
      await expect(s.backend('plain', { healTimeoutMs: 1000 }).inject(fault)).rejects.toMatchObject({
        code: 'inject_failed',
        message: expect.stringContaining(
          'statefulset/source-kafka scaled 3 -> 4, but source brokers: 4 ready pods matching app.kubernetes.io/name=kafka,app.kubernetes.io/instance=source in kafka: not seen within 1 s (last seen: 3/4 pods ready; 3 exist)',
        ),
      });
    } finally {
      await lift();
    }
    await expect(s.backend('plain').heal(fault, { others: [] })).resolves.toMatchObject({ verified: true });
    expect(await s.replicas(STATEFULSETS, 'source-kafka')).toBe(3);
  });

  test('a missing set names the variable that configures it', async () => {
    const b = s.backend('plain', { env: { K8S_TARGET_BROKER_SET: 'statefulset/absent-kafka' } });
    await expect(b.inject(faultOf('add-broker', { target: 'target' }))).rejects.toMatchObject({
      code: 'inject_failed',
      retriable: false,
      message: expect.stringContaining(
        'statefulset/absent-kafka (the target brokers) does not exist in namespace kafka: deploy it or set K8S_TARGET_BROKER_SET and K8S_NAMESPACE',
      ),
    });
    expect(s.log.writes()).toEqual([]);
  });
});
