import path from 'node:path';
import { findLab, findRepoRoot, type LabState } from '@mirrorlab/lab';

/** The running lab (MIRRORLAB_LAB_DIR or <repo>/.lab); the test suite brings it up before integration tests. */
export function runningLab(): LabState {
  return findLab();
}

/** Env that points a service at the lab: source, target, control (on the target cluster) and Redis. */
export function labServiceEnv(lab: LabState): Record<string, string> {
  return {
    SOURCE_KAFKA_BROKERS: lab.source.bootstrap,
    TARGET_KAFKA_BROKERS: lab.target.bootstrap,
    CONTROL_KAFKA_BROKERS: lab.target.bootstrap,
    REDIS_URL: lab.redis.url,
    LOG_LEVEL: 'info',
  };
}

export function serviceBundle(service: string): string {
  return path.join(findRepoRoot(__dirname) ?? process.cwd(), 'services', service, 'dist', 'main.js');
}
