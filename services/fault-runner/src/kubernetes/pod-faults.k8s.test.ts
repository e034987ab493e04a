/**
 * Pod faults (kill-broker, kill-replicator, pause-broker, pause-replicator) against a real
 * kube-apiserver (testing/kube-lab-sut.ts): pods deleted and made again by the real StatefulSet
 * and ReplicaSet controllers (plain SUT) or the Strimzi stand-in, readied by kwok; PodChaos
 * objects the CRD accepts, injected and recovered by the Chaos Mesh stand-in. The backend holds
 * the `fault-runner` service account's token; its requests are logged.
 */
import { PODS, POD_CHAOS, isPodReady, type KubeObject } from '@mirrorlab/kube';
import { faultOf } from '../testing/fault-of';
import { NEVER_INJECTED, NEVER_RECOVERED, NS, useLabSut } from '../testing/kube-lab-sut';
import { chaosName } from './chaos-objects';

const s = useLabSut();
const PODS_PATH = '/api/v1/namespaces/kafka/pods';
const CHAOS_PATH = '/apis/chaos-mesh.org/v1alpha1/namespaces/kafka/podchaos';

test('kill-broker deletes the broker pod with grace 0 and its uid; the pod comes back under its name, and the heal verifies a Ready replacement', async () => {
  const b = s.backend('strimzi');
  const victim = (await s.pod('source-source-dual-role-1'))!;
  const fault = faultOf('kill-broker', { target: 'source:2' });
  const injection = await b.inject(fault);
  expect(s.log.requests.find((r) => r.method === 'GET' && r.path === PODS_PATH && r.query.watch === undefined)?.query).toEqual({
    labelSelector: 'strimzi.io/cluster=source,strimzi.io/kind=Kafka,strimzi.io/broker-role=true',
  });
  expect(s.log.writes()).toEqual([`DELETE ${PODS_PATH}/source-source-dual-role-1`]);
  expect(s.log.requests.find((r) => r.method === 'DELETE')).toMatchObject({
    contentType: 'application/json',
    body: { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0, preconditions: { uid: victim.metadata.uid } },
  });
  expect(injection.effect).toEqual({ pod: 'source-source-dual-role-1', uid: victim.metadata.uid });
  expect(await b.verifyInjected(fault, injection.effect)).toMatchObject({ ok: true });

  const healed = await b.heal(fault, { effect: injection.effect, others: [] });
  expect(healed).toMatchObject({ verified: true, detail: expect.stringContaining('source brokers: 3/3 pods Ready') });
  expect(healed.detail).toContain('source-source-dual-role-1 replaced (uid');
  const after = (await s.pod('source-source-dual-role-1'))!;
  expect(after.metadata.uid).not.toBe(victim.metadata.uid);
  expect(isPodReady(after)).toBe(true);
  expect(s.log.writes()).toEqual([`DELETE ${PODS_PATH}/source-source-dual-role-1`]);
  expect(await b.verifyHealed(fault, { effect: injection.effect, others: [] })).toMatchObject({ ok: true });
});

test('kill-broker on the plain SUT: the StatefulSet controller makes the pod again, Ready, and the heal verifies it', async () => {
  const b = s.backend('plain');
  const fault = faultOf('kill-broker', { target: 'source:2' });
  const before = (await s.pod('source-kafka-1'))!;
  const injection = await b.inject(fault);
  expect(injection.effect).toEqual({ pod: 'source-kafka-1', uid: before.metadata.uid });
  expect(await b.verifyInjected(fault, injection.effect)).toMatchObject({ ok: true });
  const healed = await b.heal(fault, { effect: injection.effect, others: [] });
  expect(healed).toMatchObject({ verified: true, detail: expect.stringContaining('source brokers: 3/3 pods Ready') });
  const after = (await s.pod('source-kafka-1'))!;
  expect(after.metadata.uid).not.toBe(before.metadata.uid);
  expect(after.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'StatefulSet', name: 'source-kafka' });
  expect(isPodReady(after)).toBe(true);
});

