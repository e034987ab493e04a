/**
 * KubeClient against a real kube-apiserver (tools/kube-lab; `npm run test:k8s`): paths,
 * selectors, content types and bodies as the client sends them (a RequestLog), and what the
 * server answers: Status errors, uid preconditions, JSON patch `test` failures, the /scale
 * subresource, watches. Objects live in a namespace of their own; ConfigMaps where no
 * controller should touch them. (The errors a real server does not give on request, a 503 or a
 * compacted history, are in kube-client.test.ts.)
 */
import { httpTransport } from './http-transport';
import { KubeClient, jsonPointer } from './kube-client';
import { KubeError } from './kube-errors';
import type { KubeObject, ReplicatedObject, WatchEvent } from './objects';
import { NETWORK_CHAOS, STATEFULSETS, type ResourceType } from './resource-types';
import { RequestLog, connectKubeLab, type KubeLab } from './testing';

const NS = 'kube-client-test';
const CONFIGMAPS: ResourceType = { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespaced: true };
const NAMESPACES: ResourceType = { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false };

let lab: KubeLab;
let client: KubeClient;
const log = new RequestLog();
const last = () => log.requests[log.requests.length - 1];

beforeAll(async () => {
  lab = connectKubeLab();
  await lab.admin.create(NAMESPACES, '', { metadata: { name: NS } });
  client = new KubeClient(log.wrap(httpTransport(await lab.serviceAccountConnection('kube-system', 'default'))));
  // The client under test holds a token with no rights of its own: a Role gives it what the tests do.
  const rbac = await lab.kubectl(
    ['apply', '--server-side', '--field-manager=mirrorlab-tests', '-f', '-'],
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'Role',
          metadata: { name: 'kube-client-test', namespace: NS },
          rules: [
            { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'] },
            { apiGroups: ['apps'], resources: ['statefulsets', 'statefulsets/scale'], verbs: ['get', 'create', 'patch'] },
            { apiGroups: ['chaos-mesh.org'], resources: ['networkchaos'], verbs: ['create', 'patch'] },
          ],
        },
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'RoleBinding',
          metadata: { name: 'kube-client-test', namespace: NS },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'kube-client-test' },
          subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'kube-system' }],
        },
      ],
    }),
  );
  if (rbac.code !== 0) throw new Error(rbac.stderr);
  // The authorizer follows the Role through a watch: wait until it answers as the Role says.
  for (let attempt = 1; ; attempt++) {
    const check = await lab.kubectl([
      'auth',
      'can-i',
      'patch',
      'configmaps',
      '-n',
      NS,
      '--as',
      'system:serviceaccount:kube-system:default',
    ]);
    if (check.stdout.trim() === 'yes') break;
    if (attempt === 50) throw new Error('the authorizer does not allow the Role after 50 checks');
  }
}, 60_000);

beforeEach(() => log.clear());

test('create posts the object with its apiVersion and kind, strictly; a second create is a conflict; an unknown field is refused', async () => {
  const created = await client.create(CONFIGMAPS, NS, {
    metadata: { name: 'created', labels: { a: 'b' } },
    data: { k: 'v' },
  } as KubeObject);
  expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
  expect(last()).toEqual({
    method: 'POST',
    path: `/api/v1/namespaces/${NS}/configmaps`,
    query: { fieldValidation: 'Strict' },
    contentType: 'application/json',
    body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'created', namespace: NS, labels: { a: 'b' } }, data: { k: 'v' } },
    status: 201,
  });
  await expect(client.create(CONFIGMAPS, NS, { metadata: { name: 'created' } })).rejects.toMatchObject({
    code: 'conflict',
    status: 409,
    reason: 'AlreadyExists',
  });
  expect(log.conflicts()).toEqual([last()]);
  await expect(
    client.create(NETWORK_CHAOS, NS, { metadata: { name: 'typo' }, spec: { action: 'loss', mode: 'all', selector: {}, lost: {} } }),
  ).rejects.toMatchObject({ code: 'bad_request', status: 400, message: expect.stringContaining('unknown field "spec.lost"') });
});

