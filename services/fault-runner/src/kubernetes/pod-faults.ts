import { PODS, POD_CHAOS, isPodReady, untilGone, waitFor, type Pod } from '@mirrorlab/kube';
import { FaultRunnerError, errorMessage } from '../errors';
import type { FaultEffect, Injection, Verification } from '../fault-backend';
import type { FaultRequestOf } from '../fault-request';
import { chaosName, podFailureChaos, type PauseFault } from './chaos-objects';
import {
  awaitChaosInjected,
  awaitPartReady,
  createChaos,
  deleteAndAwaitGone,
  isChaosInjected,
  kubeFailure,
  partOf,
  podOf,
  readSet,
  replicasOf,
  type KubeFaultContext,
} from './sut-view';

export type PodFaultKind = 'kill-broker' | 'kill-replicator' | 'pause-broker' | 'pause-replicator';
export type PodFault = FaultRequestOf<PodFaultKind>;

const isKill = (fault: PodFault) => fault.kind === 'kill-broker' || fault.kind === 'kill-replicator';

/**
 * kill-*: the pod is deleted with grace period 0 (its uid as precondition, so exactly that
 * incarnation), and the fault is in effect once that incarnation is gone; its controller
 * (StatefulSet, Strimzi, Deployment) makes a replacement. pause-*: a Chaos Mesh PodChaos
 * `pod-failure` on that pod (see chaos-objects.ts), in effect once Chaos Mesh reports
 * AllInjected and the pod is not Ready. `atMs` is when the effect began.
 */
export async function injectPodFault(ctx: KubeFaultContext, fault: PodFault): Promise<Injection> {
  const part = partOf(ctx.sut, fault.target);
  try {
    const pod = await podOf(ctx, part, fault.target);
    const { name, uid } = pod.metadata as { name: string; uid: string };
    if (!isPodReady(pod)) {
      throw new FaultRunnerError(
        'inject_failed',
        `pod ${name} is not Ready: another fault holds it, or it is still starting; ${fault.kind} needs it serving`,
        { retriable: false },
      );
    }
    if (isKill(fault)) {
      await ctx.client.delete(PODS, ctx.sut.namespace, name, { gracePeriodSeconds: 0, uid });
      const atMs = Date.now();
      await untilGone(ctx.client, PODS, ctx.sut.namespace, name, { uid, timeoutMs: ctx.healTimeoutMs });
      return {
        atMs,
        detail: `deleted pod ${name} (uid ${uid}) with grace period 0; that incarnation is gone after ${Date.now() - atMs} ms`,
        effect: { pod: name, uid },
      };
    }
    const chaos = podFailureChaos(fault as PauseFault, ctx.sut.namespace, name);
    const how = await createChaos(ctx, POD_CHAOS, chaos, fault.faultId);
    await awaitChaosInjected(ctx, POD_CHAOS, chaos.metadata.name);
    const atMs = Date.now();
    await awaitPodNotReady(ctx, name);
    return {
      atMs,
      detail: `PodChaos ${chaos.metadata.name} (pod-failure, ${how}) on pod ${name}: AllInjected, pod not Ready`,
      effect: { chaos: chaos.metadata.name, pod: name, uid },
    };
  } catch (error) {
    throw kubeFailure(error, 'inject_failed', `${fault.kind} of the ${part.role}`);
  }
}

function awaitPodNotReady(ctx: KubeFaultContext, name: string): Promise<void> {
  return waitFor<Pod, void>(
    ctx.client,
    PODS,
    ctx.sut.namespace,
    { fieldSelector: `metadata.name=${name}` },
    ([pod]) =>
      pod !== undefined && !isPodReady(pod)
        ? { done: undefined }
        : { notYet: pod === undefined ? `${name} does not exist` : `${name} is still Ready` },
    `pod ${name} not Ready`,
    { timeoutMs: ctx.healTimeoutMs },
  );
}

export async function verifyPodFaultInjected(
  ctx: KubeFaultContext,
  fault: PodFault,
  effect: FaultEffect | undefined,
): Promise<Verification> {
  const ns = ctx.sut.namespace;
  if (isKill(fault)) {
    if (typeof effect?.pod !== 'string' || typeof effect.uid !== 'string') return { ok: false, detail: 'no record of the deleted pod' };
    const now = await ctx.client.find<Pod>(PODS, ns, effect.pod);
    const gone = now === undefined || now.metadata.uid !== effect.uid;
    return {
      ok: gone,
      detail: gone
        ? `pod ${effect.pod} uid ${effect.uid} is gone${now ? ` (replaced by uid ${now.metadata.uid})` : ''}`
        : `pod ${effect.pod} uid ${effect.uid} still exists`,
    };
  }
  const name = chaosName(fault);
  const chaos = await ctx.client.find(POD_CHAOS, ns, name);
  if (!isChaosInjected(chaos))
    return { ok: false, detail: chaos === undefined ? `no PodChaos ${name}` : `PodChaos ${name} is not injected` };
  const pod = typeof effect?.pod === 'string' ? await ctx.client.find<Pod>(PODS, ns, effect.pod) : undefined;
  return {
    ok: pod === undefined || !isPodReady(pod),
    detail: `PodChaos ${name} injected${pod ? `; pod ${pod.metadata.name} ${isPodReady(pod) ? 'is Ready' : 'is not Ready'}` : ''}`,
  };
}

/**
 * kill-*: nothing to undo (the controller replaces the pod); pause-*: the PodChaos is deleted
 * and awaited until gone (Chaos Mesh recovers the pod before it drops its finalizer). Both
 * then wait until the part has its replicas, all Ready, and the killed incarnation is gone.
 */
export async function healPodFault(
  ctx: KubeFaultContext,
  fault: PodFault,
  effect: FaultEffect | undefined,
  timeoutMs: number,
): Promise<{ actions: string[]; verification: Verification }> {
  const part = partOf(ctx.sut, fault.target);
  const actions = isKill(fault)
    ? [`nothing to undo: ${part.set.text} replaces a deleted pod`]
    : [await deleteAndAwaitGone(ctx, POD_CHAOS, chaosName(fault))];
  return { actions, verification: await awaitPodFaultHealed(ctx, fault, effect, timeoutMs) };
}

export async function awaitPodFaultHealed(
  ctx: KubeFaultContext,
  fault: PodFault,
  effect: FaultEffect | undefined,
  timeoutMs: number,
): Promise<Verification> {
  const part = partOf(ctx.sut, fault.target);
  try {
    if (!isKill(fault)) {
      const left = await ctx.client.find(POD_CHAOS, ctx.sut.namespace, chaosName(fault));
      if (left !== undefined) return { ok: false, detail: `PodChaos ${chaosName(fault)} still exists` };
    }
    const replicas = replicasOf(await readSet(ctx, part), part);
    const replacing =
      isKill(fault) && typeof effect?.pod === 'string' && typeof effect.uid === 'string'
        ? { name: effect.pod, uid: effect.uid }
        : undefined;
    return await awaitPartReady(ctx, part, replicas, timeoutMs, replacing);
  } catch (error) {
    return { ok: false, detail: errorMessage(error) };
  }
}
