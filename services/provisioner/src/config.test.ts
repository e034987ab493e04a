import { ConfigError, loadConfig } from '@mirrorlab/service-kit';
import { provisionerEnv, runnerSettings, workerSettings } from './config';

const base = {
  REDIS_URL: 'redis://127.0.0.1:6379',
  SOURCE_KAFKA_BROKERS: 's:9092',
  TARGET_KAFKA_BROKERS: 't:9092',
  CONTROL_KAFKA_BROKERS: 't:9092',
};

describe('provisioner config', () => {
  it('has defaults for everything but the clusters and Redis', () => {
    const c = loadConfig(provisionerEnv, base);
    expect(c).toMatchObject({
      ORCHESTRATOR: 'none',
      CONTROL_TOPIC: 'mirrorlab.control',
      START_DELAY: 2000,
      REPORT_TIMEOUT: 60_000,
      JOB_LOCK_DURATION: 30_000,
      WORKLOAD_ENV: {},
    });
    expect(c).toMatchObject({
      K8S_NAMESPACE: 'mirrorlab',
      K8S_PRODUCER_DEPLOYMENT: 'producer',
      K8S_VALIDATOR_DEPLOYMENT: 'consumer-validator',
    });
    expect(workerSettings(c)).toEqual({ concurrency: 1, lockDuration: 30_000, stalledInterval: 15_000, maxStalledCount: 6 });
    expect(runnerSettings(c)).toMatchObject({ startDelayMs: 2000, reportTimeoutMs: 60_000, maxResumes: 5 });
  });

  it('reads WORKLOAD_ENV as KEY=VALUE pairs', () => {
    expect(loadConfig(provisionerEnv, { ...base, WORKLOAD_ENV: 'REPORT_INTERVAL=1s, SESSION_TIMEOUT=10s' }).WORKLOAD_ENV).toEqual({
      REPORT_INTERVAL: '1s',
      SESSION_TIMEOUT: '10s',
    });
  });

  it('reads the Kubernetes workload settings: names, or none for a role scaled elsewhere', () => {
    expect(
      loadConfig(provisionerEnv, { ...base, ORCHESTRATOR: 'kubernetes', K8S_NAMESPACE: 'ml', K8S_PRODUCER_DEPLOYMENT: 'none' }),
    ).toMatchObject({ ORCHESTRATOR: 'kubernetes', K8S_NAMESPACE: 'ml', K8S_PRODUCER_DEPLOYMENT: null });
    expect(() => loadConfig(provisionerEnv, { ...base, K8S_VALIDATOR_DEPLOYMENT: 'Validators!' })).toThrow(
      'K8S_VALIDATOR_DEPLOYMENT: expected a Deployment name (lowercase letters, digits, "-" and "."), or none, got "Validators!"',
    );
    expect(() => loadConfig(provisionerEnv, { ...base, K8S_NAMESPACE: 'ML' })).toThrow(
      'K8S_NAMESPACE: expected a Kubernetes namespace name',
    );
  });

  it('names each bad variable and the form it expects', () => {
    let err: unknown;
    try {
      loadConfig(provisionerEnv, { ...base, REDIS_URL: 'localhost', ORCHESTRATOR: 'k8s', WORKLOAD_ENV: 'x=1', REPORT_TIMEOUT: 'soon' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems.map((p) => p.variable).sort()).toEqual([
      'ORCHESTRATOR',
      'REDIS_URL',
      'REPORT_TIMEOUT',
      'WORKLOAD_ENV',
    ]);
    expect((err as ConfigError).message).toContain('ORCHESTRATOR: expected one of none, local, kubernetes, got "k8s"');
  });
});
