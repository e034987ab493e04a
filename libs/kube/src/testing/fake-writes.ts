// What the fake API server does with a write (POST, DELETE, PATCH, PUT), as the real one does
// it, and the Status errors it answers with. See fake-apiserver.ts.
import type { KubeStatus } from '../kube-errors';
import type { KubeObject, Scale } from '../objects';
import { apiVersionOf, type ResourceType } from '../resource-types';
import type { RecordedDeletion, RecordedRequest } from './fake-apiserver';
import type { FakeResourceType, FakeStore } from './fake-store';
import { PatchError, applyJsonPatch, applyMergePatch } from './patch-apply';

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

export function scaleOf(object: KubeObject): Scale {
  const selector = (object.spec?.selector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels;
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: {
      name: object.metadata.name,
      namespace: object.metadata.namespace,
      uid: object.metadata.uid,
      resourceVersion: object.metadata.resourceVersion,
      creationTimestamp: object.metadata.creationTimestamp,
    },
    spec: { replicas: (object.spec?.replicas as number | undefined) ?? 0 },
    status: {
      replicas: (object.status?.replicas as number | undefined) ?? 0,
      ...(selector
        ? {
            selector: Object.entries(selector)
              .map(([k, v]) => `${k}=${v}`)
              .join(','),
          }
        : {}),
    },
  };
}

export function createObject(store: FakeStore, type: FakeResourceType, namespace: string, body: unknown): KubeObject {
  const object = body as KubeObject;
  if (typeof object !== 'object' || object === null || typeof object.metadata !== 'object')
    throw fail(400, 'BadRequest', 'the object has no metadata');
  if (object.kind !== undefined && object.kind !== type.kind)
    throw fail(
      400,
      'BadRequest',
      `the API version in the data (${object.apiVersion}) does not match the expected API version (${apiVersionOf(type)})`,
    );
  if (object.metadata.namespace !== undefined && object.metadata.namespace !== namespace) {
    throw fail(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
  }
  const name = object.metadata.name;
  if (typeof name !== 'string' || !/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(name)) {
    throw fail(
      422,
      'Invalid',
      `${type.kind} "${String(name ?? '')}" is invalid: metadata.name: Invalid value: a lowercase RFC 1123 subdomain is required`,
      {
        name: String(name ?? ''),
        group: type.group,
        kind: type.kind,
        causes: [{ reason: 'FieldValueInvalid', field: 'metadata.name', message: 'Invalid value' }],
      },
    );
  }
  if (store.get(type, namespace, name) !== undefined)
    throw fail(409, 'AlreadyExists', `${qualified(type)} "${name}" already exists`, { name, group: type.group, kind: type.resource });
  const { status: _ignoredStatus, ...rest } = object;
  return store.write(type, {
    ...rest,
    metadata: { ...object.metadata, namespace, uid: undefined, resourceVersion: undefined, generation: 1, creationTimestamp: undefined },
  });
}

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

export function modifyObject(store: FakeStore, route: Route, current: KubeObject, req: RecordedRequest): KubeObject | Scale {
  const { type } = route;
  const onScale = route.subresource === 'scale';
  const before: KubeObject = onScale ? scaleOf(current) : current;
  let after: KubeObject;
  if (req.method === 'PUT') {
    after = req.body as KubeObject;
  } else {
    const mediaType = (req.contentType ?? '').split(';')[0].trim();
    const allowed =
      'application/json-patch+json, application/merge-patch+json' + (type.builtin ? ', application/strategic-merge-patch+json' : '');
    const unsupported = fail(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${allowed}, application/apply-patch+yaml`,
    );
    try {
      if (mediaType === 'application/merge-patch+json') after = applyMergePatch(before, req.body) as KubeObject;
      else if (mediaType === 'application/json-patch+json') after = applyJsonPatch(before, req.body) as KubeObject;
      else if (mediaType === 'application/strategic-merge-patch+json' && type.builtin && !onScale)
        after = applyMergePatch(before, req.body) as KubeObject;
      else throw unsupported;
    } catch (error) {
      if (error instanceof PatchError) throw fail(422, 'Invalid', error.message);
      throw error;
    }
  }
  const { name, namespace } = current.metadata as { name: string; namespace: string };
  if (typeof after !== 'object' || after === null || typeof after.metadata !== 'object' || after.metadata.name !== name) {
    throw fail(422, 'Invalid', `${type.kind} "${name}" is invalid: metadata.name: Invalid value: the name cannot change`);
  }
  const sentVersion = after.metadata.resourceVersion;
  const versionWasSet = req.method === 'PUT' ? sentVersion !== undefined : sentVersion !== before.metadata.resourceVersion;
  if (versionWasSet && sentVersion !== current.metadata.resourceVersion) {
    throw fail(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualified(type)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      {
        name,
        group: type.group,
        kind: type.resource,
      },
    );
  }
  let next: KubeObject;
  if (onScale) {
    const replicas = (after as Scale).spec?.replicas;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
      throw fail(
        422,
        'Invalid',
        `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
      );
    }
    next = { ...current, spec: { ...current.spec, replicas } };
  } else if (route.subresource === 'status') {
    next = { ...current, status: after.status };
  } else {
    // The main resource ignores status (it has a subresource) and keeps identity fields.
    next = {
      ...after,
      status: current.status,
      metadata: { ...after.metadata, namespace, uid: current.metadata.uid, creationTimestamp: current.metadata.creationTimestamp },
    };
  }
  const specChanged = JSON.stringify(next.spec ?? null) !== JSON.stringify(current.spec ?? null);
  next.metadata = { ...next.metadata, resourceVersion: undefined, generation: (current.metadata.generation ?? 1) + (specChanged ? 1 : 0) };
  const written = store.write(type, next);
  finishDeletionIfDone(store, type, written);
  return onScale ? scaleOf(written) : written;
}

/** An object being deleted goes once its last finalizer is removed (pods wait for the kubelet: `remove`). */
export function finishDeletionIfDone(store: FakeStore, type: FakeResourceType, object: KubeObject): void {
  const isPod = type.group === '' && type.resource === 'pods';
  if (!isPod && object.metadata.deletionTimestamp !== undefined && (object.metadata.finalizers?.length ?? 0) === 0) {
    store.remove(type, object.metadata.namespace as string, object.metadata.name);
  }
}
