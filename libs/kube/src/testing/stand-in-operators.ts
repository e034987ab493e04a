import { setTimeout as delay } from 'node:timers/promises';
import type { KubeClient } from '../kube-client';
import { isKubeError } from '../kube-errors';
import { conditionOf, isTerminating, type KubeObject, type Pod } from '../objects';
import { KAFKA_MIRROR_MAKER_2S, KAFKA_NODE_POOLS, NETWORK_CHAOS, PODS, POD_CHAOS, STATEFULSETS, apiVersionOf, type ResourceType } from '../resource-types';

/**
 * Stand-ins for the two operators a real API server on this machine cannot run: the Strimzi
 * cluster operator (it needs Kafka pods that really run) and Chaos Mesh (it needs a container
 * runtime and the pods' network namespaces). They act through the real API, as the operators
 * do, on the real objects, and only as far as the fault-runner looks:
 * - Strimzi: each KafkaNodePool and KafkaMirrorMaker2 gets a StatefulSet whose pods carry
 *   Strimzi's names and labels (`<cluster>-<pool>-<n>`, `strimzi.io/cluster`, ...), scaled to
 *   the object's `spec.replicas`; the real StatefulSet controller, scheduler and kwok make and
 *   ready the pods, and the object's status gets `replicas` and `labelSelector` (what `/scale`
 *   reads). Unlike Strimzi it always removes the highest ordinal (`strimzi.io/remove-node-ids`
 *   is not honoured).
 * - Chaos Mesh: a PodChaos or NetworkChaos gets the finalizer `chaos-mesh/records` and the
 *   condition AllInjected=True; a `pod-failure` PodChaos turns its pods' Ready condition False
 *   (what the pause image does to a real pod). On deletion the pods are Ready again and the
 *   finalizer goes, as Chaos Mesh recovers before it lets the object go.
 * What they did wrong (an error from the API) is kept in `errors` for the tests to assert on.
 */
export interface StandIn {
  errors: string[];
  stop(): Promise<void>;
}

type Reconcile = (object: KubeObject, event: 'ADDED' | 'MODIFIED' | 'DELETED') => Promise<void>;

