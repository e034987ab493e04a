import path from 'node:path';
import { describeBundleContract, runServiceToExit } from '@mirrorlab/service-kit/testing';

// The contract needs no Kafka or Redis: the HTTP server answers while the clients connect
// (against the lab when its variables are set, else addresses nothing listens on).
const nowhere = '127.0.0.1:9';
const bundle = path.join(__dirname, '../dist/main.js');
const env = {
  SOURCE_KAFKA_BROKERS: process.env.SOURCE_KAFKA_BROKERS ?? nowhere,
  TARGET_KAFKA_BROKERS: process.env.TARGET_KAFKA_BROKERS ?? nowhere,
  CONTROL_KAFKA_BROKERS: process.env.CONTROL_KAFKA_BROKERS ?? nowhere,
  REDIS_URL: process.env.REDIS_URL ?? `redis://${nowhere}`,
};
describeBundleContract('provisioner', bundle, env);

test('ORCHESTRATOR=kubernetes with a KUBECONFIG that points at nothing stops the bundle with a config error, not a stack trace', async () => {
  const { code, stderr } = await runServiceToExit(bundle, { ...env, ORCHESTRATOR: 'kubernetes', KUBECONFIG: '/nonexistent/kubeconfig' });
  expect(code).toBe(2);
  expect(stderr).toContain('KUBECONFIG: expected a kubeconfig file that exists');
  expect(stderr).not.toMatch(/\n\s+at /);
});