test('get and list: paths, selectors in the query; 404 is not_found with the Status message, and find turns it into undefined', async () => {
  await client.create(CONFIGMAPS, NS, { metadata: { name: 'p-0', labels: { app: 'kafka', role: 'broker' } } });
  await client.create(CONFIGMAPS, NS, { metadata: { name: 'p-1', labels: { app: 'kafka' } } });
  expect((await client.get(CONFIGMAPS, NS, 'p-0')).metadata.labels).toEqual({ app: 'kafka', role: 'broker' });
  expect(last()).toMatchObject({ method: 'GET', path: `/api/v1/namespaces/${NS}/configmaps/p-0` });
  const list = await client.list(CONFIGMAPS, NS, { labelSelector: 'app=kafka,role=broker' });
  expect(list.items.map((p) => p.metadata.name)).toEqual(['p-0']);
  expect(list.metadata.resourceVersion).toMatch(/^\d+$/);
  expect(last()).toMatchObject({
    method: 'GET',
    path: `/api/v1/namespaces/${NS}/configmaps`,
    query: { labelSelector: 'app=kafka,role=broker' },
  });
  expect((await client.list(CONFIGMAPS, NS, { fieldSelector: 'metadata.name=p-1' })).items.map((p) => p.metadata.name)).toEqual(['p-1']);

  await expect(client.get(STATEFULSETS, NS, 'nope')).rejects.toMatchObject({
    code: 'not_found',
    status: 404,
    reason: 'NotFound',
    message: `get statefulsets.apps ${NS}/nope: statefulsets.apps "nope" not found`,
  });
  expect(await client.find(STATEFULSETS, NS, 'nope')).toBeUndefined();
});

test('the bearer token is what the server checks: a wrong one is 401; none, or one without the right, is 403 with what to do', async () => {
  const { ca } = await (await lab.serviceAccountConnection('kube-system', 'default')).requestOptions();
  const withHeaders = (headers: Record<string, string>) =>
    new KubeClient(httpTransport({ server: lab.server, requestOptions: async () => ({ ca, headers }) }));
  // No token: the anonymous user, who may do nothing here.
  await expect(withHeaders({}).get(CONFIGMAPS, NS, 'p-0')).rejects.toMatchObject({ code: 'forbidden', status: 403 });
  await expect(withHeaders({ Authorization: 'Bearer not-a-token' }).get(CONFIGMAPS, NS, 'p-0')).rejects.toMatchObject({
    code: 'unauthorized',
    status: 401,
  });
  const forbidden = await client.get(CONFIGMAPS, 'default', 'anything').catch((e: unknown) => e);
  expect(forbidden).toBeInstanceOf(KubeError);
  expect(forbidden).toMatchObject({
    code: 'forbidden',
    retriable: false,
    message: expect.stringContaining(
      'cannot get resource "configmaps" in API group "" in the namespace "default" (the service account lacks this right: see the Role in deploy/)',
    ),
  });
});

test('delete sends DeleteOptions with the grace period and the uid precondition; another uid is a conflict; a missing object resolves undefined', async () => {
  const object = await client.create<KubeObject>(CONFIGMAPS, NS, { metadata: { name: 'doomed' } });
  await expect(
    client.delete(CONFIGMAPS, NS, 'doomed', { gracePeriodSeconds: 0, uid: '00000000-0000-0000-0000-000000000000' }),
  ).rejects.toMatchObject({
    code: 'conflict',
    status: 409,
    message: expect.stringMatching(/precondition/i),
  });
  await client.delete(CONFIGMAPS, NS, 'doomed', { gracePeriodSeconds: 0, uid: object.metadata.uid });
  expect(last()).toMatchObject({
    method: 'DELETE',
    path: `/api/v1/namespaces/${NS}/configmaps/doomed`,
    contentType: 'application/json',
    body: { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0, preconditions: { uid: object.metadata.uid } },
  });
  expect(await lab.admin.find(CONFIGMAPS, NS, 'doomed')).toBeUndefined();
  expect(await client.delete(CONFIGMAPS, NS, 'doomed')).toBeUndefined();
});

