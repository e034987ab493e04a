import { defaultLabDir } from '@mirrorlab/lab';
import { KubeClient, httpTransport, loadKubeConnection, type KubeConnection } from '@mirrorlab/kube';
import type { Logger } from '@mirrorlab/service-kit';
import type { FaultBackendName } from './config';
import type { FaultBackend } from './fault-backend';
import type { KafkaAdmins } from './kafka-admin';
import { KubernetesFaultBackend } from './kubernetes/kubernetes-backend';
import { sutFromConfig, type KubernetesEnvConfig } from './kubernetes/kubernetes-config';
import { LocalFaultBackend } from './local/local-backend';
import { moveReplicasOff } from './replica-moves';

export interface BackendSettings {
  backend: FaultBackendName;
  labDir: string | undefined;
  healTimeoutMs: number;
  admins: KafkaAdmins;
  logger: Logger;
  /** The K8S_* variables (kubernetes backend). */
  kubernetes: KubernetesEnvConfig;
  /** How the kubernetes backend reaches the API; default: KUBECONFIG, the pod's service account or ~/.kube/config. */
  connect?: () => Promise<KubeConnection & { source?: string }>;
  /** Where KUBECONFIG and KUBERNETES_SERVICE_HOST are read (default: process.env). */
  env?: Record<string, string | undefined>;
}

/**
 * The backend FAULT_BACKEND names. The kubernetes one checks its settings here, at start:
 * a SUT layout that contradicts itself, or no way to reach the API, is a ConfigError naming
 * the variable (main stops with exit code 2, as for any bad variable).
 */
export async function createFaultBackend(settings: BackendSettings): Promise<FaultBackend> {
  switch (settings.backend) {
    case 'local':
      return new LocalFaultBackend({
        labDir: settings.labDir ?? defaultLabDir(),
        admins: settings.admins,
        healTimeoutMs: settings.healTimeoutMs,
        logger: settings.logger,
      });
    case 'kubernetes': {
      const sut = sutFromConfig(settings.kubernetes);
      const connection = await (settings.connect ?? (() => loadKubeConnection({ env: settings.env })))();
      settings.logger.info('kubernetes_backend', {
        api: connection.server,
        via: connection.source,
        namespace: sut.namespace,
        source: `${sut.source.set.text} (${sut.source.selector})`,
        target: `${sut.target.set.text} (${sut.target.selector})`,
        replicator: `${sut.replicator.set.text} (${sut.replicator.selector})`,
        link: `${sut.link.sourceSide} <-> ${sut.link.targetSide}`,
      });
      const { admins, healTimeoutMs } = settings;
      return new KubernetesFaultBackend({
        client: new KubeClient(httpTransport(connection)),
        sut,
        admins,
        healTimeoutMs,
        replicaMover: (cluster, nodeId, keep) => moveReplicasOff(admins, cluster, nodeId, keep, healTimeoutMs),
        logger: settings.logger,
      });
    }
  }
}
