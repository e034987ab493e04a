import { PODS, STATEFULSETS } from '../resource-types';
import { FakeApiServer } from './fake-apiserver';

let fake: FakeApiServer;
beforeEach(async () => {
  fake = await FakeApiServer.start();
});
afterEach(() => fake.close());

const STS = '/apis/apps/v1/namespaces/kafka/statefulsets';

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

test('it serves reads and watches only: a write it does not model is 405, a subresource 404', async () => {
  fake.put(STATEFULSETS, { metadata: { name: 'kafka', namespace: 'kafka' }, spec: { replicas: 3 } });
  expect(await call('POST', STS, { metadata: { name: 'other' } })).toMatchObject({ status: 405, body: { reason: 'MethodNotAllowed' } });
  expect(await call('PATCH', `${STS}/kafka`, {}, 'application/merge-patch+json')).toMatchObject({ status: 405 });
  expect(await call('DELETE', `${STS}/kafka`)).toMatchObject({ status: 405 });
  expect(await call('GET', `${STS}/kafka/scale`)).toMatchObject({ status: 404 });
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
