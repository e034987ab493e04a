/** A kind of Kubernetes object and where the API serves it. */
export interface ResourceType {
  /** API group; '' for the core group (pods). */
  group: string;
  version: string;
  /** The plural resource name in URLs (`statefulsets`, `kafkanodepools`). */
  resource: string;
  kind: string;
  namespaced: boolean;
}

export const PODS: ResourceType = { group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true };
export const DEPLOYMENTS: ResourceType = { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', namespaced: true };
export const STATEFULSETS: ResourceType = { group: 'apps', version: 'v1', resource: 'statefulsets', kind: 'StatefulSet', namespaced: true };
/** Strimzi (`kafka.strimzi.io/v1`): brokers and controllers, by pool. */
export const KAFKA_NODE_POOLS: ResourceType = {
  group: 'kafka.strimzi.io',
  version: 'v1',
  resource: 'kafkanodepools',
  kind: 'KafkaNodePool',
  namespaced: true,
};
export const KAFKA_MIRROR_MAKER_2S: ResourceType = {
  group: 'kafka.strimzi.io',
  version: 'v1',
  resource: 'kafkamirrormaker2s',
  kind: 'KafkaMirrorMaker2',
  namespaced: true,
};
/** Chaos Mesh. */
export const POD_CHAOS: ResourceType = {
  group: 'chaos-mesh.org',
  version: 'v1alpha1',
  resource: 'podchaos',
  kind: 'PodChaos',
  namespaced: true,
};
export const NETWORK_CHAOS: ResourceType = {
  group: 'chaos-mesh.org',
  version: 'v1alpha1',
  resource: 'networkchaos',
  kind: 'NetworkChaos',
  namespaced: true,
};

export function apiVersionOf(type: ResourceType): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}

/** `statefulsets.apps`, `pods`: how kubectl and RBAC name a resource. */
export function resourceName(type: ResourceType): string {
  return type.group === '' ? type.resource : `${type.resource}.${type.group}`;
}

function groupPrefix(type: ResourceType): string {
  return type.group === '' ? `/api/${type.version}` : `/apis/${type.group}/${type.version}`;
}

export function collectionPath(type: ResourceType, namespace: string | undefined): string {
  const ns = type.namespaced ? `/namespaces/${encodeURIComponent(requireNamespace(type, namespace))}` : '';
  return `${groupPrefix(type)}${ns}/${type.resource}`;
}

export function objectPath(type: ResourceType, namespace: string | undefined, name: string, subresource?: string): string {
  return `${collectionPath(type, namespace)}/${encodeURIComponent(name)}${subresource ? `/${subresource}` : ''}`;
}

function requireNamespace(type: ResourceType, namespace: string | undefined): string {
  if (namespace === undefined || namespace === '') throw new TypeError(`${type.resource} are namespaced: a namespace is needed`);
  return namespace;
}
