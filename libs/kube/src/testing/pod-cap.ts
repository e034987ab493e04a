import type { KubeClient } from '../kube-client';
import type { KubeObject, Pod } from '../objects';
import { PODS, type ResourceType } from '../resource-types';
import { waitFor } from '../watch-waits';

const RESOURCE_QUOTAS: ResourceType = { group: '', version: 'v1', resource: 'resourcequotas', kind: 'ResourceQuota', namespaced: true };
const NAME = 'kube-lab-pod-cap';

interface ResourceQuota extends KubeObject {
  status?: { hard?: Record<string, string>; used?: Record<string, string> };
}

/**
 * A ResourceQuota of exactly as many pods as the namespace holds now: the API server's quota
 * admission then refuses every new pod, so a pod a controller is asked for never exists (and
 * never gets Ready), without touching the node or the workload. Returns what lifts it.
 *
 * It returns only once the quota controller has counted the namespace's pods (status.used =
 * status.hard): admission charges a new pod against status.used, and a count taken from a
 * controller cache that has not yet seen a pod replaced a moment ago would let one more in
 * (CI saw a third pod admitted under a cap of two).
 */
export async function capPods(client: KubeClient, namespace: string): Promise<() => Promise<void>> {
  const pods = (await client.list<Pod>(PODS, namespace)).items.filter(
    (p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed',
  );
  const cap = String(pods.length);
  await client.create(RESOURCE_QUOTAS, namespace, { metadata: { name: NAME }, spec: { hard: { pods: cap } } });
  await waitFor<ResourceQuota, void>(
    client,
    RESOURCE_QUOTAS,
    namespace,
    { fieldSelector: `metadata.name=${NAME}` },
    ([quota]) =>
      quota?.status?.hard?.pods === cap && quota.status.used?.pods === cap
        ? { done: undefined }
        : { notYet: `quota status hard ${quota?.status?.hard?.pods ?? '-'}, used ${quota?.status?.used?.pods ?? '-'}` },
    `${NAME} counting ${cap} pods in ${namespace}`,
    { timeoutMs: 60_000 },
  );
  return async () => {
    await client.delete(RESOURCE_QUOTAS, namespace, NAME);
  };
}
