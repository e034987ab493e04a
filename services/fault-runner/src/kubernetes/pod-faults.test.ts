import { PODS, POD_CHAOS, isPodReady, type Pod } from '@mirrorlab/kube';
import { setPodReady } from '@mirrorlab/kube/testing';
import { backendOn, faultOf, startFakeSut, type FakeSut } from '../testing/fake-sut';
import { chaosName } from './chaos-objects';

let f: FakeSut;
afterEach(() => f.close());

const PODS_PATH = '/api/v1/namespaces/kafka/pods';
const CHAOS_PATH = '/apis/chaos-mesh.org/v1alpha1/namespaces/kafka/podchaos';

test('kill-broker deletes the broker pod with grace 0 and its uid; the heal verifies a Ready replacement', async () => {
  f = await startFakeSut('strimzi');
  const backend = backendOn(f);
  const victim = f.fake.read<Pod>(PODS, 'kafka', 'source-source-dual-role-1')!;
  const fault = faultOf('kill-broker', { target: 'source:2' });
  const injection = await backend.inject(fault);
  expect(f.fake.requests.find((r) => r.method === 'GET' && r.path === PODS_PATH && r.query.watch === undefined)?.query).toEqual({
    labelSelector: 'strimzi.io/cluster=source,strimzi.io/kind=Kafka,strimzi.io/broker-role=true',
  });
  expect(f.fake.writes()).toEqual([`DELETE ${PODS_PATH}/source-source-dual-role-1`]);
  expect(f.fake.requests.find((r) => r.method === 'DELETE')).toMatchObject({
    contentType: 'application/json',
    body: { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0, preconditions: { uid: victim.metadata.uid } },
  });
  expect(f.fake.deletions).toEqual([
    { resource: 'pods', namespace: 'kafka', name: 'source-source-dual-role-1', gracePeriodSeconds: 0, uid: victim.metadata.uid },
  ]);
  expect(injection.effect).toEqual({ pod: 'source-source-dual-role-1', uid: victim.metadata.uid });
  expect(await backend.verifyInjected(fault, injection.effect)).toMatchObject({ ok: true });

  const healed = await backend.heal(fault, { effect: injection.effect, others: [] });
  expect(healed).toMatchObject({ verified: true, detail: expect.stringContaining('source brokers: 3/3 pods Ready') });
  expect(healed.detail).toContain('source-source-dual-role-1 replaced (uid');
  expect(f.fake.read<Pod>(PODS, 'kafka', 'source-source-dual-role-1')?.metadata.uid).not.toBe(victim.metadata.uid);
  expect(f.fake.writes()).toEqual([`DELETE ${PODS_PATH}/source-source-dual-role-1`]);
  expect(await backend.verifyHealed(fault, { effect: injection.effect, others: [] })).toMatchObject({ ok: true });
});

test('kill-replicator deletes the MirrorMaker 2 pod of the plain SUT; the Deployment replaces it', async () => {
  f = await startFakeSut('plain');
  const backend = backendOn(f);
  const fault = faultOf('kill-replicator');
  const injection = await backend.inject(fault);
  expect(f.fake.writes()).toEqual([`DELETE ${PODS_PATH}/mirrormaker2-5d8c7b9f4-0`]);
  expect(f.fake.deletions[0]).toMatchObject({ gracePeriodSeconds: 0 });
  await expect(backend.heal(fault, { effect: injection.effect, others: [] })).resolves.toMatchObject({
    verified: true,
    detail: expect.stringContaining('replicator: 1/1 pods Ready'),
  });
});

test('a kill of a pod that is not Ready fails at once and is not retried (another fault holds it)', async () => {
  f = await startFakeSut('plain');
  setPodReady(f.fake, 'kafka', 'target-kafka-0', false);
  await expect(backendOn(f).inject(faultOf('kill-broker', { target: 'target:1' }))).rejects.toMatchObject({
    code: 'inject_failed',
    retriable: false,
    message: expect.stringContaining('pod target-kafka-0 is not Ready'),
  });
  expect(f.fake.writes()).toEqual([]);
});

