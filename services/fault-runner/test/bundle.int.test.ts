import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findLab } from '@mirrorlab/lab';
import { describeBundleContract, runServiceToExit, spawnService } from '@mirrorlab/service-kit/testing';

const bundle = path.join(__dirname, '../dist/main.js');
const lab = findLab();
const env = {
  SOURCE_KAFKA_BROKERS: lab.source.bootstrap,
  TARGET_KAFKA_BROKERS: lab.target.bootstrap,
  CONTROL_KAFKA_BROKERS: lab.target.bootstrap,
  // A Redis database of its own: on start the runner heals the faults recorded in its database
  // and takes fault jobs, which must stay those of a stack that may be running on this lab.
  REDIS_URL: `${lab.redis.url}/13`,
  LAB_DIR: lab.dir,
};

describeBundleContract('fault-runner', bundle, env);

test('FAULT_BACKEND=kubernetes with a KUBECONFIG that points at nothing stops the bundle with a config error, not a stack trace', async () => {
  const { code, stderr } = await runServiceToExit(bundle, { ...env, FAULT_BACKEND: 'kubernetes', KUBECONFIG: '/nonexistent/kubeconfig' });
  expect(code).toBe(2);
  expect(stderr).toContain(
    'KUBECONFIG: expected a kubeconfig file that exists (several: separated by ":"), got "/nonexistent/kubeconfig" (/nonexistent/kubeconfig: no such file)',
  );
  expect(stderr).not.toMatch(/\n\s+at /);
});

test('FAULT_BACKEND=kubernetes: the bundle loads a kubeconfig with the bundled @kubernetes/client-node', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fr-kube-'));
  const kubeconfig = path.join(dir, 'config');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: lab',
      'clusters: [{ name: lab, cluster: { server: "http://127.0.0.1:9", insecure-skip-tls-verify: true } }]',
      'users: [{ name: runner, user: { token: t } }]',
      'contexts: [{ name: lab, context: { cluster: lab, user: runner } }]',
    ].join('\n'),
  );
  // Nothing but the API settings matter here: the backend is made before any client connects.
  const nowhere = '127.0.0.1:9';
  const svc = await spawnService(bundle, {
    SOURCE_KAFKA_BROKERS: nowhere,
    TARGET_KAFKA_BROKERS: nowhere,
    CONTROL_KAFKA_BROKERS: nowhere,
    REDIS_URL: `redis://${nowhere}`,
    FAULT_BACKEND: 'kubernetes',
    KUBECONFIG: kubeconfig,
    K8S_SUT: 'plain',
  });
  try {
    const event = await svc.waitForEvent((e) => e.event === 'kubernetes_backend');
    expect(event).toMatchObject({
      api: 'http://127.0.0.1:9',
      via: `kubeconfig ${kubeconfig} (context lab)`,
      namespace: 'kafka',
      source: expect.stringContaining('statefulset/source-kafka'),
    });
  } finally {
    await svc.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