test('patches carry the content type of their kind; JSON patch paths escape slashes, a failed test is 422; strategic merge is for built-in kinds only', async () => {
  await client.create(CONFIGMAPS, NS, { metadata: { name: 'patched' }, data: { replicas: '3' } } as KubeObject);
  await client.patch(CONFIGMAPS, NS, 'patched', { type: 'merge', body: { metadata: { annotations: { 'mirrorlab.io/x': '1' } } } });
  expect(last()).toMatchObject({
    method: 'PATCH',
    query: { fieldValidation: 'Strict' },
    contentType: 'application/merge-patch+json',
    body: { metadata: { annotations: { 'mirrorlab.io/x': '1' } } },
  });
  const path = jsonPointer('metadata', 'annotations', 'mirrorlab.io/x');
  expect(path).toBe('/metadata/annotations/mirrorlab.io~1x');
  const patched = await client.patch<KubeObject & { data?: Record<string, string> }>(CONFIGMAPS, NS, 'patched', {
    type: 'json',
    ops: [
      { op: 'test', path: '/data/replicas', value: '3' },
      { op: 'replace', path: '/data/replicas', value: '2' },
      { op: 'remove', path },
    ],
  });
  expect(last()).toMatchObject({ contentType: 'application/json-patch+json', body: expect.arrayContaining([{ op: 'remove', path }]) });
  expect(patched.data).toEqual({ replicas: '2' });
  expect(patched.metadata.annotations ?? {}).toEqual({});
  await expect(
    client.patch(CONFIGMAPS, NS, 'patched', { type: 'json', ops: [{ op: 'test', path: '/data/replicas', value: '3' }] }),
  ).rejects.toMatchObject({ code: 'invalid', status: 422 });
  await client.patch(CONFIGMAPS, NS, 'patched', { type: 'strategic', body: { data: { more: 'yes' } } });
  expect(last()).toMatchObject({ contentType: 'application/strategic-merge-patch+json' });
  await client.create(NETWORK_CHAOS, NS, { metadata: { name: 'x' }, spec: { action: 'loss', mode: 'all', selector: {} } });
  await expect(client.patch(NETWORK_CHAOS, NS, 'x', { type: 'strategic', body: {} })).rejects.toMatchObject({
    code: 'unsupported_media_type',
    status: 415,
  });
});

test('scale reads and writes the /scale subresource with a merge patch; a negative count is invalid', async () => {
  await client.create(STATEFULSETS, NS, {
    metadata: { name: 'scaled' },
    spec: {
      replicas: 1,
      serviceName: 'scaled',
      selector: { matchLabels: { app: 'scaled' } },
      template: { metadata: { labels: { app: 'scaled' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
    },
  } as ReplicatedObject);
  expect((await client.getScale(STATEFULSETS, NS, 'scaled')).spec.replicas).toBe(1);
  expect(last()).toMatchObject({ method: 'GET', path: `/apis/apps/v1/namespaces/${NS}/statefulsets/scaled/scale` });
  const scale = await client.scale(STATEFULSETS, NS, 'scaled', 5);
  expect(scale).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 5 } });
  expect(last()).toMatchObject({
    method: 'PATCH',
    path: `/apis/apps/v1/namespaces/${NS}/statefulsets/scaled/scale`,
    contentType: 'application/merge-patch+json',
    body: { spec: { replicas: 5 } },
  });
  expect((await lab.admin.get<ReplicatedObject>(STATEFULSETS, NS, 'scaled')).spec?.replicas).toBe(5);
  await expect(client.scale(STATEFULSETS, NS, 'scaled', -1)).rejects.toMatchObject({ code: 'invalid', status: 422 });
  await client.scale(STATEFULSETS, NS, 'scaled', 0);
});

test('watch streams the events after a resourceVersion, filtered by its selector, and ends quietly on abort', async () => {
  const list = await client.list(CONFIGMAPS, NS);
  const stop = new AbortController();
  const seen: Array<[string, string]> = [];
  const watching = (async () => {
    for await (const e of client.watch(
      CONFIGMAPS,
      NS,
      { resourceVersion: list.metadata.resourceVersion!, labelSelector: 'app=watched' },
      stop.signal,
    ) as AsyncIterable<WatchEvent>) {
      if (e.type === 'BOOKMARK') continue;
      seen.push([e.type, e.object.metadata.name]);
      if (seen.length === 3) stop.abort();
    }
  })();
  await lab.admin.create(CONFIGMAPS, NS, { metadata: { name: 'w-0', labels: { app: 'watched' } } });
  await lab.admin.create(CONFIGMAPS, NS, { metadata: { name: 'other', labels: { app: 'web' } } });
  await lab.admin.patch(CONFIGMAPS, NS, 'w-0', { type: 'merge', body: { metadata: { labels: { x: '1' } } } });
  await lab.admin.delete(CONFIGMAPS, NS, 'w-0');
  await watching;
  expect(seen).toEqual([
    ['ADDED', 'w-0'],
    ['MODIFIED', 'w-0'],
    ['DELETED', 'w-0'],
  ]);
  expect(log.requests.find((r) => r.query.watch === '1')).toMatchObject({
    method: 'GET',
    path: `/api/v1/namespaces/${NS}/configmaps`,
    query: { watch: '1', resourceVersion: list.metadata.resourceVersion, labelSelector: 'app=watched', allowWatchBookmarks: 'true' },
  });
});
