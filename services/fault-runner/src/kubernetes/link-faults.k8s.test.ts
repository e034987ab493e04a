/**
 * Link faults (packet-loss, network-partition, bandwidth-cap, latency) against a real
 * kube-apiserver (testing/kube-lab-sut.ts): NetworkChaos objects the CRD accepts under strict
 * field validation, read back as stored, waited for until the Chaos Mesh stand-in reports them
 * AllInjected, and deleted by the heal until they are gone (its finalizer honoured). The
 * backend holds the `fault-runner` service account's token; its requests are logged.
 */
import { NETWORK_CHAOS, type KubeObject } from '@mirrorlab/kube';
import { faultOf } from '../testing/fault-of';
import { NEVER_RECOVERED, NS, useLabSut } from '../testing/kube-lab-sut';
import { chaosName } from './chaos-objects';

const s = useLabSut();
const CHAOS = '/apis/chaos-mesh.org/v1alpha1/namespaces/kafka/networkchaos';
const stored = (name: string) => s.lab.admin.find<KubeObject>(NETWORK_CHAOS, NS, name);

/** The link's two sides as Chaos Mesh selectors: by default the source brokers and the replicator pods. */
const STRIMZI_SOURCE = {
  namespaces: [NS],
  labelSelectors: { 'strimzi.io/cluster': 'source', 'strimzi.io/kind': 'Kafka', 'strimzi.io/broker-role': 'true' },
};
const STRIMZI_MIRROR = { namespaces: [NS], labelSelectors: { 'strimzi.io/cluster': 'mirror', 'strimzi.io/kind': 'KafkaMirrorMaker2' } };
const PLAIN_SOURCE = { namespaces: [NS], labelSelectors: { 'app.kubernetes.io/name': 'kafka', 'app.kubernetes.io/instance': 'source' } };
const PLAIN_MIRROR = { namespaces: [NS], labelSelectors: { 'app.kubernetes.io/name': 'mirrormaker2' } };

describe('latency: a NetworkChaos delay per sending side of the inter-DC link', () => {
  test('both ways on the Strimzi SUT: source brokers delay what they send to MirrorMaker 2 and MirrorMaker 2 what it sends back; the heal removes both, verified', async () => {
    const b = s.backend('strimzi');
    const fault = faultOf('latency', { params: { latency: '500ms', jitter: '10ms' } });
    const names = [chaosName(fault, 'to-target'), chaosName(fault, 'to-source')];
    const injection = await b.inject(fault);
    expect(s.log.writes()).toEqual([`POST ${CHAOS}`, `POST ${CHAOS}`]);
    const [toTarget, toSource] = await Promise.all(names.map(stored));
    expect(toTarget?.metadata).toMatchObject({
      labels: {
        'app.kubernetes.io/managed-by': 'mirrorlab',
        'mirrorlab.io/fault-kind': 'latency',
        'mirrorlab.io/sending': 'to-target',
      },
      annotations: { 'mirrorlab.io/fault-id': 'sc-1/latency' },
      finalizers: ['chaos-mesh/records'],
    });
    // As the API server stored them: nothing pruned or defaulted away by the CRD's schema.
    expect(toTarget?.spec).toEqual({
      action: 'delay',
      mode: 'all',
      selector: STRIMZI_SOURCE,
      direction: 'to',
      target: { mode: 'all', selector: STRIMZI_MIRROR },
      delay: { latency: '500ms', jitter: '10ms', correlation: '0' },
    });
    expect(toSource?.spec).toEqual({
      action: 'delay',
      mode: 'all',
      selector: STRIMZI_MIRROR,
      direction: 'to',
      target: { mode: 'all', selector: STRIMZI_SOURCE },
      delay: { latency: '500ms', jitter: '10ms', correlation: '0' },
    });
    expect(injection).toMatchObject({
      detail: expect.stringContaining(
        'NetworkChaos 500ms ±10ms delay, direction to; NetworkChaos 500ms ±10ms delay, direction to: AllInjected',
      ),
      effect: { chaos: names.join(',') },
    });
    expect(await b.verifyInjected(fault, injection.effect)).toEqual({ ok: true, detail: `injected: ${names.join(', ')}` });

    await expect(b.heal(fault, { effect: injection.effect, others: [] })).resolves.toMatchObject({
      verified: true,
      detail: expect.stringContaining('no NetworkChaos of mirrorlab left'),
    });
    expect(s.log.writes().slice(2)).toEqual(names.map((n) => `DELETE ${CHAOS}/${n}`));
    for (const name of names) expect(await stored(name)).toBeUndefined();
    expect(await b.verifyHealed(fault, { others: [] })).toMatchObject({ ok: true });
  });

  test('to-source only on the plain SUT: one object, the MirrorMaker 2 pods delaying what they send to the source brokers; healed from the request alone', async () => {
    const b = s.backend('plain');
    const fault = faultOf('latency', { params: { latency: '80ms', direction: 'to-source' } });
    const name = chaosName(fault, 'to-source');
    const injection = await b.inject(fault);
    expect(injection.effect).toEqual({ chaos: name });
    expect((await stored(name))?.spec).toEqual({
      action: 'delay',
      mode: 'all',
      selector: PLAIN_MIRROR,
      direction: 'to',
      target: { mode: 'all', selector: PLAIN_SOURCE },
      delay: { latency: '80ms', jitter: '0ms', correlation: '0' },
    });
    expect(await stored(chaosName(fault, 'to-target'))).toBeUndefined();
    expect(await b.verifyInjected(fault)).toMatchObject({ ok: true });
    // A runner that died before recording the effect heals from the fault alone.
    await expect(b.heal(fault, { others: [] })).resolves.toMatchObject({ verified: true });
    expect(await stored(name)).toBeUndefined();
    expect(await b.verifyHealed(fault, { others: [] })).toMatchObject({ ok: true });
  });
});

