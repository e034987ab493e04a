import path from 'node:path';
import type { Redis } from 'ioredis';
import type { Logger } from '@mirrorlab/service-kit';
import { systemClock } from '../clock';
import { LocalWorkload, passthroughEnv } from './local-workload';
import { osProcesses } from './os-processes';
import { noWorkload, type WorkloadOrchestrator } from './workload-orchestrator';
import { redisWorkloadRegistry } from './workload-registry';

export interface WorkloadConfig {
  ORCHESTRATOR: 'none' | 'local';
  SERVICE_BUNDLES_DIR: string | undefined;
  WORKLOAD_LOG_DIR: string;
  WORKLOAD_ENV: Record<string, string>;
  WORKLOAD_START_TIMEOUT: number;
  WORKLOAD_STOP_TIMEOUT: number;
}

/** The script run is services/provisioner/dist/main.js (or src/main.ts): the other services are two levels up. */
function defaultBundlesDir(): string {
  const script = process.argv[1] ? path.resolve(process.argv[1]) : __filename;
  return path.resolve(path.dirname(script), '..', '..');
}

/** The orchestrator ORCHESTRATOR names; `local` runs the bundles next to this one with this Node and this env's clusters. */
export function workloadFor(config: WorkloadConfig, redis: Redis, logger: Logger, env: Record<string, string | undefined> = process.env): WorkloadOrchestrator {
  if (config.ORCHESTRATOR === 'none') return noWorkload;
  return new LocalWorkload({
    launch: {
      bundlesDir: config.SERVICE_BUNDLES_DIR ?? defaultBundlesDir(),
      logDir: path.resolve(config.WORKLOAD_LOG_DIR),
      nodePath: process.execPath,
      baseEnv: { PATH: env.PATH ?? '', ...passthroughEnv(env) },
      extraEnv: config.WORKLOAD_ENV,
    },
    registry: redisWorkloadRegistry(redis),
    processes: osProcesses,
    clock: systemClock,
    logger,
    startTimeoutMs: config.WORKLOAD_START_TIMEOUT,
    stopTimeoutMs: config.WORKLOAD_STOP_TIMEOUT,
  });
}
