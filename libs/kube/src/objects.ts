/**
 * The shapes of the objects mirrorlab reads and writes, as much of them as it uses. Objects
 * keep every other field they have (the index signatures), so a read-modify-write never
 * drops what this code does not know about.
 */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: Array<Record<string, unknown>>;
  [key: string]: unknown;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface KubeList<T extends KubeObject = KubeObject> {
  apiVersion?: string;
  kind?: string;
  metadata: { resourceVersion?: string; continue?: string };
  items: T[];
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent<T extends KubeObject = KubeObject> {
  type: WatchEventType;
  object: T;
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface Pod extends KubeObject {
  status?: { phase?: string; conditions?: Condition[]; [key: string]: unknown };
}

/** `autoscaling/v1` Scale: what the `/scale` subresource reads and writes. */
export interface Scale extends KubeObject {
  spec: { replicas?: number };
  status?: { replicas?: number; selector?: string };
}

/** A workload with replicas: Deployment, StatefulSet, or a Strimzi resource with `spec.replicas`. */
export interface ReplicatedObject extends KubeObject {
  spec?: { replicas?: number; [key: string]: unknown };
  status?: {
    replicas?: number;
    readyReplicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    observedGeneration?: number;
    [key: string]: unknown;
  };
}

export function conditionOf(object: { status?: { conditions?: unknown } }, type: string): Condition | undefined {
  const conditions = object.status?.conditions;
  return Array.isArray(conditions) ? (conditions as Condition[]).find((c) => c.type === type) : undefined;
}

export function isTerminating(object: KubeObject): boolean {
  return object.metadata.deletionTimestamp !== undefined;
}

/** Ready as the kubelet reports it (condition Ready=True) and not on its way out. */
export function isPodReady(pod: Pod): boolean {
  return !isTerminating(pod) && conditionOf(pod, 'Ready')?.status === 'True';
}

/** The ordinal at the end of a pod name (`source-kafka-2`, Strimzi's `source-pool-2`), or undefined. */
export function podOrdinal(name: string): number | undefined {
  const m = /-(\d+)$/.exec(name);
  return m ? Number(m[1]) : undefined;
}
