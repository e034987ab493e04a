import { spawnSync } from 'node:child_process';
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

/**
 * Stops the lab's local stack (provisioner, fault-runner, report-aggregator started by
 * `mirrorlab run` or `mirrorlab stack up`): they share the lab's queues and control topic, so
 * a test that runs its own instances would race them for jobs and events.
 */
export function stopLocalStack(lab: LabState): void {
  const cli = path.join(findRepoRoot(__dirname) ?? process.cwd(), 'node_modules', '.bin', 'mirrorlab');
  const res = spawnSync(cli, ['stack', 'down', '--dir', lab.dir], { encoding: 'utf8', timeout: 120_000 });
  if (res.status !== 0) throw new Error(`mirrorlab stack down failed (${res.status}): ${res.stderr}`);
}

export function serviceBundle(service: string): string {
  return path.join(findRepoRoot(__dirname) ?? process.cwd(), 'services', service, 'dist', 'main.js');
}
