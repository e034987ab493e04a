import { KubeClient, jsonPointer } from './kube-client';
import { httpTransport } from './http-transport';
import { KubeError } from './kube-errors';
import type { KubeObject, ReplicatedObject, WatchEvent } from './objects';
import { NETWORK_CHAOS, PODS, STATEFULSETS } from './resource-types';
import { FakeApiServer } from './testing';

let fake: FakeApiServer;
let client: KubeClient;

beforeEach(async () => {
  fake = await FakeApiServer.start({ token: 's3cret' });
  client = new KubeClient(httpTransport(fake.connection()));
  fake.put(STATEFULSETS, {
    metadata: { name: 'source-kafka', namespace: 'kafka', labels: { app: 'kafka' } },
    spec: { replicas: 3, selector: { matchLabels: { app: 'kafka' } } },
  });
});
afterEach(() => fake.close());

const last = () => fake.requests[fake.requests.length - 1];

test('get and list: paths, selectors in the query, the bearer token from the connection', async () => {
  const sts = await client.get<ReplicatedObject>(STATEFULSETS, 'kafka', 'source-kafka');
  expect(sts.spec?.replicas).toBe(3);
  expect(last()).toMatchObject({
    method: 'GET',
    path: '/apis/apps/v1/namespaces/kafka/statefulsets/source-kafka',
    authorization: 'Bearer s3cret',
  });
  fake.put(PODS, { metadata: { name: 'p-0', namespace: 'kafka', labels: { app: 'kafka', role: 'broker' } } });
  fake.put(PODS, { metadata: { name: 'p-1', namespace: 'kafka', labels: { app: 'kafka' } } });
  const list = await client.list(PODS, 'kafka', { labelSelector: 'app=kafka,role=broker' });
  expect(list.items.map((p) => p.metadata.name)).toEqual(['p-0']);
  expect(list.metadata.resourceVersion).toMatch(/^\d+$/);
  expect(last()).toMatchObject({ method: 'GET', path: '/api/v1/namespaces/kafka/pods', query: { labelSelector: 'app=kafka,role=broker' } });
});

test('errors are KubeErrors with the code and the Status message; find turns 404 into undefined', async () => {
  await expect(client.get(STATEFULSETS, 'kafka', 'nope')).rejects.toMatchObject({
    code: 'not_found',
    status: 404,
    reason: 'NotFound',
    message: 'get statefulsets.apps kafka/nope: statefulsets.apps "nope" not found',
  });
  expect(await client.find(STATEFULSETS, 'kafka', 'nope')).toBeUndefined();
  const unauthorized = new KubeClient(httpTransport({ server: fake.url, requestOptions: async () => ({}) }));
  await expect(unauthorized.get(STATEFULSETS, 'kafka', 'source-kafka')).rejects.toMatchObject({ code: 'unauthorized', status: 401 });
  fake.failNext(
    (r) => r.method === 'GET',
    403,
    'Forbidden',
    'statefulsets.apps "source-kafka" is forbidden: User "system:serviceaccount:mirrorlab:fault-runner" cannot get resource',
  );
  const forbidden = await client.get(STATEFULSETS, 'kafka', 'source-kafka').catch((e: unknown) => e);
  expect(forbidden).toBeInstanceOf(KubeError);
  expect(forbidden).toMatchObject({ code: 'forbidden', retriable: false, message: expect.stringContaining('see the Role in deploy/') });
  fake.failNext((r) => r.method === 'GET', 503, 'ServiceUnavailable', 'etcd is down');
  await expect(client.get(STATEFULSETS, 'kafka', 'source-kafka')).rejects.toMatchObject({
    code: 'api_error',
    status: 503,
    retriable: true,
  });
});

test('create posts the object with its apiVersion and kind; a second create is a conflict', async () => {
  const chaos: KubeObject = { metadata: { name: 'ml-loss', labels: { a: 'b' } }, spec: { action: 'loss' } };
  const created = await client.create(NETWORK_CHAOS, 'kafka', chaos);
  expect(created.metadata.uid).toBeDefined();
  expect(last()).toEqual({
    method: 'POST',
    path: '/apis/chaos-mesh.org/v1alpha1/namespaces/kafka/networkchaos',
    query: { fieldValidation: 'Strict' },
    contentType: 'application/json',
    body: {
      apiVersion: 'chaos-mesh.org/v1alpha1',
      kind: 'NetworkChaos',
      metadata: { name: 'ml-loss', namespace: 'kafka', labels: { a: 'b' } },
      spec: { action: 'loss' },
    },
    authorization: 'Bearer s3cret',
  });
  await expect(client.create(NETWORK_CHAOS, 'kafka', chaos)).rejects.toMatchObject({ code: 'conflict', reason: 'AlreadyExists' });
});

test('delete sends DeleteOptions with the grace period and the uid precondition; a missing object resolves undefined', async () => {
  const pod = fake.put(PODS, { metadata: { name: 'p-0', namespace: 'kafka' } });
  await expect(client.delete(PODS, 'kafka', 'p-0', { gracePeriodSeconds: 0, uid: 'other' })).rejects.toMatchObject({
    code: 'conflict',
    reason: 'Conflict',
  });
  await client.delete(PODS, 'kafka', 'p-0', { gracePeriodSeconds: 0, uid: pod.metadata.uid });
  expect(last()).toMatchObject({
    method: 'DELETE',
    path: '/api/v1/namespaces/kafka/pods/p-0',
    contentType: 'application/json',
    body: { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } },
  });
  expect(fake.deletions[fake.deletions.length - 1]).toEqual({
    resource: 'pods',
    namespace: 'kafka',
    name: 'p-0',
    gracePeriodSeconds: 0,
    uid: pod.metadata.uid,
  });
  expect(fake.read(PODS, 'kafka', 'p-0')).toBeUndefined();
  expect(await client.delete(PODS, 'kafka', 'p-0')).toBeUndefined();
});