test('packet-loss creates one NetworkChaos, waits until it is injected; the heal deletes it and waits until it is gone', async () => {
  const b = s.backend('strimzi');
  const fault = faultOf('packet-loss', { params: { probability: 0.05 } });
  const name = chaosName(fault);
  const injection = await b.inject(fault);
  expect(s.log.writes()).toEqual([`POST ${CHAOS}`]);
  expect((await stored(name))?.spec).toEqual({
    action: 'loss',
    mode: 'all',
    selector: STRIMZI_SOURCE,
    direction: 'both',
    target: { mode: 'all', selector: STRIMZI_MIRROR },
    loss: { loss: '5', correlation: '0' },
  });
  // The wait for AllInjected lists that one object (then watches it, if it is not injected yet).
  expect(s.log.requests.find((r) => r.method === 'GET' && r.path === CHAOS)).toMatchObject({
    query: { fieldSelector: `metadata.name=${name}` },
  });
  expect(injection).toMatchObject({
    detail: expect.stringContaining('NetworkChaos 5% loss, direction both: AllInjected'),
    effect: { chaos: name },
  });
  expect(await b.verifyInjected(fault)).toMatchObject({ ok: true });

  const healed = await b.heal(fault, { effect: injection.effect, others: [] });
  expect(healed).toEqual({
    verified: true,
    detail: `deleted NetworkChaos ${name}; it is gone; no NetworkChaos of mirrorlab left in the namespace`,
    atMs: expect.any(Number),
  });
  expect(s.log.writes()).toEqual([`POST ${CHAOS}`, `DELETE ${CHAOS}/${name}`]);
  expect(await stored(name)).toBeUndefined();
});

test('network-partition in one direction on the plain SUT: source brokers to the MirrorMaker 2 pods', async () => {
  const b = s.backend('plain');
  const fault = faultOf('network-partition', { params: { direction: 'to-target' } });
  await b.inject(fault);
  expect((await stored(chaosName(fault)))?.spec).toEqual({
    action: 'partition',
    mode: 'all',
    direction: 'to',
    selector: PLAIN_SOURCE,
    target: { mode: 'all', selector: PLAIN_MIRROR },
  });
  await expect(b.heal(fault, { others: [] })).resolves.toMatchObject({ verified: true });
});

