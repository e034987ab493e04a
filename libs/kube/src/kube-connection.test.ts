import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ConfigError } from '@mirrorlab/service-kit';
import { loadKubeConnection } from './kube-connection';
import type { KubeConfigSource, LoadedKubeConfig } from './kubeconfig-adapter';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kube-conn-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const loaded: LoadedKubeConfig = {
  server: 'https://k8s.example:6443',
  context: 'lab',
  namespace: 'kafka',
  requestOptions: async () => ({ headers: { Authorization: 'Bearer t' } }),
};

async function configError(promise: Promise<unknown>): Promise<ConfigError> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

test('KUBECONFIG naming a file that does not exist is a config error naming the variable and the file', async () => {
  const error = await configError(loadKubeConnection({ env: { KUBECONFIG: '/nowhere/config' }, load: async () => loaded }));
  expect(error.problems).toEqual([
    {
      variable: 'KUBECONFIG',
      expected: 'a kubeconfig file that exists (several: separated by ":")',
      got: '"/nowhere/config" (/nowhere/config: no such file)',
    },
  ]);
  expect(error.message).toContain('KUBECONFIG: expected a kubeconfig file that exists');
});

test('no KUBECONFIG, not in a pod and no ~/.kube/config: a config error, never a fallback to localhost', async () => {
  const error = await configError(loadKubeConnection({ env: {}, home: dir, load: async () => loaded }));
  expect(error.problems[0]).toMatchObject({ variable: 'KUBECONFIG', got: expect.stringContaining('the variable is not set') });
});

test('a kubeconfig the loader cannot read is a config error with the loader message', async () => {
  const file = path.join(dir, 'config');
  writeFileSync(file, 'not: [a kubeconfig');
  const error = await configError(
    loadKubeConnection({ env: { KUBECONFIG: file }, load: async () => Promise.reject(new Error('no current-context')) }),
  );
  expect(error.problems[0]).toMatchObject({
    variable: 'KUBECONFIG',
    expected: 'a readable kubeconfig with a current context and its cluster',
    got: `kubeconfig ${file}: no current-context`,
  });
});

test('the sources in order: KUBECONFIG (several files), the service account in a pod, then ~/.kube/config', async () => {
  const seen: KubeConfigSource[] = [];
  const load = async (source: KubeConfigSource) => (seen.push(source), loaded);
  const [a, b] = [path.join(dir, 'a'), path.join(dir, 'b')];
  writeFileSync(a, '');
  writeFileSync(b, '');
  mkdirSync(path.join(dir, 'var/run/secrets/kubernetes.io/serviceaccount'), { recursive: true });
  writeFileSync(path.join(dir, 'var/run/secrets/kubernetes.io/serviceaccount/token'), 'sa-token');
  mkdirSync(path.join(dir, '.kube'));
  writeFileSync(path.join(dir, '.kube/config'), '');
  const conn = await loadKubeConnection({
    env: { KUBECONFIG: `${a}:${b}`, KUBERNETES_SERVICE_HOST: '10.0.0.1' },
    inClusterRoot: dir,
    home: dir,
    load,
  });
  expect(conn).toMatchObject({ server: 'https://k8s.example:6443', namespace: 'kafka', source: `kubeconfig ${a}:${b} (context lab)` });
  expect(await conn.requestOptions()).toEqual({ headers: { Authorization: 'Bearer t' } });
  expect((await loadKubeConnection({ env: { KUBERNETES_SERVICE_HOST: '10.0.0.1' }, inClusterRoot: dir, home: dir, load })).source).toBe(
    'in-cluster service account',
  );
  expect((await loadKubeConnection({ env: {}, inClusterRoot: dir, home: dir, load })).source).toBe(
    `kubeconfig ${path.join(dir, '.kube/config')} (context lab)`,
  );
  expect(seen).toEqual([
    { kind: 'files', paths: [a, b] },
    { kind: 'in-cluster', root: dir },
    { kind: 'files', paths: [path.join(dir, '.kube/config')] },
  ]);
});

/**
 * The real @kubernetes/client-node KubeConfig, through kubeconfig-adapter.ts, in a Node 24
 * child process: the package is ESM-only and jest here runs CommonJS. Node runs the adapter's
 * TypeScript as is (it has only erasable syntax and no relative imports).
 */
const node24 =
  Number(process.versions.node.split('.')[0]) >= 24
    ? process.execPath
    : path.join(path.dirname(require.resolve('node/package.json')), 'bin', 'node');

async function adapterSays(source: KubeConfigSource, env: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const adapter = path.join(__dirname, 'kubeconfig-adapter.ts');
  const script = `
    const { loadKubeConfig } = await import(${JSON.stringify(adapter)});
    const c = await loadKubeConfig(${JSON.stringify(source)});
    const o = await c.requestOptions();
    console.log(JSON.stringify({ server: c.server, context: c.context, namespace: c.namespace ?? null, authorization: o.headers?.Authorization ?? null, agent: o.agent?.constructor.name ?? null, ca: o.ca ? String(o.ca) : null }));`;
  const { stdout } = await promisify(execFile)(node24, ['--no-warnings', '--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  return JSON.parse(stdout.trim().split('\n').pop() as string) as Record<string, unknown>;
}

test('the real KubeConfig reads a kubeconfig file: server, context, namespace and the bearer token', async () => {
  const file = path.join(dir, 'config');
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: lab',
      'clusters: [{ name: lab, cluster: { server: "http://127.0.0.1:6443", insecure-skip-tls-verify: true } }]',
      'users: [{ name: runner, user: { token: abc123 } }]',
      'contexts: [{ name: lab, context: { cluster: lab, user: runner, namespace: kafka } }]',
    ].join('\n'),
  );
  expect(await adapterSays({ kind: 'files', paths: [file] })).toEqual({
    server: 'http://127.0.0.1:6443',
    context: 'lab',
    namespace: 'kafka',
    authorization: 'Bearer abc123',
    agent: 'Agent',
    ca: null,
  });
}, 30_000);

test('the real KubeConfig in a pod: the service host and port, the token file and the cluster CA', async () => {
  const sa = path.join(dir, 'var/run/secrets/kubernetes.io/serviceaccount');
  mkdirSync(sa, { recursive: true });
  writeFileSync(path.join(sa, 'token'), 'sa-token');
  writeFileSync(path.join(sa, 'ca.crt'), 'CA');
  writeFileSync(path.join(sa, 'namespace'), 'mirrorlab');
  expect(
    await adapterSays({ kind: 'in-cluster', root: dir }, { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' }),
  ).toMatchObject({
    server: 'https://10.96.0.1:443',
    namespace: 'mirrorlab',
    authorization: 'Bearer sa-token',
    ca: 'CA',
  });
}, 30_000);