test('patches carry the content type of their kind; JSON patch paths escape slashes', async () => {
  await client.patch(STATEFULSETS, 'kafka', 'source-kafka', {
    type: 'merge',
    body: { metadata: { annotations: { 'mirrorlab.io/x': '1' } } },
  });
  expect(last()).toMatchObject({
    method: 'PATCH',
    contentType: 'application/merge-patch+json',
    body: { metadata: { annotations: { 'mirrorlab.io/x': '1' } } },
  });
  const path = jsonPointer('metadata', 'annotations', 'mirrorlab.io/x');
  expect(path).toBe('/metadata/annotations/mirrorlab.io~1x');
  const patched = await client.patch<ReplicatedObject>(STATEFULSETS, 'kafka', 'source-kafka', {
    type: 'json',
    ops: [
      { op: 'test', path: '/spec/replicas', value: 3 },
      { op: 'replace', path: '/spec/replicas', value: 2 },
      { op: 'remove', path },
    ],
  });
  expect(last()).toMatchObject({
    contentType: 'application/json-patch+json',
    body: [
      { op: 'test', path: '/spec/replicas', value: 3 },
      { op: 'replace', path: '/spec/replicas', value: 2 },
      { op: 'remove', path },
    ],
  });
  expect(patched.spec?.replicas).toBe(2);
  expect(patched.metadata.annotations).toEqual({});
  await expect(
    client.patch(STATEFULSETS, 'kafka', 'source-kafka', { type: 'json', ops: [{ op: 'test', path: '/spec/replicas', value: 3 }] }),
  ).rejects.toMatchObject({
    code: 'invalid',
    status: 422,
    message: expect.stringContaining('test operation failed'),
  });
  await client.patch(STATEFULSETS, 'kafka', 'source-kafka', { type: 'strategic', body: { spec: { replicas: 1 } } });
  expect(last()).toMatchObject({ contentType: 'application/strategic-merge-patch+json' });
  fake.put(NETWORK_CHAOS, { metadata: { name: 'x', namespace: 'kafka' } });
  await expect(client.patch(NETWORK_CHAOS, 'kafka', 'x', { type: 'strategic', body: {} })).rejects.toMatchObject({
    code: 'unsupported_media_type',
    status: 415,
  });
});

test('scale reads and writes the /scale subresource with a merge patch', async () => {
  expect((await client.getScale(STATEFULSETS, 'kafka', 'source-kafka')).spec.replicas).toBe(3);
  expect(last()).toMatchObject({ method: 'GET', path: '/apis/apps/v1/namespaces/kafka/statefulsets/source-kafka/scale' });
  const scale = await client.scale(STATEFULSETS, 'kafka', 'source-kafka', 5);
  expect(scale).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 5 } });
  expect(last()).toMatchObject({
    method: 'PATCH',
    path: '/apis/apps/v1/namespaces/kafka/statefulsets/source-kafka/scale',
    contentType: 'application/merge-patch+json',
    body: { spec: { replicas: 5 } },
  });
  expect(fake.read<ReplicatedObject>(STATEFULSETS, 'kafka', 'source-kafka')?.spec?.replicas).toBe(5);
  await expect(client.scale(STATEFULSETS, 'kafka', 'source-kafka', -1)).rejects.toMatchObject({ code: 'invalid' });
});

test('watch streams the events after a resourceVersion and ends quietly on abort', async () => {
  const list = await client.list(PODS, 'kafka');
  const stop = new AbortController();
  const seen: Array<[string, string]> = [];
  const watching = (async () => {
    for await (const e of client.watch(
      PODS,
      'kafka',
      { resourceVersion: list.metadata.resourceVersion!, labelSelector: 'app=kafka' },
      stop.signal,
    ) as AsyncIterable<WatchEvent>) {
      seen.push([e.type, e.object.metadata.name]);
      if (seen.length === 3) stop.abort();
    }
  })();
  fake.put(PODS, { metadata: { name: 'p-0', namespace: 'kafka', labels: { app: 'kafka' } } });
  fake.put(PODS, { metadata: { name: 'other', namespace: 'kafka', labels: { app: 'web' } } });
  fake.update(PODS, 'kafka', 'p-0', (p) => void (p.metadata.labels = { app: 'kafka', x: '1' }));
  fake.remove(PODS, 'kafka', 'p-0');
  await watching;
  expect(seen).toEqual([
    ['ADDED', 'p-0'],
    ['MODIFIED', 'p-0'],
    ['DELETED', 'p-0'],
  ]);
  const watch = fake.requests.find((r) => r.query.watch === '1');
  expect(watch).toMatchObject({
    method: 'GET',
    path: '/api/v1/namespaces/kafka/pods',
    query: { watch: '1', resourceVersion: list.metadata.resourceVersion, labelSelector: 'app=kafka', allowWatchBookmarks: 'true' },
  });
});

test('a watch from a compacted resourceVersion throws gone', async () => {
  const list = await client.list(PODS, 'kafka');
  fake.put(PODS, { metadata: { name: 'p-0', namespace: 'kafka' } });
  fake.compact();
  const events = client.watch(PODS, 'kafka', { resourceVersion: list.metadata.resourceVersion! }, new AbortController().signal);
  await expect(events.next()).rejects.toMatchObject({ code: 'gone', status: 410 });
});

test('an unreachable server is an unreachable KubeError', async () => {
  const nowhere = new KubeClient(httpTransport({ server: 'http://127.0.0.1:9', requestOptions: async () => ({}) }));
  await expect(nowhere.get(PODS, 'kafka', 'p')).rejects.toMatchObject({ code: 'unreachable', retriable: true });
});
