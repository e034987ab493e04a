import { ConfigError, loadConfig } from '@mirrorlab/service-kit';
import { createFaultBackend, type BackendSettings } from './backend-factory';
import { faultRunnerEnv } from './config';
import { KafkaAdmins } from './kafka-admin';
import { memoryLogger } from './testing/fakes';

const base = {
  REDIS_URL: 'redis://127.0.0.1:6379',
  CONTROL_KAFKA_BROKERS: 'k:9092',
  SOURCE_KAFKA_BROKERS: 's:9092',
  TARGET_KAFKA_BROKERS: 't:9092',
  FAULT_BACKEND: 'kubernetes',
};

function setup(
  env: Record<string, string>,
  connect?: BackendSettings['connect'],
): { settings: BackendSettings; lines: Array<Record<string, unknown>> } {
  const config = loadConfig(faultRunnerEnv, { ...base, ...env });
  const { logger, lines } = memoryLogger();
  const settings: BackendSettings = {
    backend: config.FAULT_BACKEND,
    labDir: undefined,
    healTimeoutMs: config.HEAL_TIMEOUT,
    admins: new KafkaAdmins({ source: { brokers: ['s:9092'] }, target: { brokers: ['t:9092'] } }, logger, 1000),
    logger,
    kubernetes: config,
    env,
    ...(connect ? { connect } : {}),
  };
  return { settings, lines };
}

test('FAULT_BACKEND=kubernetes makes the Kubernetes backend, with the SUT from the K8S_* variables', async () => {
  const { settings, lines } = setup({ K8S_SUT: 'plain', K8S_NAMESPACE: 'sut' }, async () => ({
    server: 'https://k8s:6443',
    requestOptions: async () => ({}),
    source: 'test',
  }));
  const backend = await createFaultBackend(settings);
  expect(backend.name).toBe('kubernetes');
  expect(lines).toContainEqual(
    expect.objectContaining({
      event: 'kubernetes_backend',
      api: 'https://k8s:6443',
      namespace: 'sut',
      source: 'statefulset/source-kafka (app.kubernetes.io/name=kafka,app.kubernetes.io/instance=source)',
    }),
  );
});

test('no way to reach the API is a ConfigError naming KUBECONFIG', async () => {
  const error = await createFaultBackend(setup({ KUBECONFIG: '/nowhere/kubeconfig' }).settings).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).message).toContain('KUBECONFIG: expected a kubeconfig file that exists');
});

test('a SUT layout that contradicts itself is a ConfigError before the API is tried', async () => {
  let tried = false;
  const error = await createFaultBackend(
    setup(
      { K8S_LINK_SOURCE_SELECTOR: 'a=b', K8S_LINK_TARGET_SELECTOR: 'a=b' },
      async () => ((tried = true), { server: 'x', requestOptions: async () => ({}) }),
    ).settings,
  ).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigError);
  expect(tried).toBe(false);
});
