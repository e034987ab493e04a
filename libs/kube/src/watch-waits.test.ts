import { httpTransport } from './http-transport';
import { KubeClient } from './kube-client';
import { KubeError } from './kube-errors';
import type { Pod } from './objects';
import { NETWORK_CHAOS, PODS, STATEFULSETS } from './resource-types';
import { FakeApiServer, type RecordedRequest } from './testing';
import { untilGone, untilPodsReady, untilReadyReplicas, waitFor } from './watch-waits';

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

/**
 * What the StatefulSet controller and the kubelet leave once they are done: pods kafka-0 and
 * kafka-1, Ready or not, and the set's status. (The real ones, reacting over time, are in every
 * *.k8s.test.ts.)
 */
function runKafka(ready: (name: string) => boolean = () => true) {
  for (const name of ['kafka-0', 'kafka-1']) {
    fake.put<Pod>(PODS, {
      metadata: { name, namespace: 'ns', labels: { app: 'kafka' } },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready(name) ? 'True' : 'False' }] },
    });
  }
  const readyCount = ['kafka-0', 'kafka-1'].filter((n) => ready(n)).length;
  fake.update(STATEFULSETS, 'ns', 'kafka', (s) => {
    s.status = {
      replicas: 2,
      readyReplicas: readyCount,
      updatedReplicas: 2,
      availableReplicas: readyCount,
      observedGeneration: s.metadata.generation,
    };
  });
}

test('untilReadyReplicas lists once, then follows one watch from the list version until the status says so', async () => {
  const waiting = untilReadyReplicas(client, STATEFULSETS, 'ns', 'kafka', 2, { timeoutMs: 10_000 });
  const watch = await fake.nextRequest(isWatch);
  runKafka();
  const sts = await waiting;
  expect(sts.status).toMatchObject({ replicas: 2, readyReplicas: 2 });
  const list = fake.requests.filter(isList);
  expect(list).toHaveLength(1);
  expect(list[0]).toMatchObject({ path: '/apis/apps/v1/namespaces/ns/statefulsets', query: { fieldSelector: 'metadata.name=kafka' } });
  expect(watch).toMatchObject({
    path: '/apis/apps/v1/namespaces/ns/statefulsets',
    query: { watch: '1', fieldSelector: 'metadata.name=kafka', resourceVersion: expect.stringMatching(/^\d+$/) },
  });
  expect(fake.requests.filter(isWatch)).toHaveLength(1);
});

test('a condition already true ends the wait after the list, with no watch', async () => {
  runKafka();
  await untilReadyReplicas(client, STATEFULSETS, 'ns', 'kafka', 2, { timeoutMs: 10_000 });
  const before = fake.requests.length;
  await untilPodsReady(client, 'ns', 'app=kafka', 2, { timeoutMs: 10_000 });
  expect(fake.requests.slice(before).map((r) => (isWatch(r) ? 'watch' : 'list'))).toEqual(['list']);
});

test('untilPodsReady with `replacing` waits for a new incarnation of a deleted pod', async () => {
  runKafka();
  const [first] = await untilPodsReady(client, 'ns', 'app=kafka', 2, { timeoutMs: 10_000 });
  await client.delete(PODS, 'ns', first.metadata.name, { gracePeriodSeconds: 0 });
  const replaced = untilPodsReady(client, 'ns', 'app=kafka', 2, {
    timeoutMs: 10_000,
    replacing: { name: first.metadata.name, uid: first.metadata.uid! },
  });
  await fake.nextRequest(isWatch);
  runKafka(); // the controller makes kafka-0 again: a new incarnation
  const pods = await replaced;
  expect(pods.map((p) => p.metadata.name)).toEqual(['kafka-0', 'kafka-1']);
  expect(pods[0].metadata.uid).not.toBe(first.metadata.uid);
});

test('untilGone waits through the finalizers of an object being deleted', async () => {
  fake.put(NETWORK_CHAOS, { metadata: { name: 'c', namespace: 'ns', finalizers: ['chaos-mesh/records'] } });
  await client.delete(NETWORK_CHAOS, 'ns', 'c');
  expect(fake.read(NETWORK_CHAOS, 'ns', 'c')?.metadata.deletionTimestamp).toBeDefined();
  const gone = untilGone(client, NETWORK_CHAOS, 'ns', 'c', { timeoutMs: 10_000 });
  await fake.nextRequest(isWatch);
  fake.update(NETWORK_CHAOS, 'ns', 'c', (o) => void (o.metadata.finalizers = []));
  await gone;
  expect(fake.read(NETWORK_CHAOS, 'ns', 'c')).toBeUndefined();
});

test('a wait that runs out of time is a KubeError timeout that says what it last saw', async () => {
  runKafka((name) => name !== 'kafka-1');
  const error = await untilPodsReady(client, 'ns', 'app=kafka', 2, { timeoutMs: 1000 }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(KubeError);
  expect(error).toMatchObject({
    code: 'timeout',
    message: expect.stringMatching(
      /^2 ready pods matching app=kafka in ns: not seen within 1 s \(last seen: 1\/2 pods ready; not ready: kafka-1\)$/,
    ),
  });
});

test('an aborted wait throws the signal reason', async () => {
  const stop = new AbortController();
  const waiting = untilGone(client, STATEFULSETS, 'ns', 'kafka', { timeoutMs: 10_000, signal: stop.signal });
  await fake.nextRequest(isWatch);
  const reason = new Error('scenario aborted');
  stop.abort(reason);
  await expect(waiting).rejects.toBe(reason);
});

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
