import { matchesLabels, parseLabelSelector, type LabelSelector } from '../label-selector';
import type { KubeObject } from '../objects';
import { apiVersionOf, type ResourceType } from '../resource-types';

/** A resource type as the fake API server serves it. */
export type FakeResourceType = ResourceType;

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreChange {
  type: ChangeType;
  resource: FakeResourceType;
  /** The object after the change (for DELETED: as it was when removed). */
  object: KubeObject;
  /** The object before the change (MODIFIED, DELETED). */
  previous?: KubeObject;
  resourceVersion: number;
}

/** label and field selectors of a list or watch. */
export interface Filter {
  labels: LabelSelector;
  fields: Array<{ field: 'metadata.name' | 'metadata.namespace'; equal: boolean; value: string }>;
}

export class FilterError extends Error {}

export function parseFilter(labelSelector: string | undefined, fieldSelector: string | undefined): Filter {
  let labels: LabelSelector;
  try {
    labels = parseLabelSelector(labelSelector ?? '');
  } catch (error) {
    throw new FilterError(`unable to parse requirement: ${(error as Error).message}`);
  }
  const fields: Filter['fields'] = [];
  for (const term of (fieldSelector ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean)) {
    const m = /^([a-zA-Z.]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw new FilterError(`invalid selector: '${term}'; can't understand '${term}'`);
    if (m[1] !== 'metadata.name' && m[1] !== 'metadata.namespace') throw new FilterError(`field label not supported: ${m[1]}`);
    fields.push({ field: m[1], equal: m[2] !== '!=', value: m[3] });
  }
  return { labels, fields };
}

export function matchesFilter(filter: Filter, object: KubeObject): boolean {
  const fieldOk = filter.fields.every((f) => {
    const actual = f.field === 'metadata.name' ? object.metadata.name : object.metadata.namespace;
    return (actual === f.value) === f.equal;
  });
  return fieldOk && matchesLabels(filter.labels, object.metadata.labels);
}

const keyOf = (type: ResourceType, namespace: string, name: string) => `${type.group}/${type.resource}/${namespace}/${name}`;

/**
 * The fake API server's storage: objects by group/resource/namespace/name, one global
 * resourceVersion counter as etcd's revision, and the history of changes watches replay.
 */
export class FakeStore {
  private readonly objects = new Map<string, KubeObject>();
  private readonly history: StoreChange[] = [];
  private revision = 100;
  private uids = 0;
  /** Watches asking for a version older than this get 410 Gone. */
  compactedBefore = 0;
  private readonly listeners = new Set<(change: StoreChange) => void>();

  get resourceVersion(): number {
    return this.revision;
  }

  newUid(): string {
    this.uids++;
    return `00000000-0000-4000-8000-${String(this.uids).padStart(12, '0')}`;
  }

  get(type: ResourceType, namespace: string, name: string): KubeObject | undefined {
    const o = this.objects.get(keyOf(type, namespace, name));
    return o === undefined ? undefined : structuredClone(o);
  }

  list(type: ResourceType, namespace: string | undefined, filter?: Filter): KubeObject[] {
    const prefix = `${type.group}/${type.resource}/${namespace ?? ''}`;
    return [...this.objects.entries()]
      .filter(([k]) => k.startsWith(namespace === undefined ? `${type.group}/${type.resource}/` : `${prefix}/`))
      .map(([, o]) => structuredClone(o))
      .filter((o) => filter === undefined || matchesFilter(filter, o))
      .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  }

  /** Stores a new or changed object: stamps the next resourceVersion, records and announces the change. */
  write(type: FakeResourceType, object: KubeObject): KubeObject {
    const namespace = object.metadata.namespace as string;
    const key = keyOf(type, namespace, object.metadata.name);
    const previous = this.objects.get(key);
    this.revision++;
    const stored: KubeObject = {
      ...structuredClone(object),
      apiVersion: apiVersionOf(type),
      kind: type.kind,
      metadata: {
        ...structuredClone(object.metadata),
        uid: object.metadata.uid ?? previous?.metadata.uid ?? this.newUid(),
        generation: object.metadata.generation ?? previous?.metadata.generation ?? 1,
        creationTimestamp: object.metadata.creationTimestamp ?? previous?.metadata.creationTimestamp ?? new Date().toISOString(),
        resourceVersion: String(this.revision),
      },
    };
    this.objects.set(key, stored);
    this.record({
      type: previous === undefined ? 'ADDED' : 'MODIFIED',
      resource: type,
      object: structuredClone(stored),
      previous: previous && structuredClone(previous),
      resourceVersion: this.revision,
    });
    return structuredClone(stored);
  }

  /** Removes the object for good (what happens once finalizers and grace periods are over). */
  remove(type: FakeResourceType, namespace: string, name: string): KubeObject | undefined {
    const key = keyOf(type, namespace, name);
    const previous = this.objects.get(key);
    if (previous === undefined) return undefined;
    this.objects.delete(key);
    this.revision++;
    const gone = {
      ...structuredClone(previous),
      metadata: { ...structuredClone(previous.metadata), resourceVersion: String(this.revision) },
    };
    this.record({ type: 'DELETED', resource: type, object: gone, previous: structuredClone(previous), resourceVersion: this.revision });
    return structuredClone(gone);
  }

  /** Changes after `resourceVersion` for one resource type and namespace, oldest first. */
  changesAfter(type: ResourceType, namespace: string, resourceVersion: number): StoreChange[] {
    return this.history.filter(
      (c) =>
        c.resourceVersion > resourceVersion &&
        c.resource.group === type.group &&
        c.resource.resource === type.resource &&
        c.object.metadata.namespace === namespace,
    );
  }

  onChange(listener: (change: StoreChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private record(change: StoreChange): void {
    this.history.push(change);
    for (const listener of [...this.listeners]) listener(change);
  }
}
