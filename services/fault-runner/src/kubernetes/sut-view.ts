import {
  KubeError,
  PODS,
  conditionOf,
  isKubeError,
  isTerminating,
  podOrdinal,
  untilGone,
  untilPodsReady,
  waitFor,
  type KubeClient,
  type KubeObject,
  type Pod,
  type ReplicatedObject,
  type ResourceType,
} from '@mirrorlab/kube';
import { FaultRunnerError, errorMessage, type FaultRunnerErrorCode } from '../errors';
import type { Verification } from '../fault-backend';
import type { ClusterName, FaultTarget } from '../fault-target';
import type { KubernetesSut, SutPart } from './kubernetes-config';

/** What every Kubernetes fault needs: the API, where the SUT is, and how long waits may take. */
export interface KubeFaultContext {
  client: KubeClient;
  sut: KubernetesSut;
  /** Bound on every wait for a heal, and for an injection's effect. */
  healTimeoutMs: number;
  /** Bound on a verification that changes nothing. */
  verifyTimeoutMs: number;
}

/** A Kubernetes failure as the runner's error, with the API's message and whether a retry can help. */
export function kubeFailure(error: unknown, code: FaultRunnerErrorCode, what: string): FaultRunnerError {
  if (error instanceof FaultRunnerError) return error;
  if (error instanceof KubeError)
    return new FaultRunnerError(code, `${what}: ${error.message}`, { cause: error, retriable: error.retriable });
  return new FaultRunnerError(code, `${what}: ${errorMessage(error)}`, { cause: error });
}

export function partOfCluster(sut: KubernetesSut, cluster: ClusterName): SutPart {
  return cluster === 'source' ? sut.source : sut.target;
}

/** The part a broker, cluster or replicator target names. */
export function partOf(sut: KubernetesSut, target: FaultTarget): SutPart {
  switch (target.type) {
    case 'broker':
    case 'cluster':
      return partOfCluster(sut, target.cluster);
    case 'replicator':
      return sut.replicator;
    default:
      throw new FaultRunnerError('target_invalid', `target: ${target.type} does not name pods`, { field: 'target' });
  }
}

function byOrdinal(a: Pod, b: Pod): number {
  return (
    (podOrdinal(a.metadata.name) ?? Infinity) - (podOrdinal(b.metadata.name) ?? Infinity) || a.metadata.name.localeCompare(b.metadata.name)
  );
}

/** The part's pods that are not on their way out, by ordinal (StatefulSet ordinal, Strimzi node id). */
export async function livePods(ctx: KubeFaultContext, part: SutPart): Promise<Pod[]> {
  const list = await ctx.client.list<Pod>(PODS, ctx.sut.namespace, { labelSelector: part.selector });
  return list.items.filter((p) => !isTerminating(p)).sort(byOrdinal);
}

/** The pod a target names: broker n is the part's n-th pod by ordinal; the replicator, its first pod. */
export async function podOf(ctx: KubeFaultContext, part: SutPart, target: FaultTarget): Promise<Pod> {
  const pods = await livePods(ctx, part);
  const index = target.type === 'broker' ? target.broker - 1 : 0;
  const pod = pods[index];
  if (pod === undefined) {
    const which = target.type === 'broker' ? `broker ${target.broker}` : 'a pod';
    const have = pods.length === 0 ? 'no pods' : `pods ${pods.map((p) => p.metadata.name).join(', ')}`;
    throw new FaultRunnerError(
      'inject_failed',
      `no ${which} among the ${part.role}: ${part.variables.selector}=${part.selector} in ${ctx.sut.namespace} selects ${have}`,
      { retriable: false },
    );
  }
  return pod;
}

/** The object that sets the part's replicas; a missing one names the variable that configures it. */
export async function readSet(ctx: KubeFaultContext, part: SutPart): Promise<ReplicatedObject> {
  try {
    return await ctx.client.get<ReplicatedObject>(part.set.type, ctx.sut.namespace, part.set.name);
  } catch (error) {
    if (isKubeError(error, 'not_found')) {
      throw new FaultRunnerError(
        'inject_failed',
        `${part.set.text} (the ${part.role}) does not exist in namespace ${ctx.sut.namespace}: deploy it or set ${part.variables.set} and K8S_NAMESPACE`,
        { cause: error, retriable: false },
      );
    }
    throw error;
  }
}

