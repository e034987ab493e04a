import { KubeClient } from './kube-client';
import { httpTransport } from './http-transport';
import { PODS, STATEFULSETS } from './resource-types';
import { FakeApiServer } from './testing';

// What a real API server does not do on request. The rest of the client (paths, selectors,
// create, delete, patches, /scale, watches, 401/403/404/409/415/422) is tested against a real
// one: kube-client.k8s.test.ts.
let fake: FakeApiServer;
let client: KubeClient;

beforeEach(async () => {
  fake = await FakeApiServer.start();
  client = new KubeClient(httpTransport(fake.connection()));
  fake.put(STATEFULSETS, { metadata: { name: 'source-kafka', namespace: 'kafka' }, spec: { replicas: 3 } });
});
afterEach(() => fake.close());

test('a 5xx is an api_error the caller may retry, with the Status message', async () => {
  fake.failNext((r) => r.method === 'GET', 503, 'ServiceUnavailable', 'etcd is down');
  await expect(client.get(STATEFULSETS, 'kafka', 'source-kafka')).rejects.toMatchObject({
    code: 'api_error',
    status: 503,
    retriable: true,
    message: expect.stringContaining('etcd is down'),
  });
  expect((await client.get(STATEFULSETS, 'kafka', 'source-kafka')).metadata.name).toBe('source-kafka');
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
