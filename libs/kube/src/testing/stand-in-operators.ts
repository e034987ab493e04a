import { setTimeout as delay } from 'node:timers/promises';
import type { KubeClient } from '../kube-client';
import { isKubeError } from '../kube-errors';
import { conditionOf, isTerminating, type KubeObject, type Pod } from '../objects';
import {
  KAFKA_MIRROR_MAKER_2S,
  KAFKA_NODE_POOLS,
  NETWORK_CHAOS,
  PODS,
  POD_CHAOS,
  apiVersionOf,
  type ResourceType,
} from '../resource-types';

/**
 * Stand-ins for the two operators a real API server on this machine cannot run: the Strimzi
 * cluster operator (it needs Kafka pods that really run) and Chaos Mesh (it needs a container
 * runtime and the pods' network namespaces). They act through the real API, as the operators
 * do, on the real objects, and only as far as the fault-runner looks:
 * - Strimzi: each KafkaNodePool and KafkaMirrorMaker2 gets pods with Strimzi's names and
 *   labels (`<cluster>-<pool>-<node id>`, `strimzi.io/cluster`, ...), as many as its
 *   `spec.replicas`, by node id as Strimzi picks them (`strimzi.io/remove-node-ids` first on a
 *   scale-down, the lowest free id on a scale-up); a deleted pod is made again. The real
 *   scheduler and kwok place and ready them. The object's status gets `replicas` and
 *   `labelSelector` (what `/scale` reads). It never refuses a scale-down (Strimzi does while the
 *   broker holds partition replicas: there are no partitions here).
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
function controllerLoop(
  client: KubeClient,
  type: ResourceType,
  namespace: string,
  reconcile: Reconcile,
  errors: string[],
  signal: AbortSignal,
): Promise<void> {
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
        for await (const event of client.watch(
          type,
          namespace,
          { resourceVersion: list.metadata.resourceVersion ?? '0', timeoutSeconds: 60 },
          signal,
        )) {
          if (event.type === 'ADDED' || event.type === 'MODIFIED' || event.type === 'DELETED') await run(event.object, event.type);
        }
      } catch (error) {
        if (signal.aborted) return;
        if (!isKubeError(error) || !error.retriable)
          errors.push(`watching ${type.kind}: ${error instanceof Error ? error.message : String(error)}`);
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

/** What Strimzi would run for a node pool or a MirrorMaker 2: its pods' name prefix and labels. */
function strimziWorkload(type: ResourceType, object: KubeObject): { prefix: string; labels: Record<string, string> } {
  const name = object.metadata.name;
  if (type === KAFKA_NODE_POOLS) {
    const cluster = object.metadata.labels?.['strimzi.io/cluster'] ?? 'unknown';
    const roles = Array.isArray(object.spec?.roles) ? (object.spec.roles as string[]) : [];
    return {
      prefix: `${cluster}-${name}`,
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
  return {
    prefix: `${name}-mirrormaker2`,
    labels: { 'strimzi.io/cluster': name, 'strimzi.io/kind': 'KafkaMirrorMaker2', 'strimzi.io/name': `${name}-mirrormaker2` },
  };
}

/**
 * The node ids Strimzi keeps for `replicas`: on a scale-down the ids named by
 * `strimzi.io/remove-node-ids` go first, then the highest; on a scale-up (or after a pod was
 * deleted) the lowest free ids come back.
 */
export function strimziNodeIds(current: readonly number[], replicas: number, removeNodeIds: readonly number[]): number[] {
  const ids = [...new Set(current)].sort((a, b) => a - b);
  if (ids.length > replicas) {
    const order = [...removeNodeIds.filter((id) => ids.includes(id)), ...[...ids].reverse().filter((id) => !removeNodeIds.includes(id))];
    const drop = new Set(order.slice(0, ids.length - replicas));
    return ids.filter((id) => !drop.has(id));
  }
  for (let id = 0; ids.length < replicas; id++) if (!ids.includes(id)) ids.push(id);
  return ids.sort((a, b) => a - b);
}

function removeNodeIdsOf(object: KubeObject): number[] {
  try {
    const ids = JSON.parse(object.metadata.annotations?.['strimzi.io/remove-node-ids'] ?? '[]') as unknown;
    return Array.isArray(ids) ? ids.filter((n): n is number => typeof n === 'number') : [];
  } catch {
    return [];
  }
}

/**
 * Strimzi's stand-in: it runs pods for each KafkaNodePool and KafkaMirrorMaker2 itself, as
 * Strimzi's StrimziPodSet controller does (Strimzi uses no StatefulSets), by node id; a deleted
 * pod is made again under its name. The real scheduler and kwok place and ready them.
 */
export function standInStrimzi(client: KubeClient, namespace: string): StandIn {
  const errors: string[] = [];
  const stopper = new AbortController();
  const reconcileFor =
    (type: ResourceType): Reconcile =>
    async (object, event) => {
      if (event === 'DELETED' || isTerminating(object)) return; // its pods go with it (owner reference)
      const replicas = typeof object.spec?.replicas === 'number' ? object.spec.replicas : 0;
      const { prefix, labels } = strimziWorkload(type, object);
      const selector = selectorOf(labels);
      const pods = (await client.list<Pod>(PODS, namespace, { labelSelector: selector })).items;
      const live = pods.filter((p) => !isTerminating(p));
      const idOf = (p: Pod) => Number(/-(\d+)$/.exec(p.metadata.name)?.[1]);
      const want = strimziNodeIds(live.map(idOf), replicas, removeNodeIdsOf(object));
      for (const pod of live)
        if (!want.includes(idOf(pod))) await client.delete(PODS, namespace, pod.metadata.name, { gracePeriodSeconds: 0 });
      for (const id of want) {
        const name = `${prefix}-${id}`;
        if (pods.some((p) => p.metadata.name === name)) continue; // live, or still going (its DELETED event comes back here)
        await client.create<Pod>(PODS, namespace, {
          metadata: {
            name,
            labels,
            ownerReferences: [
              {
                apiVersion: apiVersionOf(type),
                kind: type.kind,
                name: object.metadata.name,
                uid: object.metadata.uid,
                controller: true,
                blockOwnerDeletion: true,
              },
            ],
          },
          spec: {
            terminationGracePeriodSeconds: 0,
            containers: [{ name: type === KAFKA_NODE_POOLS ? 'kafka' : 'mirror-maker2', image: 'quay.io/strimzi/kafka:stand-in' }],
          },
        });
      }
      const status = object.status ?? {};
      if (
        status.replicas !== replicas ||
        status.labelSelector !== selector ||
        status.observedGeneration !== object.metadata.generation ||
        JSON.stringify(status.nodeIds) !== JSON.stringify(want)
      ) {
        await client.patch(
          type,
          namespace,
          object.metadata.name,
          {
            type: 'merge',
            body: { status: { replicas, labelSelector: selector, nodeIds: want, observedGeneration: object.metadata.generation } },
          },
          { subresource: 'status' },
        );
      }
    };
  const owners = [KAFKA_NODE_POOLS, KAFKA_MIRROR_MAKER_2S];
  const loops = owners.map((type) => controllerLoop(client, type, namespace, reconcileFor(type), errors, stopper.signal));
  // A pod of theirs that goes (a kill) brings its owner back here to make it again.
  const onPod: Reconcile = async (pod, event) => {
    if (event !== 'DELETED') return;
    const owner = pod.metadata.ownerReferences?.find((o) => owners.some((t) => t.kind === o.kind && apiVersionOf(t) === o.apiVersion));
    const type = owners.find((t) => t.kind === owner?.kind);
    if (!owner || !type) return;
    const object = await client.find(type, namespace, String(owner.name));
    if (object) await reconcileFor(type)(object, 'MODIFIED');
  };
  loops.push(controllerLoop(client, PODS, namespace, onPod, errors, stopper.signal));
  return {
    errors,
    async stop() {
      stopper.abort();
      await Promise.all(loops);
    },
  };
}

const CHAOS_FINALIZER = 'chaos-mesh/records';

function podsOfPodChaos(chaos: KubeObject): string[] {
  const pods = (chaos.spec?.selector as { pods?: Record<string, string[]> } | undefined)?.pods ?? {};
  return Object.values(pods).flat();
}

async function setPodReady(client: KubeClient, namespace: string, name: string, ready: boolean): Promise<void> {
  const pod = await client.find<Pod>(PODS, namespace, name);
  if (pod === undefined || conditionOf(pod, 'Ready')?.status === (ready ? 'True' : 'False')) return;
  const now = new Date().toISOString();
  const status = ready ? 'True' : 'False';
  await client.patch(
    PODS,
    namespace,
    name,
    {
      type: 'strategic',
      body: {
        status: {
          conditions: [
            { type: 'Ready', status, lastTransitionTime: now },
            { type: 'ContainersReady', status, lastTransitionTime: now },
          ],
        },
      },
    },
    { subresource: 'status' },
  );
}

/** How the Chaos Mesh stand-in treats an object; by default it injects and recovers every one. */
export interface ChaosMeshBehaviour {
  /** False: it takes the object (finalizer) but never reports AllInjected, as when no pod can be reached. */
  injects?: (chaos: KubeObject) => boolean;
  /** False: on deletion it keeps its finalizer, so the object stays terminating, as when a recovery fails. */
  recovers?: (chaos: KubeObject) => boolean;
}

export function standInChaosMesh(client: KubeClient, namespace: string, behaviour: ChaosMeshBehaviour = {}): StandIn {
  const injects = behaviour.injects ?? (() => true);
  const recovers = behaviour.recovers ?? (() => true);
  const errors: string[] = [];
  const stopper = new AbortController();
  const reconcileFor =
    (type: ResourceType): Reconcile =>
    async (chaos, event) => {
      if (event === 'DELETED') return;
      const finalizers = chaos.metadata.finalizers ?? [];
      const podFailure = type === POD_CHAOS && chaos.spec?.action === 'pod-failure';
      if (isTerminating(chaos)) {
        if (!finalizers.includes(CHAOS_FINALIZER) || !recovers(chaos)) return;
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
        await client.patch(type, namespace, chaos.metadata.name, {
          type: 'merge',
          body: { metadata: { resourceVersion: chaos.metadata.resourceVersion, finalizers: [...finalizers, CHAOS_FINALIZER] } },
        });
        return; // the next event injects
      }
      if (conditionOf(chaos, 'AllInjected')?.status === 'True' || !injects(chaos)) return;
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
  const loops = [POD_CHAOS, NETWORK_CHAOS].map((type) =>
    controllerLoop(client, type, namespace, reconcileFor(type), errors, stopper.signal),
  );
  return {
    errors,
    async stop() {
      stopper.abort();
      await Promise.all(loops);
    },
  };
}
