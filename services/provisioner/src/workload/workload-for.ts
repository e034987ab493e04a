import path from 'node:path';
import type { Redis } from 'ioredis';
import { KubeClient, httpTransport, loadKubeConnection, type KubeConnection } from '@mirrorlab/kube';
import { systemClock, type Logger } from '@mirrorlab/service-kit';
import { KubernetesWorkload } from './kubernetes-workload';
import { LocalWorkload, passthroughEnv } from './local-workload';
import { osProcesses } from './os-processes';
import { noWorkload, type WorkloadOrchestrator } from './workload-orchestrator';
import { fileScrapeTargets } from './scrape-targets';
import { redisWorkloadRegistry } from './workload-registry';

export interface WorkloadConfig {
  ORCHESTRATOR: 'none' | 'local' | 'kubernetes';
  K8S_NAMESPACE: string;
  K8S_PRODUCER_DEPLOYMENT: string | null;
  K8S_VALIDATOR_DEPLOYMENT: string | null;
  K8S_CONSUMER_DEPLOYMENT: string | null;
  SERVICE_BUNDLES_DIR: string | undefined;
  WORKLOAD_LOG_DIR: string;
  WORKLOAD_ENV: Record<string, string>;
  WORKLOAD_START_TIMEOUT: number;
  WORKLOAD_STOP_TIMEOUT: number;
  SCRAPE_TARGETS_DIR: string | undefined;
}

/** The script run is services/provisioner/dist/main.js (or src/main.ts): the other services are two levels up. */
function defaultBundlesDir(): string {
  const script = process.argv[1] ? path.resolve(process.argv[1]) : __filename;
  return path.resolve(path.dirname(script), '..', '..');
}

export interface WorkloadDependencies {
  env?: Record<string, string | undefined>;
  /** How the kubernetes orchestrator reaches the API; default: KUBECONFIG, the pod's service account or ~/.kube/config. */
  connect?: () => Promise<KubeConnection & { source?: string }>;
}

/**
 * The orchestrator ORCHESTRATOR names; `local` runs the bundles next to this one with this
 * Node and this env's clusters; `kubernetes` scales the Deployments (no way to reach the API
 * is a ConfigError naming KUBECONFIG, at start).
 */
export async function workloadFor(
  config: WorkloadConfig,
  redis: Redis,
  logger: Logger,
  deps: WorkloadDependencies = {},
): Promise<WorkloadOrchestrator> {
  const env = deps.env ?? process.env;
  if (config.ORCHESTRATOR === 'none') return noWorkload;
  if (config.ORCHESTRATOR === 'kubernetes') {
    const connection = await (deps.connect ?? (() => loadKubeConnection({ env })))();
    const deployments = {
      producer: config.K8S_PRODUCER_DEPLOYMENT,
      validator: config.K8S_VALIDATOR_DEPLOYMENT,
      consumer: config.K8S_CONSUMER_DEPLOYMENT,
    };
    logger.info('kubernetes_workload', { api: connection.server, via: connection.source, namespace: config.K8S_NAMESPACE, ...deployments });
    return new KubernetesWorkload({
      client: new KubeClient(httpTransport(connection)),
      namespace: config.K8S_NAMESPACE,
      deployments,
      startTimeoutMs: config.WORKLOAD_START_TIMEOUT,
      stopTimeoutMs: config.WORKLOAD_STOP_TIMEOUT,
      logger,
    });
  }
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
    scrapeTargets: config.SCRAPE_TARGETS_DIR === undefined ? undefined : fileScrapeTargets(path.resolve(config.SCRAPE_TARGETS_DIR)),
  });
}
