import { NETWORK_CHAOS, PODS, STATEFULSETS } from '../resource-types';
import { FakeApiServer } from './fake-apiserver';

let fake: FakeApiServer;
beforeEach(async () => {
  fake = await FakeApiServer.start();
});
afterEach(() => fake.close());

const STS = '/apis/apps/v1/namespaces/kafka/statefulsets';
const CHAOS = '/apis/chaos-mesh.org/v1alpha1/namespaces/kafka/networkchaos';

async function call(method: string, path: string, body?: unknown, contentType = 'application/json') {
  const res = await fetch(`${fake.url}${path}`, {
    method,
    ...(body !== undefined
      ? { body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'Content-Type': contentType } }
      : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { items?: Array<{ metadata: { name: string } }> } };
}

test('errors are Kubernetes Status objects: 404 for an object and for an unknown resource', async () => {
  expect(await call('GET', `${STS}/nope`)).toEqual({
    status: 404,
    body: {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'statefulsets.apps "nope" not found',
      reason: 'NotFound',
      details: { name: 'nope', group: 'apps', kind: 'statefulsets' },
      code: 404,
    },
  });
  expect(await call('GET', '/apis/example.com/v1/namespaces/kafka/widgets')).toMatchObject({
    status: 404,
    body: { reason: 'NotFound', message: 'the server could not find the requested resource' },
  });
});

test('it serves reads, deletes and watches only: a write it does not model is 405, a subresource 404', async () => {
  fake.put(STATEFULSETS, { metadata: { name: 'kafka', namespace: 'kafka' }, spec: { replicas: 3 } });
  expect(await call('POST', STS, { metadata: { name: 'other' } })).toMatchObject({ status: 405, body: { reason: 'MethodNotAllowed' } });
  expect(await call('PATCH', `${STS}/kafka`, {}, 'application/merge-patch+json')).toMatchObject({ status: 405 });
  expect(await call('GET', `${STS}/kafka/scale`)).toMatchObject({ status: 404 });
});

test('DELETE: grace from the query or the body is recorded; pods in their grace period and objects with finalizers stay, terminating', async () => {
  fake.put(PODS, { metadata: { name: 'a', namespace: 'kafka' } });
  fake.put(PODS, { metadata: { name: 'b', namespace: 'kafka' } });
  fake.put(NETWORK_CHAOS, { metadata: { name: 'c', namespace: 'kafka', finalizers: ['chaos-mesh/records'] } });
  await call('DELETE', '/api/v1/namespaces/kafka/pods/a?gracePeriodSeconds=0');
  await call('DELETE', '/api/v1/namespaces/kafka/pods/b', { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 30 });
  await call('DELETE', `${CHAOS}/c`);
  expect(fake.deletions.map((d) => [d.name, d.gracePeriodSeconds])).toEqual([
    ['a', 0],
    ['b', 30],
    ['c', undefined],
  ]);
  expect(fake.read(PODS, 'kafka', 'a')).toBeUndefined();
  expect(fake.read(PODS, 'kafka', 'b')?.metadata).toMatchObject({ deletionTimestamp: expect.any(String), deletionGracePeriodSeconds: 30 });
  expect(fake.read(NETWORK_CHAOS, 'kafka', 'c')?.metadata.deletionTimestamp).toBeDefined();
  fake.update(NETWORK_CHAOS, 'kafka', 'c', (o) => void (o.metadata.finalizers = []));
  expect(fake.read(NETWORK_CHAOS, 'kafka', 'c')).toBeUndefined();
});

test('LIST filters by labels and fields; a bad selector is 400', async () => {
  fake.put(PODS, { metadata: { name: 'a', namespace: 'kafka', labels: { app: 'kafka' } } });
  fake.put(PODS, { metadata: { name: 'b', namespace: 'kafka', labels: { app: 'mm2' } } });
  fake.put(PODS, { metadata: { name: 'c', namespace: 'other', labels: { app: 'kafka' } } });
  const list = await call('GET', '/api/v1/namespaces/kafka/pods?labelSelector=app%3Dkafka');
  expect(list.body).toMatchObject({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: expect.any(String) } });
  expect(list.body.items?.map((p) => p.metadata.name)).toEqual(['a']);
  expect((await call('GET', '/api/v1/namespaces/kafka/pods?fieldSelector=metadata.name%3Db')).body.items).toHaveLength(1);
  expect(await call('GET', '/api/v1/namespaces/kafka/pods?fieldSelector=spec.nodeName%3Dx')).toMatchObject({
    status: 400,
    body: { message: 'field label not supported: spec.nodeName' },
  });
  expect((await call('GET', '/api/v1/namespaces/kafka/pods?labelSelector=a%20b%20c')).status).toBe(400);
});

test('WATCH sends newline-delimited events; an object that stops matching the selector is DELETED for that watch', async () => {
  fake.put(PODS, { metadata: { name: 'a', namespace: 'kafka', labels: { app: 'kafka' } } });
  const res = await fetch(`${fake.url}/api/v1/namespaces/kafka/pods?watch=1&resourceVersion=0&labelSelector=app%3Dkafka`);
  const reader = res.body!.getReader();
  let text = '';
  const read = async (lines: number) => {
    while (text.split('\n').length - 1 < lines) text += new TextDecoder().decode((await reader.read()).value);
  };
  await read(1);
  fake.update(PODS, 'kafka', 'a', (p) => void (p.metadata.labels = { app: 'web' }));
  fake.put(PODS, { metadata: { name: 'b', namespace: 'kafka', labels: { app: 'web' } } });
  fake.update(PODS, 'kafka', 'b', (p) => void (p.metadata.labels = { app: 'kafka' }));
  fake.remove(PODS, 'kafka', 'b');
  await read(4);
  await reader.cancel();
  const events = text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; object: { metadata: { name: string } } });
  expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED a', 'DELETED a', 'ADDED b', 'DELETED b']);
});
