import { loadConfig } from '@mirrorlab/service-kit';
import { faultRunnerEnv } from './config';

const base = {
  REDIS_URL: 'redis://127.0.0.1:6379',
  CONTROL_KAFKA_BROKERS: 'k:9092',
  SOURCE_KAFKA_BROKERS: 's:9092',
  TARGET_KAFKA_BROKERS: 't:9092',
};

test('defaults: local backend, 120 s heal timeout', () => {
  const config = loadConfig(faultRunnerEnv, base);
  expect(config).toMatchObject({
    FAULT_BACKEND: 'local',
    HEAL_TIMEOUT: 120_000,
    CONTROL_TOPIC: 'mirrorlab.control',
    LAB_DIR: undefined,
    WORKER_CONCURRENCY: 4,
  });
});

test('FAULT_BACKEND is local or kubernetes; the Kubernetes settings default to what deploy/ creates', () => {
  expect(loadConfig(faultRunnerEnv, { ...base, FAULT_BACKEND: 'kubernetes' })).toMatchObject({
    FAULT_BACKEND: 'kubernetes',
    K8S_NAMESPACE: 'kafka',
    K8S_SUT: 'strimzi',
  });
  expect(() => loadConfig(faultRunnerEnv, { ...base, FAULT_BACKEND: 'chaos' })).toThrow(
    'FAULT_BACKEND: expected one of local, kubernetes, got "chaos"',
  );
});

test('a bad HEAL_TIMEOUT names the variable and the form', () => {
  expect(() => loadConfig(faultRunnerEnv, { ...base, HEAL_TIMEOUT: 'soon' })).toThrow(
    'HEAL_TIMEOUT: expected a duration like 500ms, 30s, 5m or 1h, got "soon"',
  );
});
