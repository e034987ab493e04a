import { setTimeout as delay } from 'node:timers/promises';
import type { KubeClient, Selection } from './kube-client';
import { KubeError, isKubeError } from './kube-errors';
import { isPodReady, isTerminating, type KubeObject, type Pod, type ReplicatedObject } from './objects';
import { PODS, resourceName, type ResourceType } from './resource-types';

export type CheckResult<R> = { done: R } | { notYet: string };
/** Looks at every object the selection holds now; says whether the wait is over, or why not. */
export type Check<T, R> = (objects: readonly T[]) => CheckResult<R>;

export interface WaitOptions {
  /** Bound on the whole wait; past it the wait throws a `KubeError` `timeout` with the last reason. */
  timeoutMs: number;
  /** Ends the wait early: it then throws `signal.reason`. */
  signal?: AbortSignal;
  /** How long one watch request may stay open before it is renewed (from the last version seen). */
  watchTimeoutSeconds?: number;
}

/** Pause before listing again after an error, or before renewing a watch the server ended at once. */
const BACKOFF_MS = 500;

/**
 * Waits until `check` is satisfied by the objects `selection` holds: lists once, then follows
 * a watch from the list's resourceVersion (`?watch=1&resourceVersion=...`), checking after
 * every event. A watch the server ends is renewed from the last version seen; a 410 Gone or
 * a retriable error lists again. It never polls: between events it only waits.
 */
export async function waitFor<T extends KubeObject, R>(
  client: KubeClient,
  type: ResourceType,
  namespace: string,
  selection: Selection,
  check: Check<T, R>,
  what: string,
  options: WaitOptions,
): Promise<R> {
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  let last = 'nothing seen yet';
  const evaluate = (objects: Map<string, T>): { done: R } | undefined => {
    const result = check([...objects.values()]);
    if ('done' in result) return result;
    last = result.notYet;
    return undefined;
  };
  try {
    relist: for (;;) {
      signal.throwIfAborted();
      let list;
      try {
        list = await client.list<T>(type, namespace, selection, signal);
      } catch (error) {
        if (!isKubeError(error) || !error.retriable) throw error;
        last = error.message;
        await delay(BACKOFF_MS, undefined, { signal });
        continue relist;
      }
      const objects = new Map(list.items.map((o) => [o.metadata.name, o]));
      let result = evaluate(objects);
      if (result) return result.done;
      let resourceVersion = list.metadata.resourceVersion ?? '0';
      for (;;) {
        const stop = new AbortController();
        let events = 0;
        try {
          const stream = client.watch<T>(
            type,
            namespace,
            { ...selection, resourceVersion, timeoutSeconds: options.watchTimeoutSeconds ?? 60 },
            AbortSignal.any([signal, stop.signal]),
          );
          for await (const event of stream) {
            events++;
            if (event.object.metadata?.resourceVersion) resourceVersion = event.object.metadata.resourceVersion;
            if (event.type === 'BOOKMARK') continue;
            if (event.type === 'DELETED') objects.delete(event.object.metadata.name);
            else objects.set(event.object.metadata.name, event.object);
            result = evaluate(objects);
            if (result) return result.done;
          }
        } catch (error) {
          if (isKubeError(error, 'gone')) continue relist;
          if (!isKubeError(error) || !error.retriable) throw error;
          last = error.message;
          await delay(BACKOFF_MS, undefined, { signal });
          continue relist;
        } finally {
          stop.abort();
        }
        signal.throwIfAborted();
        if (events === 0) await delay(BACKOFF_MS, undefined, { signal });
      }
    }
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    if (deadline.aborted) {
      throw new KubeError('timeout', `${what}: not seen within ${formatSeconds(options.timeoutMs)} (last seen: ${last})`, {
        cause: error instanceof KubeError ? error : undefined,
      });
    }
    throw error;
  }
}

function formatSeconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

const byName = (name: string): Selection => ({ fieldSelector: `metadata.name=${name}` });

/** Until no object of that name exists (or, with `uid`, until that incarnation is gone: a replacement may hold the name). */
export function untilGone(
  client: KubeClient,
  type: ResourceType,
  namespace: string,
  name: string,
  options: WaitOptions & { uid?: string },
): Promise<void> {
  return waitFor<KubeObject, void>(
    client,
    type,
    namespace,
    byName(name),
    (objects) => {
      const left = objects.filter((o) => options.uid === undefined || o.metadata.uid === options.uid);
      if (left.length === 0) return { done: undefined };
      const o = left[0];
      const finalizers = o.metadata.finalizers?.length ? `, finalizers ${o.metadata.finalizers.join(', ')}` : '';
      return { notYet: `${name} still exists${isTerminating(o) ? ` (terminating${finalizers})` : ''}` };
    },
    `${resourceName(type)} ${namespace}/${name} gone`,
    options,
  );
}

/**
 * Until a Deployment or StatefulSet has rolled out exactly `replicas` ready replicas: its
 * controller saw the latest spec (observedGeneration), and status.replicas (pods not
 * terminated) and status.readyReplicas both equal `replicas`.
 */
export function untilReadyReplicas<T extends ReplicatedObject>(
  client: KubeClient,
  type: ResourceType,
  namespace: string,
  name: string,
  replicas: number,
  options: WaitOptions,
): Promise<T> {
  return waitFor<T, T>(
    client,
    type,
    namespace,
    byName(name),
    (objects) => {
      const o = objects[0];
      if (o === undefined) return { notYet: `${name} does not exist` };
      const status = o.status ?? {};
      if ((status.observedGeneration ?? 0) < (o.metadata.generation ?? 0))
        return { notYet: `the controller has not seen generation ${o.metadata.generation} yet` };
      const current = status.replicas ?? 0;
      const ready = status.readyReplicas ?? 0;
      if (current === replicas && ready === replicas) return { done: o };
      return { notYet: `${ready}/${replicas} ready, ${current} pods` };
    },
    `${resourceName(type)} ${namespace}/${name} with ${replicas} ready replicas`,
    options,
  );
}

/**
 * Until exactly `count` pods match `labelSelector`, every one Ready, none terminating, and
 * (with `replacing`) none is the incarnation `replacing.uid` any more.
 */
export function untilPodsReady(
  client: KubeClient,
  namespace: string,
  labelSelector: string,
  count: number,
  options: WaitOptions & { replacing?: { name: string; uid: string } },
): Promise<Pod[]> {
  return waitFor<Pod, Pod[]>(
    client,
    PODS,
    namespace,
    { labelSelector },
    (pods) => {
      const replaced = options.replacing;
      const old = replaced ? pods.find((p) => p.metadata.uid === replaced.uid) : undefined;
      if (old) return { notYet: `${old.metadata.name} (uid ${replaced?.uid}) is still there` };
      const terminating = pods.filter(isTerminating).map((p) => p.metadata.name);
      const live = pods.filter((p) => !isTerminating(p));
      const notReady = live.filter((p) => !isPodReady(p)).map((p) => p.metadata.name);
      if (live.length === count && notReady.length === 0 && terminating.length === 0)
        return { done: [...live].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name)) };
      const parts = [`${live.length - notReady.length}/${count} pods ready`];
      if (live.length !== count) parts.push(`${live.length} exist`);
      if (notReady.length > 0) parts.push(`not ready: ${notReady.sort().join(', ')}`);
      if (terminating.length > 0) parts.push(`terminating: ${terminating.sort().join(', ')}`);
      return { notYet: parts.join('; ') };
    },
    `${count} ready pods matching ${labelSelector} in ${namespace}`,
    options,
  );
}
