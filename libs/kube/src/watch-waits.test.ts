import { httpTransport } from './http-transport';
import { KubeClient } from './kube-client';
import type { Pod } from './objects';
import { PODS, STATEFULSETS } from './resource-types';
import { FakeApiServer, type RecordedRequest } from './testing';
import { untilReadyReplicas, waitFor } from './watch-waits';

// What a real API server does not do on request: end every watch now, forget its history, fail
// with a 503. The waits against a real one (list then watch, finalizers, timeouts, aborts):
// watch-waits.k8s.test.ts.

let fake: FakeApiServer;
let client: KubeClient;

beforeEach(async () => {
  fake = await FakeApiServer.start();
  client = new KubeClient(httpTransport(fake.connection()));
  fake.put(STATEFULSETS, {
    metadata: { name: 'kafka', namespace: 'ns' },
    spec: { replicas: 2, selector: { matchLabels: { app: 'kafka' } } },
  });
});
afterEach(() => fake.close());

const isWatch = (r: RecordedRequest) => r.query.watch === '1';
const isList = (r: RecordedRequest) => r.method === 'GET' && r.query.watch === undefined;

/** What the StatefulSet controller leaves once its two pods are Ready: the set's status. */
function runKafka() {
  fake.update(STATEFULSETS, 'ns', 'kafka', (s) => {
    s.status = { replicas: 2, readyReplicas: 2, updatedReplicas: 2, availableReplicas: 2, observedGeneration: s.metadata.generation };
  });
}

test('a watch the server ends is renewed from the last version seen, without listing again', async () => {
  const waiting = untilReadyReplicas(client, STATEFULSETS, 'ns', 'kafka', 2, { timeoutMs: 10_000 });
  const first = await fake.nextRequest(isWatch);
  fake.put(PODS, { metadata: { name: 'unrelated', namespace: 'ns' } });
  fake.update(STATEFULSETS, 'ns', 'kafka', (s) => void (s.metadata.labels = { touched: 'yes' }));
  const touched = fake.read(STATEFULSETS, 'ns', 'kafka')!.metadata.resourceVersion;
  await new Promise((r) => setImmediate(r));
  const count = fake.requests.length;
  fake.endWatches();
  const second = await fake.nextRequest(isWatch, count);
  runKafka();
  await waiting;
  expect(second.query.resourceVersion).toBe(touched);
  expect(Number(second.query.resourceVersion)).toBeGreaterThan(Number(first.query.resourceVersion));
  expect(fake.requests.filter(isList)).toHaveLength(1);
});

test('410 Gone on a renewed watch lists again; so does a retriable error', async () => {
  fake.failNext(isList, 503, 'ServiceUnavailable', 'etcd leader changed');
  const waiting = untilReadyReplicas(client, STATEFULSETS, 'ns', 'kafka', 2, { timeoutMs: 10_000 });
  await fake.nextRequest(isWatch);
  fake.update(STATEFULSETS, 'ns', 'kafka', (s) => void (s.metadata.labels = { touched: 'yes' }));
  await new Promise((r) => setImmediate(r));
  // The history moves on elsewhere and is compacted past the version the watch saw last.
  fake.put(PODS, { metadata: { name: 'unrelated', namespace: 'ns' } });
  fake.compact();
  fake.endWatches();
  runKafka();
  await waiting;
  expect(fake.requests.filter(isList)).toHaveLength(3);
});

test('a permanent error ends the wait at once', async () => {
  fake.failNext(isList, 403, 'Forbidden', 'pods is forbidden');
  await expect(
    waitFor<Pod, void>(client, PODS, 'ns', {}, () => ({ done: undefined }), 'anything', { timeoutMs: 10_000 }),
  ).rejects.toMatchObject({ code: 'forbidden' });
});
