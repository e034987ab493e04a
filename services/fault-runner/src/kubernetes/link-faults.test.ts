import { NETWORK_CHAOS } from '@mirrorlab/kube';
import { backendOn, faultOf, startFakeSut, type FakeSut } from '../testing/fake-sut';
import { chaosName } from './chaos-objects';

let f: FakeSut;
afterEach(() => f.close());

const CHAOS = '/apis/chaos-mesh.org/v1alpha1/namespaces/kafka/networkchaos';

test('packet-loss creates one NetworkChaos, waits until it is injected; the heal deletes it and waits until it is gone', async () => {
  f = await startFakeSut('strimzi');
  const backend = backendOn(f);
  const fault = faultOf('packet-loss', { params: { probability: 0.05 } });
  const name = chaosName(fault);
  const injection = await backend.inject(fault);
  expect(f.fake.writes()).toEqual([`POST ${CHAOS}`]);
  expect(f.fake.requests.find((r) => r.method === 'POST')?.body).toMatchObject({
    apiVersion: 'chaos-mesh.org/v1alpha1',
    kind: 'NetworkChaos',
    metadata: {
      name,
      namespace: 'kafka',
      labels: { 'app.kubernetes.io/managed-by': 'mirrorlab', 'mirrorlab.io/fault-kind': 'packet-loss' },
    },
    spec: { action: 'loss', direction: 'both', loss: { loss: '5', correlation: '0' } },
  });
  // The wait for AllInjected lists that one object (then watches it, if it is not injected yet).
  expect(f.fake.requests.find((r) => r.method === 'GET' && r.path === CHAOS)).toMatchObject({
    query: { fieldSelector: `metadata.name=${name}` },
  });
  expect(injection).toMatchObject({
    detail: expect.stringContaining('NetworkChaos 5% loss, direction both: AllInjected'),
    effect: { chaos: name },
  });
  expect(await backend.verifyInjected(fault)).toMatchObject({ ok: true });

  const healed = await backend.heal(fault, { effect: injection.effect, others: [] });
  expect(healed).toEqual({
    verified: true,
    detail: `deleted NetworkChaos ${name}; it is gone; no NetworkChaos of mirrorlab left in the namespace`,
    atMs: expect.any(Number),
  });
  expect(f.fake.writes()).toEqual([`POST ${CHAOS}`, `DELETE ${CHAOS}/${name}`]);
  expect(f.fake.read(NETWORK_CHAOS, 'kafka', name)).toBeUndefined();
});

test('network-partition in one direction on the plain SUT: source brokers to the MirrorMaker 2 pods', async () => {
  f = await startFakeSut('plain');
  const backend = backendOn(f);
  const fault = faultOf('network-partition', { params: { direction: 'to-target' } });
  await backend.inject(fault);
  expect(f.fake.requests.find((r) => r.method === 'POST')?.body).toMatchObject({
    spec: {
      action: 'partition',
      mode: 'all',
      direction: 'to',
      selector: { namespaces: ['kafka'], labelSelectors: { 'app.kubernetes.io/name': 'kafka', 'app.kubernetes.io/instance': 'source' } },
      target: { mode: 'all', selector: { namespaces: ['kafka'], labelSelectors: { 'app.kubernetes.io/name': 'mirrormaker2' } } },
    },
  });
  await expect(backend.heal(fault, { others: [] })).resolves.toMatchObject({ verified: true });
});

test('bandwidth-cap both ways: two objects, both awaited and both deleted; a second cap of another fault is refused', async () => {
  f = await startFakeSut('strimzi');
  const backend = backendOn(f);
  const fault = faultOf('bandwidth-cap', { params: { rate: '512kbit' } });
  const injection = await backend.inject(fault);
  const names = [chaosName(fault, 'to-target'), chaosName(fault, 'to-source')];
  expect(f.fake.writes()).toEqual([`POST ${CHAOS}`, `POST ${CHAOS}`]);
  expect(injection.effect).toEqual({ chaos: names.join(',') });
  const other = faultOf('bandwidth-cap', { params: { rate: '1mbit' }, faultId: 'sc-1/other' });
  await expect(backend.inject(other)).rejects.toMatchObject({
    code: 'inject_failed',
    retriable: false,
    message: expect.stringContaining('a bandwidth cap of another fault is on the link'),
  });
  expect(f.fake.writes()).toHaveLength(2);
  await expect(backend.heal(fault, { others: [] })).resolves.toMatchObject({ verified: true });
  expect(f.fake.writes().slice(2)).toEqual(names.map((n) => `DELETE ${CHAOS}/${n}`));
});

