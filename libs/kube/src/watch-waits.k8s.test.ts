/**
 * The waits against a real kube-apiserver (tools/kube-lab; `npm run test:k8s`): a StatefulSet's
 * pods made by the real controller, placed by the scheduler and readied by kwok, and the requests
 * each wait sends (a RequestLog): one list, then a watch from its version, never polling. (A
 * watch the server ends, a 410 Gone, an injected 503: watch-waits.test.ts.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { httpTransport } from './http-transport';
import { KubeClient } from './kube-client';
import { KubeError } from './kube-errors';
import type { KubeObject, ReplicatedObject } from './objects';
import { PODS, STATEFULSETS, type ResourceType } from './resource-types';
import { RequestLog, capPods, connectKubeLab, type KubeLab } from './testing';
import { untilGone, untilPodsReady, untilReadyReplicas } from './watch-waits';

const NS = 'watch-waits-test';
const CONFIGMAPS: ResourceType = { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespaced: true };
const NAMESPACES: ResourceType = { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false };

let lab: KubeLab;
let client: KubeClient;
const log = new RequestLog();
const isWatch = (r: { query: Record<string, string> }) => r.query.watch === '1';
const untilWatching = async () => {
  while (!log.requests.some(isWatch)) await delay(20);
};

beforeAll(async () => {
  lab = connectKubeLab();
  await lab.admin.create(NAMESPACES, '', { metadata: { name: NS } });
  // As the admin (what is under test is the waits, not RBAC), its requests logged.
  const ca = readFileSync(join(lab.dir, 'pki/ca.crt'));
  const token = readFileSync(join(lab.dir, 'admin.token'), 'utf8').trim();
  client = new KubeClient(
    log.wrap(httpTransport({ server: lab.server, requestOptions: async () => ({ ca, headers: { Authorization: `Bearer ${token}` } }) })),
  );
  await client.create<ReplicatedObject>(STATEFULSETS, NS, {
    metadata: { name: 'kafka' },
    spec: {
      replicas: 0,
      serviceName: 'kafka',
      selector: { matchLabels: { app: 'kafka' } },
      template: { metadata: { labels: { app: 'kafka' } }, spec: { containers: [{ name: 'kafka', image: 'kafka' }] } },
    },
  });
}, 60_000);

beforeEach(() => log.clear());

test('untilReadyReplicas lists once, then follows one watch from the list version until the status says so; once true, a wait only lists', async () => {
  const waiting = untilReadyReplicas(client, STATEFULSETS, NS, 'kafka', 2, { timeoutMs: 60_000 });
  await untilWatching(); // the list saw no replicas: it cannot be done without the watch
  await lab.admin.scale(STATEFULSETS, NS, 'kafka', 2);
  const sts = await waiting;
  expect(sts.status).toMatchObject({ replicas: 2, readyReplicas: 2 });
  const path = `/apis/apps/v1/namespaces/${NS}/statefulsets`;
  const lists = log.requests.filter((r) => !isWatch(r));
  expect(lists).toEqual([expect.objectContaining({ method: 'GET', path, query: { fieldSelector: 'metadata.name=kafka' } })]);
  expect(log.requests.filter(isWatch)).toEqual([
    expect.objectContaining({
      path,
      query: expect.objectContaining({ watch: '1', fieldSelector: 'metadata.name=kafka', resourceVersion: expect.stringMatching(/^\d+$/) }),
    }),
  ]);
  log.clear();
  await untilPodsReady(client, NS, 'app=kafka', 2, { timeoutMs: 60_000 });
  expect(log.requests.map((r) => (isWatch(r) ? 'watch' : 'list'))).toEqual(['list']);
});

test('untilPodsReady with `replacing` waits for a new incarnation of a deleted pod', async () => {
  const [first] = await untilPodsReady(client, NS, 'app=kafka', 2, { timeoutMs: 60_000 });
  await client.delete(PODS, NS, first.metadata.name, { gracePeriodSeconds: 0 });
  const pods = await untilPodsReady(client, NS, 'app=kafka', 2, {
    timeoutMs: 60_000,
    replacing: { name: first.metadata.name, uid: first.metadata.uid! },
  });
  expect(pods.map((p) => p.metadata.name)).toEqual(['kafka-0', 'kafka-1']);
  expect(pods[0].metadata.uid).not.toBe(first.metadata.uid);
});

test('untilGone waits through the finalizers of an object being deleted', async () => {
  await lab.admin.create(CONFIGMAPS, NS, { metadata: { name: 'held', finalizers: ['example.com/hold'] } });
  await lab.admin.delete(CONFIGMAPS, NS, 'held');
  expect((await lab.admin.get(CONFIGMAPS, NS, 'held')).metadata.deletionTimestamp).toBeDefined();
  const gone = untilGone(client, CONFIGMAPS, NS, 'held', { timeoutMs: 60_000 });
  await untilWatching();
  await lab.admin.patch(CONFIGMAPS, NS, 'held', { type: 'merge', body: { metadata: { finalizers: null } } });
  await gone;
  expect(await lab.admin.find(CONFIGMAPS, NS, 'held')).toBeUndefined();
});

test('a wait that runs out of time is a KubeError timeout that says what it last saw', async () => {
  const lift = await capPods(lab.admin, NS);
  try {
    await lab.admin.scale(STATEFULSETS, NS, 'kafka', 3);
    const error = await untilPodsReady(client, NS, 'app=kafka', 3, { timeoutMs: 1000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeError);
    expect(error).toMatchObject({
      code: 'timeout',
      message: `3 ready pods matching app=kafka in ${NS}: not seen within 1 s (last seen: 2/3 pods ready; 2 exist)`,
    });
  } finally {
    await lab.admin.scale(STATEFULSETS, NS, 'kafka', 2);
    await lift();
  }
});

test('an aborted wait throws the signal reason', async () => {
  await lab.admin.create<KubeObject>(CONFIGMAPS, NS, { metadata: { name: 'staying' } });
  const stop = new AbortController();
  const waiting = untilGone(client, CONFIGMAPS, NS, 'staying', { timeoutMs: 60_000, signal: stop.signal });
  await untilWatching();
  const reason = new Error('scenario aborted');
  stop.abort(reason);
  await expect(waiting).rejects.toBe(reason);
});