/** Lists, then follows a watch, calling `reconcile` for every object and event; a failed one is retried shortly after. */
function controllerLoop(client: KubeClient, type: ResourceType, namespace: string, reconcile: Reconcile, errors: string[], signal: AbortSignal): Promise<void> {
  const retry = (object: KubeObject, attempt: number): void => {
    void delay(200, undefined, { signal })
      .then(async () => {
        const fresh = await client.find(type, namespace, object.metadata.name);
        if (fresh) await run(fresh, 'MODIFIED', attempt + 1);
      })
      .catch(() => undefined);
  };
  const run = async (object: KubeObject, event: 'ADDED' | 'MODIFIED' | 'DELETED', attempt = 1): Promise<void> => {
    try {
      await reconcile(object, event);
    } catch (error) {
      if (signal.aborted) return;
      // A conflict or a vanished object is the next event's job; anything else is a defect to report.
      if (isKubeError(error, 'conflict') || isKubeError(error, 'not_found')) {
        if (attempt < 20) retry(object, attempt);
        return;
      }
      errors.push(`${type.kind} ${object.metadata.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  return (async () => {
    while (!signal.aborted) {
      try {
        const list = await client.list(type, namespace, {}, signal);
        for (const item of list.items) await run(item, 'ADDED');
        for await (const event of client.watch(type, namespace, { resourceVersion: list.metadata.resourceVersion ?? '0', timeoutSeconds: 60 }, signal)) {
          if (event.type === 'ADDED' || event.type === 'MODIFIED' || event.type === 'DELETED') await run(event.object, event.type);
        }
      } catch (error) {
        if (signal.aborted) return;
        if (!isKubeError(error) || !error.retriable) errors.push(`watching ${type.kind}: ${error instanceof Error ? error.message : String(error)}`);
        await delay(200, undefined, { signal }).catch(() => undefined);
      }
    }
  })();
}

function selectorOf(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/** What Strimzi would run for a node pool or a MirrorMaker 2: the set's name and its pods' labels. */
function strimziWorkload(type: ResourceType, object: KubeObject): { name: string; labels: Record<string, string> } {
  const name = object.metadata.name;
  if (type === KAFKA_NODE_POOLS) {
    const cluster = object.metadata.labels?.['strimzi.io/cluster'] ?? 'unknown';
    const roles = Array.isArray(object.spec?.roles) ? (object.spec.roles as string[]) : [];
    return {
      name: `${cluster}-${name}`,
      labels: {
        'strimzi.io/cluster': cluster,
        'strimzi.io/kind': 'Kafka',
        'strimzi.io/name': `${cluster}-kafka`,
        'strimzi.io/pool-name': name,
        'strimzi.io/broker-role': String(roles.includes('broker')),
        'strimzi.io/controller-role': String(roles.includes('controller')),
      },
    };
  }
  return { name: `${name}-mirrormaker2`, labels: { 'strimzi.io/cluster': name, 'strimzi.io/kind': 'KafkaMirrorMaker2', 'strimzi.io/name': `${name}-mirrormaker2` } };
}

export function standInStrimzi(client: KubeClient, namespace: string): StandIn {
  const errors: string[] = [];
  const stopper = new AbortController();
  const reconcileFor =
    (type: ResourceType): Reconcile =>
    async (object, event) => {
      if (event === 'DELETED' || isTerminating(object)) return; // the StatefulSet goes with it (owner reference)
      const replicas = typeof object.spec?.replicas === 'number' ? object.spec.replicas : 0;
      const { name, labels } = strimziWorkload(type, object);
      const set = await client.find(STATEFULSETS, namespace, name);
      if (set === undefined) {
        await client.create(STATEFULSETS, namespace, {
          metadata: {
            name,
            labels,
            ownerReferences: [{ apiVersion: apiVersionOf(type), kind: type.kind, name: object.metadata.name, uid: object.metadata.uid, controller: true, blockOwnerDeletion: true }],
          },
          spec: {
            replicas,
            serviceName: name,
            podManagementPolicy: 'Parallel',
            selector: { matchLabels: labels },
            template: {
              metadata: { labels },
              spec: { terminationGracePeriodSeconds: 0, containers: [{ name: type === KAFKA_NODE_POOLS ? 'kafka' : 'mirror-maker2', image: 'quay.io/strimzi/kafka:stand-in' }] },
            },
          },
        });
      } else if (set.spec?.replicas !== replicas) {
        await client.scale(STATEFULSETS, namespace, name, replicas);
      }
      const status = object.status ?? {};
      const selector = selectorOf(labels);
      if (status.replicas !== replicas || status.labelSelector !== selector || status.observedGeneration !== object.metadata.generation) {
        await client.patch(type, namespace, object.metadata.name, { type: 'merge', body: { status: { replicas, labelSelector: selector, observedGeneration: object.metadata.generation } } }, { subresource: 'status' });
      }
    };
  const loops = [KAFKA_NODE_POOLS, KAFKA_MIRROR_MAKER_2S].map((type) => controllerLoop(client, type, namespace, reconcileFor(type), errors, stopper.signal));
  return {
    errors,
    async stop() {
      stopper.abort();
      await Promise.all(loops);
    },
  };
}

export const CHAOS_FINALIZER = 'chaos-mesh/records';

function podsOfPodChaos(chaos: KubeObject): string[] {
  const pods = (chaos.spec?.selector as { pods?: Record<string, string[]> } | undefined)?.pods ?? {};
  return Object.values(pods).flat();
}

async function setPodReady(client: KubeClient, namespace: string, name: string, ready: boolean): Promise<void> {
  const pod = await client.find<Pod>(PODS, namespace, name);
  if (pod === undefined || conditionOf(pod, 'Ready')?.status === (ready ? 'True' : 'False')) return;
  const now = new Date().toISOString();
  const status = ready ? 'True' : 'False';
  await client.patch(PODS, namespace, name, { type: 'strategic', body: { status: { conditions: [{ type: 'Ready', status, lastTransitionTime: now }, { type: 'ContainersReady', status, lastTransitionTime: now }] } } }, { subresource: 'status' });
}

export function standInChaosMesh(client: KubeClient, namespace: string): StandIn {
  const errors: string[] = [];
  const stopper = new AbortController();
  const reconcileFor =
    (type: ResourceType): Reconcile =>
    async (chaos, event) => {
      if (event === 'DELETED') return;
      const finalizers = chaos.metadata.finalizers ?? [];
      const podFailure = type === POD_CHAOS && chaos.spec?.action === 'pod-failure';
      if (isTerminating(chaos)) {
        if (!finalizers.includes(CHAOS_FINALIZER)) return;
        if (podFailure) for (const pod of podsOfPodChaos(chaos)) await setPodReady(client, namespace, pod, true);
        await client.patch(type, namespace, chaos.metadata.name, {
          type: 'json',
          ops: [
            { op: 'test', path: '/metadata/resourceVersion', value: chaos.metadata.resourceVersion },
            { op: 'replace', path: '/metadata/finalizers', value: finalizers.filter((f) => f !== CHAOS_FINALIZER) },
          ],
        });
        return;
      }
      if (!finalizers.includes(CHAOS_FINALIZER)) {
        await client.patch(type, namespace, chaos.metadata.name, { type: 'merge', body: { metadata: { resourceVersion: chaos.metadata.resourceVersion, finalizers: [...finalizers, CHAOS_FINALIZER] } } });
        return; // the next event injects
      }
      if (conditionOf(chaos, 'AllInjected')?.status === 'True') return;
      if (podFailure) for (const pod of podsOfPodChaos(chaos)) await setPodReady(client, namespace, pod, false);
      const now = new Date().toISOString();
      await client.patch(
        type,
        namespace,
        chaos.metadata.name,
        {
          type: 'merge',
          body: {
            status: {
              conditions: [
                { type: 'Selected', status: 'True', lastTransitionTime: now },
                { type: 'AllInjected', status: 'True', lastTransitionTime: now },
                { type: 'AllRecovered', status: 'False', lastTransitionTime: now },
                { type: 'Paused', status: 'False', lastTransitionTime: now },
              ],
            },
          },
        },
        { subresource: 'status' },
      );
    };
  const loops = [POD_CHAOS, NETWORK_CHAOS].map((type) => controllerLoop(client, type, namespace, reconcileFor(type), errors, stopper.signal));
  return {
    errors,
    async stop() {
      stopper.abort();
      await Promise.all(loops);
    },
  };
}
