import { matchesLabels, parseLabelSelector } from '../label-selector';
import { conditionOf, isTerminating, podOrdinal, type Condition, type KubeObject, type Pod } from '../objects';
import { NETWORK_CHAOS, PODS, POD_CHAOS, type ResourceType } from '../resource-types';
import type { FakeApiServer } from './fake-apiserver';

/**
 * Stand-ins for what runs beside a real API server, for tests on the fake one: a workload
 * controller with a kubelet (pods for a StatefulSet, Deployment or Strimzi resource), and
 * Chaos Mesh's controller. They react to changes asynchronously, as the real ones do.
 */
export interface WorkloadSimulation {
  /** The object with `spec.replicas`: a StatefulSet, Deployment, KafkaNodePool or KafkaMirrorMaker2. */
  owner: ResourceType;
  namespace: string;
  name: string;
  /** The labels every pod of it carries. */
  podLabels: Record<string, string>;
  /** The pod name for an ordinal (StatefulSet `<name>-<i>`, Strimzi `<cluster>-<pool>-<node id>`). */
  podName: (ordinal: number) => string;
  /** The ordinals that should exist for `replicas`; default the lowest free ones kept, the highest removed (a StatefulSet). */
  ordinals?: (owner: KubeObject, current: readonly number[], replicas: number) => number[];
  /** Whether a new pod becomes Ready (default: every pod does). */
  ready?: (podName: string) => boolean;
}

function lowestOrdinals(current: readonly number[], replicas: number): number[] {
  const keep = [...current].sort((a, b) => a - b).slice(0, replicas);
  for (let i = 0; keep.length < replicas; i++) if (!keep.includes(i)) keep.push(i);
  return keep.sort((a, b) => a - b);
}

export function readyCondition(status: Condition['status']): Condition {
  return { type: 'Ready', status, lastTransitionTime: new Date().toISOString() };
}

/** Sets a pod's Ready condition (the kubelet's probe result). */
export function setPodReady(fake: FakeApiServer, namespace: string, name: string, ready: boolean): void {
  fake.update<Pod>(PODS, namespace, name, (pod) => {
    const others = (pod.status?.conditions ?? []).filter((c) => c.type !== 'Ready');
    pod.status = { ...pod.status, phase: 'Running', conditions: [...others, readyCondition(ready ? 'True' : 'False')] };
  });
}

/**
 * Keeps pods in line with the owner's `spec.replicas` and writes the owner's status
 * (replicas, readyReplicas, updatedReplicas, availableReplicas, observedGeneration). A new
 * pod starts not Ready and turns Ready on the next step; a deleted pod is replaced under the
 * same name with a new uid; a terminating pod is removed (its grace period over).
 */
export function simulateWorkload(fake: FakeApiServer, sim: WorkloadSimulation): { stop(): void; reconcile(): void } {
  const starting = new Set<string>();
  const ownsPod = (pod: KubeObject) =>
    pod.metadata.namespace === sim.namespace && Object.entries(sim.podLabels).every(([k, v]) => pod.metadata.labels?.[k] === v);
  const reconcile = () => {
    const owner = fake.read(sim.owner, sim.namespace, sim.name);
    if (owner === undefined) return;
    const pods = fake.all<Pod>(PODS, sim.namespace).filter(ownsPod);
    for (const pod of pods.filter(isTerminating)) fake.remove(PODS, sim.namespace, pod.metadata.name);
    const live = pods.filter((p) => !isTerminating(p));
    const replicas = typeof owner.spec?.replicas === 'number' ? owner.spec.replicas : 1;
    const current = live.map((p) => podOrdinal(p.metadata.name)).filter((n): n is number => n !== undefined);
    const wanted = sim.ordinals ? sim.ordinals(owner, current, replicas) : lowestOrdinals(current, replicas);
    for (const pod of live) {
      const ordinal = podOrdinal(pod.metadata.name);
      if (ordinal === undefined || !wanted.includes(ordinal)) fake.remove(PODS, sim.namespace, pod.metadata.name);
    }
    for (const ordinal of wanted) {
      const name = sim.podName(ordinal);
      const pod = live.find((p) => p.metadata.name === name);
      if (pod === undefined) {
        fake.put<Pod>(PODS, {
          metadata: { name, namespace: sim.namespace, labels: { ...sim.podLabels } },
          spec: { terminationGracePeriodSeconds: 30 },
          status: { phase: 'Pending', conditions: [readyCondition('False')] },
        });
        starting.add(name);
      } else if (starting.has(name)) {
        starting.delete(name);
        if (sim.ready?.(name) ?? true) setPodReady(fake, sim.namespace, name, true);
      }
    }
    const now = fake.all<Pod>(PODS, sim.namespace).filter((p) => ownsPod(p) && !isTerminating(p));
    const ready = now.filter((p) => conditionOf(p, 'Ready')?.status === 'True').length;
    const status = {
      ...owner.status,
      replicas: now.length,
      readyReplicas: ready,
      updatedReplicas: now.length,
      availableReplicas: ready,
      observedGeneration: owner.metadata.generation,
    };
    if (JSON.stringify(status) !== JSON.stringify(owner.status))
      fake.update(sim.owner, sim.namespace, sim.name, (o) => void (o.status = status));
  };
  const stop = fake.onChange((change) => {
    const isOwner =
      change.resource.group === sim.owner.group &&
      change.resource.resource === sim.owner.resource &&
      change.object.metadata.name === sim.name;
    const isPod = change.resource.resource === 'pods' && change.resource.group === '' && ownsPod(change.object);
    if (isOwner || isPod) reconcile();
  });
  reconcile();
  return { stop, reconcile };
}

