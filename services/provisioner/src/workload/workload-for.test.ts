import { ConfigError, loadConfig } from '@mirrorlab/service-kit';
import { provisionerEnv } from '../config';
import { silentLogger } from '../testing/world';
import { workloadFor } from './workload-for';

// ORCHESTRATOR=kubernetes against a real API server: kubernetes-workload.k8s.test.ts.
test('ORCHESTRATOR=kubernetes with no way to reach the API is a ConfigError naming KUBECONFIG', async () => {
  const config = loadConfig(provisionerEnv, {
    REDIS_URL: 'redis://127.0.0.1:6379',
    SOURCE_KAFKA_BROKERS: 's:9092',
    TARGET_KAFKA_BROKERS: 't:9092',
    CONTROL_KAFKA_BROKERS: 't:9092',
    ORCHESTRATOR: 'kubernetes',
  });
  const error = await workloadFor(config, {} as never, silentLogger(), { env: { KUBECONFIG: '/nowhere/config' } }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).message).toContain('KUBECONFIG: expected a kubeconfig file that exists');
});