test('latency creates a NetworkChaos delay per sending side between source brokers and MirrorMaker 2; the heal removes both', async () => {
  f = await startFakeSut('strimzi');
  const backend = backendOn(f);
  const fault = faultOf('latency', { params: { latency: '500ms', jitter: '10ms' } });
  const names = [chaosName(fault, 'to-target'), chaosName(fault, 'to-source')];
  const injection = await backend.inject(fault);
  expect(f.fake.writes()).toEqual([`POST ${CHAOS}`, `POST ${CHAOS}`]);
  const bodies = f.fake.requests.filter((r) => r.method === 'POST').map((r) => r.body);
  expect(bodies[0]).toMatchObject({
    kind: 'NetworkChaos',
    metadata: { name: names[0], labels: { 'mirrorlab.io/fault-kind': 'latency', 'mirrorlab.io/sending': 'to-target' } },
    spec: {
      action: 'delay',
      direction: 'to',
      delay: { latency: '500ms', jitter: '10ms', correlation: '0' },
      selector: { labelSelectors: { 'strimzi.io/cluster': 'source' } },
    },
  });
  expect(bodies[1]).toMatchObject({
    spec: { action: 'delay', direction: 'to', selector: { labelSelectors: { 'strimzi.io/cluster': 'mirror' } } },
  });
  expect(injection).toMatchObject({
    detail: expect.stringContaining('NetworkChaos 500ms ±10ms delay, direction to'),
    effect: { chaos: names.join(',') },
  });
  for (const name of names) expect(f.fake.read(NETWORK_CHAOS, 'kafka', name)).toBeDefined();
  expect(await backend.verifyInjected(fault)).toMatchObject({ ok: true });

  await expect(backend.heal(fault, { effect: injection.effect, others: [] })).resolves.toMatchObject({
    verified: true,
    detail: expect.stringContaining('no NetworkChaos of mirrorlab left'),
  });
  expect(f.fake.writes().slice(2)).toEqual(names.map((n) => `DELETE ${CHAOS}/${n}`));
  for (const name of names) expect(f.fake.read(NETWORK_CHAOS, 'kafka', name)).toBeUndefined();
  expect(await backend.verifyHealed(fault, { others: [] })).toMatchObject({ ok: true });
});

test('a heal verifies nothing of mirrorlab is left on the link, unless another link fault is still active', async () => {
  f = await startFakeSut('strimzi');
  const backend = backendOn(f);
  const loss = faultOf('packet-loss', { params: { probability: 0.2 }, faultId: 'sc-1/loss' });
  const cut = faultOf('network-partition', { faultId: 'sc-1/cut' });
  await backend.inject(loss);
  await backend.inject(cut);
  await expect(backend.heal(loss, { others: [cut] })).resolves.toMatchObject({
    verified: true,
    detail: expect.stringContaining('1 of sc-1/cut remain'),
  });
  expect(await backend.verifyHealed(loss, { others: [] })).toEqual({
    ok: false,
    detail: `NetworkChaos left on the link: ${chaosName(cut)}`,
  });
  await expect(backend.heal(cut, { others: [] })).resolves.toMatchObject({ verified: true });
  expect(await backend.verifyHealed(loss, { others: [] })).toMatchObject({ ok: true });
});

test('an inject retried after a failure adopts its own object; an object of the same name being deleted is a conflict', async () => {
  f = await startFakeSut('strimzi', { chaos: { recovers: () => false } });
  const backend = backendOn(f, { healTimeoutMs: 1000 });
  const fault = faultOf('network-partition');
  await backend.inject(fault);
  await expect(backend.inject(fault)).resolves.toMatchObject({ detail: expect.stringContaining(`${chaosName(fault)} existing`) });
  await expect(backend.heal(fault, { others: [] })).resolves.toMatchObject({ verified: false });
  await expect(backend.inject(fault)).rejects.toMatchObject({
    code: 'inject_failed',
    message: expect.stringContaining('is being deleted'),
  });
});