export const CHAOS_FINALIZER = 'chaos-mesh/records';

export interface ChaosMeshSimulation {
  /** Whether Chaos Mesh manages to inject this object (default: yes). */
  injects?: (chaos: KubeObject) => boolean;
  /** Whether it manages to recover (and drop its finalizer) when the object is deleted (default: yes). */
  recovers?: (chaos: KubeObject) => boolean;
}

function chaosConditions(injected: boolean): Condition[] {
  return [
    { type: 'Selected', status: 'True' },
    { type: 'AllInjected', status: injected ? 'True' : 'False' },
    { type: 'AllRecovered', status: injected ? 'False' : 'True' },
    { type: 'Paused', status: 'False' },
  ];
}

/** The pods a PodChaos selector names: `pods` by namespace and name, or namespaces and label selectors. */
function selectedPods(fake: FakeApiServer, chaos: KubeObject): Pod[] {
  const selector = (chaos.spec?.selector ?? {}) as {
    namespaces?: string[];
    labelSelectors?: Record<string, string>;
    pods?: Record<string, string[]>;
  };
  if (selector.pods)
    return Object.entries(selector.pods).flatMap(([ns, names]) =>
      names.map((n) => fake.read<Pod>(PODS, ns, n)).filter((p): p is Pod => p !== undefined),
    );
  const labels = parseLabelSelector(
    Object.entries(selector.labelSelectors ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(','),
  );
  return (selector.namespaces ?? [chaos.metadata.namespace as string]).flatMap((ns) =>
    fake.all<Pod>(PODS, ns).filter((p) => matchesLabels(labels, p.metadata.labels)),
  );
}

/**
 * Chaos Mesh's controller, as far as objects go: a new PodChaos or NetworkChaos gets the
 * `chaos-mesh/records` finalizer and the conditions Selected and AllInjected; a
 * `pod-failure` PodChaos makes its pods not Ready. Deleting the object recovers (pods Ready
 * again), then drops the finalizer, and only then is the object gone.
 */
export function simulateChaosMesh(fake: FakeApiServer, sim: ChaosMeshSimulation = {}): { stop(): void } {
  return {
    stop: fake.onChange((change) => {
      const isChaos = [POD_CHAOS, NETWORK_CHAOS].some((t) => t.group === change.resource.group && t.resource === change.resource.resource);
      if (!isChaos || change.type === 'DELETED') return;
      const type = change.resource.resource === POD_CHAOS.resource ? POD_CHAOS : NETWORK_CHAOS;
      const chaos = fake.read(type, change.object.metadata.namespace as string, change.object.metadata.name);
      if (chaos === undefined) return;
      const podFailure = type === POD_CHAOS && chaos.spec?.action === 'pod-failure';
      const finalizers = chaos.metadata.finalizers ?? [];
      if (isTerminating(chaos)) {
        if (!finalizers.includes(CHAOS_FINALIZER) || !(sim.recovers?.(chaos) ?? true)) return;
        if (podFailure)
          for (const pod of selectedPods(fake, chaos)) setPodReady(fake, pod.metadata.namespace as string, pod.metadata.name, true);
        fake.update(type, chaos.metadata.namespace as string, chaos.metadata.name, (o) => {
          o.metadata.finalizers = (o.metadata.finalizers ?? []).filter((f) => f !== CHAOS_FINALIZER);
          o.status = { ...o.status, conditions: chaosConditions(false) };
        });
        return;
      }
      if (finalizers.includes(CHAOS_FINALIZER)) return;
      const injected = sim.injects?.(chaos) ?? true;
      if (injected && podFailure)
        for (const pod of selectedPods(fake, chaos)) setPodReady(fake, pod.metadata.namespace as string, pod.metadata.name, false);
      fake.update(type, chaos.metadata.namespace as string, chaos.metadata.name, (o) => {
        o.metadata.finalizers = [...finalizers, CHAOS_FINALIZER];
        o.status = { ...o.status, conditions: chaosConditions(injected) };
      });
    }),
  };
}