export function replicasOf(set: ReplicatedObject, part: SutPart): number {
  const r = set.spec?.replicas;
  if (typeof r !== 'number') throw new FaultRunnerError('inject_failed', `${part.set.text} has no spec.replicas`, { retriable: false });
  return r;
}

/** Waits until the part has exactly `count` pods, all Ready (and, with `replacing`, that incarnation gone). */
export async function awaitPartReady(
  ctx: KubeFaultContext,
  part: SutPart,
  count: number,
  timeoutMs: number,
  replacing?: { name: string; uid: string },
): Promise<Verification> {
  try {
    const pods = await untilPodsReady(ctx.client, ctx.sut.namespace, part.selector, count, {
      timeoutMs,
      ...(replacing ? { replacing } : {}),
    });
    const replaced = replacing ? pods.find((p) => p.metadata.name === replacing.name) : undefined;
    const note = replaced ? `; ${replacing?.name} replaced (uid ${replaced.metadata.uid})` : '';
    return { ok: true, detail: `${part.role}: ${count}/${count} pods Ready (${pods.map((p) => p.metadata.name).join(', ')})${note}` };
  } catch (error) {
    return { ok: false, detail: `${part.role}: ${errorMessage(error)}` };
  }
}

/** Deletes an object if it is there and waits until it is gone (finalizers done). Returns what it did. */
export async function deleteAndAwaitGone(ctx: KubeFaultContext, type: ResourceType, name: string): Promise<string> {
  const answer = await ctx.client.delete(type, ctx.sut.namespace, name);
  await untilGone(ctx.client, type, ctx.sut.namespace, name, { timeoutMs: ctx.healTimeoutMs });
  return answer === undefined ? `no ${type.kind} ${name}` : `deleted ${type.kind} ${name}; it is gone`;
}

/** Chaos Mesh reports an object injected with the condition AllInjected=True. */
export function isChaosInjected(chaos: KubeObject | undefined): boolean {
  return chaos !== undefined && !isTerminating(chaos) && conditionOf(chaos, 'AllInjected')?.status === 'True';
}

export function awaitChaosInjected(ctx: KubeFaultContext, type: ResourceType, name: string): Promise<void> {
  return waitFor<KubeObject, void>(
    ctx.client,
    type,
    ctx.sut.namespace,
    { fieldSelector: `metadata.name=${name}` },
    ([chaos]) => {
      if (isChaosInjected(chaos)) return { done: undefined };
      const injected = chaos && conditionOf(chaos, 'AllInjected');
      return {
        notYet:
          chaos === undefined
            ? `${name} does not exist`
            : `AllInjected is ${injected ? `${injected.status}${injected.reason ? ` (${injected.reason})` : ''}` : 'not reported yet'}`,
      };
    },
    `Chaos Mesh to inject ${type.kind} ${name}`,
    { timeoutMs: ctx.healTimeoutMs },
  );
}

/**
 * Creates a chaos object; if one of that name exists already and belongs to the same fault
 * (an inject retried after a failure), it is taken as is. Another fault's is a conflict.
 */
export async function createChaos(
  ctx: KubeFaultContext,
  type: ResourceType,
  object: KubeObject,
  faultId: string,
): Promise<'created' | 'existing'> {
  try {
    await ctx.client.create(type, ctx.sut.namespace, object);
    return 'created';
  } catch (error) {
    if (!isKubeError(error, 'conflict')) throw error;
    const existing = await ctx.client.find(type, ctx.sut.namespace, object.metadata.name);
    if (existing?.metadata.annotations?.['mirrorlab.io/fault-id'] === faultId && !isTerminating(existing)) return 'existing';
    throw new FaultRunnerError(
      'inject_failed',
      `${type.kind} ${object.metadata.name} exists already and is not this fault's (or is being deleted); heal the other fault first`,
      { cause: error },
    );
  }
}