test('kill-replicator deletes the MirrorMaker 2 pod of the plain SUT with grace 0; the ReplicaSet makes a new one', async () => {
  const b = s.backend('plain');
  const fault = faultOf('kill-replicator');
  const [before] = await s.podNames(s.sut('plain').replicator.selector);
  const injection = await b.inject(fault);
  expect(injection.effect).toMatchObject({ pod: before });
  expect(s.log.writes()).toEqual([`DELETE ${PODS_PATH}/${before}`]);
  expect(s.log.requests.find((r) => r.method === 'DELETE')?.body).toMatchObject({ gracePeriodSeconds: 0 });
  await expect(b.heal(fault, { effect: injection.effect, others: [] })).resolves.toMatchObject({
    verified: true,
    detail: expect.stringContaining('replicator: 1/1 pods Ready'),
  });
  const after = await s.podNames(s.sut('plain').replicator.selector);
  expect(after).toHaveLength(1);
  expect(after[0]).not.toBe(before);
});

test('kill-replicator on the Strimzi SUT: the KafkaMirrorMaker2 pod comes back under its name, a new incarnation', async () => {
  const b = s.backend('strimzi');
  const fault = faultOf('kill-replicator');
  const before = (await s.pod('mirror-mirrormaker2-0'))!;
  const injection = await b.inject(fault);
  expect(injection.effect).toEqual({ pod: 'mirror-mirrormaker2-0', uid: before.metadata.uid });
  expect(await b.heal(fault, { effect: injection.effect, others: [] })).toMatchObject({ verified: true });
  expect((await s.pod('mirror-mirrormaker2-0'))!.metadata.uid).not.toBe(before.metadata.uid);
});

test('a kill of a pod that is not Ready (a pause holds it) fails at once, is not retried, and deletes nothing', async () => {
  const b = s.backend('plain');
  const pause = faultOf('pause-broker', { target: 'target:1' });
  const injection = await b.inject(pause);
  try {
    await expect(b.inject(faultOf('kill-broker', { target: 'target:1' }))).rejects.toMatchObject({
      code: 'inject_failed',
      retriable: false,
      message: expect.stringContaining('pod target-kafka-0 is not Ready'),
    });
    expect(s.log.writes()).toEqual([`POST ${CHAOS_PATH}`]);
  } finally {
    await b.heal(pause, { effect: injection.effect, others: [] });
  }
});

test('pause-broker creates a PodChaos pod-failure on that pod and waits until it is injected and the pod not Ready; the heal deletes it (finalizer honoured)', async () => {
  const b = s.backend('strimzi');
  const fault = faultOf('pause-broker', { target: 'target:1' });
  const name = chaosName(fault);
  expect(name).toMatch(/^mirrorlab-pause-broker-[0-9a-f]{12}$/);
  const injection = await b.inject(fault);
  expect(s.log.writes()).toEqual([`POST ${CHAOS_PATH}`]);
  const chaos = (await s.lab.admin.get<KubeObject>(POD_CHAOS, NS, name))!;
  expect(chaos.metadata).toMatchObject({
    labels: {
      'app.kubernetes.io/managed-by': 'mirrorlab',
      'mirrorlab.io/fault-kind': 'pause-broker',
      'mirrorlab.io/fault-hash': name.slice(-12),
    },
    annotations: { 'mirrorlab.io/fault-id': 'sc-1/pause-broker', 'mirrorlab.io/scenario-id': 'sc-1' },
    finalizers: ['chaos-mesh/records'],
  });
  expect(chaos.spec).toEqual({ action: 'pod-failure', mode: 'all', selector: { pods: { kafka: ['target-target-dual-role-0'] } } });
  expect(injection.effect).toMatchObject({ chaos: name, pod: 'target-target-dual-role-0' });
  expect(isPodReady((await s.pod('target-target-dual-role-0'))!)).toBe(false);
  expect(await b.verifyInjected(fault, injection.effect)).toMatchObject({ ok: true });

  const healed = await b.heal(fault, { effect: injection.effect, others: [] });
  expect(healed).toMatchObject({ verified: true, detail: expect.stringContaining(`deleted PodChaos ${name}; it is gone`) });
  expect(s.log.writes()).toEqual([`POST ${CHAOS_PATH}`, `DELETE ${CHAOS_PATH}/${name}`]);
  expect(await s.lab.admin.find(POD_CHAOS, NS, name)).toBeUndefined();
  expect(isPodReady((await s.pod('target-target-dual-role-0'))!)).toBe(true);
  expect(await b.verifyHealed(fault, { others: [] })).toMatchObject({ ok: true });
});

