import path from 'node:path';
import { findLab } from '@mirrorlab/lab';
import { describeBundleContract, runServiceToExit } from '@mirrorlab/service-kit/testing';

const bundle = path.join(__dirname, '../dist/main.js');
const lab = findLab();
const env = {
  SOURCE_KAFKA_BROKERS: lab.source.bootstrap,
  TARGET_KAFKA_BROKERS: lab.target.bootstrap,
  CONTROL_KAFKA_BROKERS: lab.target.bootstrap,
  REDIS_URL: lab.redis.url,
  LAB_DIR: lab.dir,
};

describeBundleContract('fault-runner', bundle, env);

test('FAULT_BACKEND=kubernetes stops the bundle with a config error: not implemented yet', async () => {
  const { code, stderr } = await runServiceToExit(bundle, { ...env, FAULT_BACKEND: 'kubernetes' });
  expect(code).toBe(2);
  expect(stderr).toContain('FAULT_BACKEND: expected local (kubernetes: not implemented yet), got "kubernetes"');
});
