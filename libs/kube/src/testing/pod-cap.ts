import type { KubeClient } from '../kube-client';
import type { Pod } from '../objects';
import { PODS, type ResourceType } from '../resource-types';

const RESOURCE_QUOTAS: ResourceType = { group: '', version: 'v1', resource: 'resourcequotas', kind: 'ResourceQuota', namespaced: true };
const NAME = 'kube-lab-pod-cap';

/**
 * A ResourceQuota of exactly as many pods as the namespace holds now: the API server's quota
 * admission then refuses every new pod, so a pod a controller is asked for never exists (and
 * never gets Ready), without touching the node or the workload. Returns what lifts it.
 */
export async function capPods(client: KubeClient, namespace: string): Promise<() => Promise<void>> {
  const pods = (await client.list<Pod>(PODS, namespace)).items.filter(
    (p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed',
  );
  await client.create(RESOURCE_QUOTAS, namespace, { metadata: { name: NAME }, spec: { hard: { pods: String(pods.length) } } });
  return async () => {
    await client.delete(RESOURCE_QUOTAS, namespace, NAME);
  };
}