test('bandwidth-cap both ways: two objects, both awaited and both deleted; a second cap of another fault is refused', async () => {
  const b = s.backend('strimzi');
  const fault = faultOf('bandwidth-cap', { params: { rate: '512kbit' } });
  const injection = await b.inject(fault);
  const names = [chaosName(fault, 'to-target'), chaosName(fault, 'to-source')];
  expect(s.log.writes()).toEqual([`POST ${CHAOS}`, `POST ${CHAOS}`]);
  expect(injection.effect).toEqual({ chaos: names.join(',') });
  const [toTarget, toSource] = await Promise.all(names.map(stored));
  expect(toTarget?.spec).toMatchObject({
    action: 'bandwidth',
    direction: 'to',
    selector: STRIMZI_SOURCE,
    target: { mode: 'all', selector: STRIMZI_MIRROR },
    bandwidth: { rate: '512kbit', limit: 29_184, buffer: 16_384 },
  });
  expect(toSource?.spec).toMatchObject({ selector: STRIMZI_MIRROR, target: { mode: 'all', selector: STRIMZI_SOURCE } });
  const other = faultOf('bandwidth-cap', { params: { rate: '1mbit' }, faultId: 'sc-1/other' });
  await expect(b.inject(other)).rejects.toMatchObject({
    code: 'inject_failed',
    retriable: false,
    message: expect.stringContaining('a bandwidth cap of another fault is on the link'),
  });
  expect(s.log.writes()).toHaveLength(2);
  await expect(b.heal(fault, { others: [] })).resolves.toMatchObject({ verified: true });
  expect(s.log.writes().slice(2)).toEqual(names.map((n) => `DELETE ${CHAOS}/${n}`));
});

test('a heal verifies nothing of mirrorlab is left on the link, unless another link fault is still active', async () => {
  const b = s.backend('strimzi');
  const loss = faultOf('packet-loss', { params: { probability: 0.2 }, faultId: 'sc-1/loss' });
  const cut = faultOf('network-partition', { faultId: 'sc-1/cut' });
  await b.inject(loss);
  await b.inject(cut);
  await expect(b.heal(loss, { others: [cut] })).resolves.toMatchObject({
    verified: true,
    detail: expect.stringContaining('1 of sc-1/cut remain'),
  });
  expect(await b.verifyHealed(loss, { others: [] })).toEqual({
    ok: false,
    detail: `NetworkChaos left on the link: ${chaosName(cut)}`,
  });
  await expect(b.heal(cut, { others: [] })).resolves.toMatchObject({ verified: true });
  expect(await b.verifyHealed(loss, { others: [] })).toMatchObject({ ok: true });
});

test('an inject retried after a failure adopts its own object; an object of the same name being deleted is a conflict', async () => {
  const b = s.backend('strimzi', { healTimeoutMs: 1000 });
  const fault = faultOf('network-partition', { faultId: `sc-1/${NEVER_RECOVERED}` });
  const name = chaosName(fault);
  try {
    await b.inject(fault);
    await expect(b.inject(fault)).resolves.toMatchObject({ detail: expect.stringContaining(`${name} existing`) });
    // Chaos Mesh never lets it go (its recovery fails): the heal is not verified, and says why.
    const healed = await b.heal(fault, { others: [] });
    expect(healed.verified).toBe(false);
    expect(healed.detail).toMatch(
      new RegExp(`gone: not seen within 1 s \\(last seen: ${name} still exists \\(terminating, finalizers chaos-mesh/records\\)\\)`),
    );
    await expect(b.inject(fault)).rejects.toMatchObject({
      code: 'inject_failed',
      message: expect.stringContaining('is being deleted'),
    });
  } finally {
    // What a user does when Chaos Mesh cannot recover: take the finalizer off.
    await s.lab.admin.patch(NETWORK_CHAOS, NS, name, { type: 'merge', body: { metadata: { finalizers: null } } }).catch(() => undefined);
  }
});
