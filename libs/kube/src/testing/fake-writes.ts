// What the fake API server does with a DELETE, as the real one does it, and the Status errors it
// answers with. See fake-apiserver.ts.
import type { KubeStatus } from '../kube-errors';
import type { KubeObject } from '../objects';
import type { ResourceType } from '../resource-types';
import type { RecordedDeletion, RecordedRequest } from './fake-apiserver';
import type { FakeResourceType, FakeStore } from './fake-store';

export interface Route {
  type: FakeResourceType;
  namespace: string;
  name?: string;
  subresource?: string;
}

export class HttpFailure extends Error {
  constructor(readonly status: KubeStatus) {
    super(status.message);
  }
}

export function statusOf(code: number, reason: string, message: string, details?: KubeStatus['details']): KubeStatus {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

export const fail = (code: number, reason: string, message: string, details?: KubeStatus['details']) =>
  new HttpFailure(statusOf(code, reason, message, details));

export const qualified = (type: ResourceType) => (type.group === '' ? type.resource : `${type.resource}.${type.group}`);

export function deleteObject(
  store: FakeStore,
  type: FakeResourceType,
  current: KubeObject,
  req: RecordedRequest,
  deletions: RecordedDeletion[],
): KubeObject {
  const options = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as {
    gracePeriodSeconds?: number;
    preconditions?: { uid?: string };
  };
  const fromQuery = req.query.gracePeriodSeconds !== undefined ? Number(req.query.gracePeriodSeconds) : undefined;
  const grace = options.gracePeriodSeconds ?? fromQuery;
  const uid = options.preconditions?.uid;
  const { name, namespace } = current.metadata as { name: string; namespace: string };
  deletions.push({ resource: qualified(type), namespace, name, gracePeriodSeconds: grace, uid });
  if (uid !== undefined && uid !== current.metadata.uid) {
    throw fail(409, 'Conflict', `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${current.metadata.uid}`, {
      name,
      group: type.group,
      kind: type.resource,
    });
  }
  const podGrace =
    type.resource === 'pods' && type.group === ''
      ? (grace ?? (current.spec?.terminationGracePeriodSeconds as number | undefined) ?? 30)
      : 0;
  if ((current.metadata.finalizers?.length ?? 0) > 0 || podGrace > 0) {
    if (current.metadata.deletionTimestamp !== undefined) return current;
    return store.write(type, {
      ...current,
      metadata: { ...current.metadata, deletionTimestamp: new Date().toISOString(), deletionGracePeriodSeconds: podGrace },
    });
  }
  return store.remove(type, namespace, name) as KubeObject;
}

/** An object being deleted goes once its last finalizer is removed (pods wait for the kubelet: `remove`). */
export function finishDeletionIfDone(store: FakeStore, type: FakeResourceType, object: KubeObject): void {
  const isPod = type.group === '' && type.resource === 'pods';
  if (!isPod && object.metadata.deletionTimestamp !== undefined && (object.metadata.finalizers?.length ?? 0) === 0) {
    store.remove(type, object.metadata.namespace as string, object.metadata.name);
  }
}
