import { KAFKA_NODE_POOLS } from '@mirrorlab/kube';
import { backendOn, faultOf, startFakeSut, type FakeSut } from '../testing/fake-sut';

let f: FakeSut;
afterEach(() => f.close());

test("cluster sizes are the broker sets' replicas", async () => {
  f = await startFakeSut('strimzi');
  f.fake.update(KAFKA_NODE_POOLS, 'kafka', 'target-dual-role', (p) => void (p.spec = { ...p.spec, replicas: 5 }));
  expect(await backendOn(f).clusterSizes()).toEqual({ source: 3, target: 5 });
  expect(f.fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
    'GET /apis/kafka.strimzi.io/v1/namespaces/kafka/kafkanodepools/source-dual-role',
    'GET /apis/kafka.strimzi.io/v1/namespaces/kafka/kafkanodepools/target-dual-role',
  ]);
});

test('admin faults take the Kafka admin path shared by every backend, never the Kubernetes API', async () => {
  f = await startFakeSut('strimzi');
  const backend = backendOn(f);
  await expect(backend.inject(faultOf('add-partitions', { target: 'orders', params: { count: 12 } }))).rejects.toMatchObject({
    code: 'kafka_failed',
  });
  await expect(backend.inject(faultOf('add-topic', { params: { name: 'orders.new' } }))).rejects.toMatchObject({ code: 'kafka_failed' });
  await expect(backend.inject(faultOf('reassign-partitions', { target: 'orders' }))).rejects.toMatchObject({ code: 'kafka_failed' });
  await expect(backend.heal(faultOf('add-topic', { params: { name: 'orders.new' } }), { others: [] })).resolves.toMatchObject({
    verified: true,
    detail: 'one-shot fault; nothing to undo',
  });
  expect(f.fake.requests).toEqual([]);
}, 30_000);

test('an API server that refuses the runner (RBAC) fails the inject with the reason, and the heal reports it unverified', async () => {
  f = await startFakeSut('strimzi');
  const backend = backendOn(f);
  f.fake.failNext(
    (r) => r.method === 'DELETE',
    403,
    'Forbidden',
    'pods "source-source-dual-role-0" is forbidden: User "system:serviceaccount:mirrorlab:fault-runner" cannot delete resource "pods"',
  );
  await expect(backend.inject(faultOf('kill-broker', { target: 'source:1' }))).rejects.toMatchObject({
    code: 'inject_failed',
    retriable: false,
    message: expect.stringContaining('cannot delete resource "pods" (the service account lacks this right: see the Role in deploy/)'),
  });
  f.fake.failNext(() => true, 403, 'Forbidden', 'kafkanodepools.kafka.strimzi.io is forbidden', 10);
  await expect(backend.heal(faultOf('remove-broker', { target: 'source:1' }), { others: [] })).resolves.toMatchObject({
    verified: false,
    detail: expect.stringContaining('is forbidden'),
  });
});