test('pause-broker creates a PodChaos pod-failure on that pod and waits until it is injected and the pod not Ready', async () => {
  f = await startFakeSut('strimzi');
  const backend = backendOn(f);
  const fault = faultOf('pause-broker', { target: 'target:1' });
  const name = chaosName(fault);
  expect(name).toMatch(/^mirrorlab-pause-broker-[0-9a-f]{12}$/);
  const injection = await backend.inject(fault);
  expect(f.fake.writes()).toEqual([`POST ${CHAOS_PATH}`]);
  expect(f.fake.requests.find((r) => r.method === 'POST')).toMatchObject({
    contentType: 'application/json',
    body: {
      apiVersion: 'chaos-mesh.org/v1alpha1',
      kind: 'PodChaos',
      metadata: {
        name,
        namespace: 'kafka',
        labels: {
          'app.kubernetes.io/managed-by': 'mirrorlab',
          'mirrorlab.io/fault-kind': 'pause-broker',
          'mirrorlab.io/fault-hash': name.slice(-12),
        },
        annotations: { 'mirrorlab.io/fault-id': 'sc-1/pause-broker', 'mirrorlab.io/scenario-id': 'sc-1' },
      },
      spec: { action: 'pod-failure', mode: 'all', selector: { pods: { kafka: ['target-target-dual-role-0'] } } },
    },
  });
  expect(injection.effect).toMatchObject({ chaos: name, pod: 'target-target-dual-role-0' });
  expect(isPodReady(f.fake.read<Pod>(PODS, 'kafka', 'target-target-dual-role-0')!)).toBe(false);
  expect(await backend.verifyInjected(fault, injection.effect)).toMatchObject({ ok: true });

  const healed = await backend.heal(fault, { effect: injection.effect, others: [] });
  expect(healed).toMatchObject({ verified: true, detail: expect.stringContaining(`deleted PodChaos ${name}; it is gone`) });
  expect(f.fake.writes()).toEqual([`POST ${CHAOS_PATH}`, `DELETE ${CHAOS_PATH}/${name}`]);
  expect(f.fake.read(POD_CHAOS, 'kafka', name)).toBeUndefined();
  expect(isPodReady(f.fake.read<Pod>(PODS, 'kafka', 'target-target-dual-role-0')!)).toBe(true);
  expect(await backend.verifyHealed(fault, { others: [] })).toMatchObject({ ok: true });
});

test('pause-replicator heals from the request alone (a runner that died before recording the effect)', async () => {
  f = await startFakeSut('strimzi');
  const backend = backendOn(f);
  const fault = faultOf('pause-replicator');
  await backend.inject(fault);
  await expect(backend.heal(fault, { others: [] })).resolves.toMatchObject({ verified: true });
  expect(f.fake.writes()).toEqual([`POST ${CHAOS_PATH}`, `DELETE ${CHAOS_PATH}/${chaosName(fault)}`]);
  // Healing a healed fault only verifies.
  await expect(backend.heal(fault, { others: [] })).resolves.toMatchObject({
    verified: true,
    detail: expect.stringContaining(`no PodChaos ${chaosName(fault)}`),
  });
});

test('a PodChaos Chaos Mesh never injects is an inject_failed timeout saying what it saw', async () => {
  f = await startFakeSut('strimzi', { chaos: { injects: () => false } });
  await expect(backendOn(f, { healTimeoutMs: 1000 }).inject(faultOf('pause-broker', { target: 'source:1' }))).rejects.toMatchObject({
    code: 'inject_failed',
    message: expect.stringMatching(
      /Chaos Mesh to inject PodChaos mirrorlab-pause-broker-\w+: not seen within 1 s \(last seen: AllInjected is False\)/,
    ),
  });
});

test('a PodChaos that is never recovered leaves the heal unverified, with the reason', async () => {
  f = await startFakeSut('strimzi', { chaos: { recovers: () => false } });
  const backend = backendOn(f, { healTimeoutMs: 1000 });
  const fault = faultOf('pause-broker', { target: 'source:3' });
  await backend.inject(fault);
  const healed = await backend.heal(fault, { others: [] });
  expect(healed.verified).toBe(false);
  expect(healed.detail).toMatch(
    /the heal failed: .*gone: not seen within 1 s \(last seen: mirrorlab-pause-broker-\w+ still exists \(terminating, finalizers chaos-mesh\/records\)\)/,
  );
});