test('pause-broker on the plain SUT: the StatefulSet pod not Ready while it holds, Ready again after the heal', async () => {
  const b = s.backend('plain');
  const fault = faultOf('pause-broker', { target: 'source:1' });
  const injection = await b.inject(fault);
  expect((await s.lab.admin.get<KubeObject>(POD_CHAOS, NS, chaosName(fault))).spec).toEqual({
    action: 'pod-failure',
    mode: 'all',
    selector: { pods: { kafka: ['source-kafka-0'] } },
  });
  expect(isPodReady((await s.pod('source-kafka-0'))!)).toBe(false);
  expect(await b.heal(fault, { effect: injection.effect, others: [] })).toMatchObject({ verified: true });
  expect(isPodReady((await s.pod('source-kafka-0'))!)).toBe(true);
});

test('pause-replicator heals from the request alone (a runner that died before recording the effect); a second heal finds nothing to delete', async () => {
  const b = s.backend('strimzi');
  const fault = faultOf('pause-replicator');
  await b.inject(fault);
  expect(isPodReady((await s.pod('mirror-mirrormaker2-0'))!)).toBe(false);
  await expect(b.heal(fault, { others: [] })).resolves.toMatchObject({ verified: true });
  expect(s.log.writes()).toEqual([`POST ${CHAOS_PATH}`, `DELETE ${CHAOS_PATH}/${chaosName(fault)}`]);
  expect(isPodReady((await s.pod('mirror-mirrormaker2-0'))!)).toBe(true);
  await expect(b.heal(fault, { others: [] })).resolves.toMatchObject({
    verified: true,
    detail: expect.stringContaining(`no PodChaos ${chaosName(fault)}`),
  });
});

test('a PodChaos Chaos Mesh never injects is an inject_failed timeout saying what it saw', async () => {
  const b = s.backend('strimzi', { healTimeoutMs: 1000 });
  const fault = faultOf('pause-broker', { target: 'source:1', faultId: `sc-1/${NEVER_INJECTED}` });
  await expect(b.inject(fault)).rejects.toMatchObject({
    code: 'inject_failed',
    message: expect.stringMatching(
      /Chaos Mesh to inject PodChaos mirrorlab-pause-broker-\w+: not seen within 1 s \(last seen: AllInjected is not reported yet\)/,
    ),
  });
  await expect(s.backend('strimzi').heal(fault, { others: [] })).resolves.toMatchObject({ verified: true });
});

test('a PodChaos that is never recovered leaves the heal unverified, with the reason', async () => {
  const b = s.backend('strimzi', { healTimeoutMs: 1000 });
  const fault = faultOf('pause-broker', { target: 'source:3', faultId: `sc-1/${NEVER_RECOVERED}` });
  try {
    await b.inject(fault);
    const healed = await b.heal(fault, { others: [] });
    expect(healed.verified).toBe(false);
    expect(healed.detail).toMatch(
      /the heal failed: .*gone: not seen within 1 s \(last seen: mirrorlab-pause-broker-\w+ still exists \(terminating, finalizers chaos-mesh\/records\)\)/,
    );
  } finally {
    // What a user does when Chaos Mesh cannot recover: take the finalizer off and delete the stuck pod.
    await s.lab.admin
      .patch(POD_CHAOS, NS, chaosName(fault), { type: 'merge', body: { metadata: { finalizers: null } } })
      .catch(() => undefined);
    await s.lab.admin.delete(PODS, NS, 'source-source-dual-role-2', { gracePeriodSeconds: 0 });
  }
});
