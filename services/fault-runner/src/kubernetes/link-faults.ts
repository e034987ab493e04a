import { NETWORK_CHAOS, type KubeObject } from '@mirrorlab/kube';
import { isLinkKind } from '@mirrorlab/protocol';
import { FaultRunnerError, errorMessage } from '../errors';
import type { Injection, Verification } from '../fault-backend';
import type { FaultRequest } from '../fault-request';
import { FAULT_HASH_LABEL, FAULT_KIND_LABEL, MANAGED_SELECTOR, faultHash, linkChaos, type LinkFault } from './chaos-objects';
import { awaitChaosInjected, createChaos, deleteAndAwaitGone, isChaosInjected, kubeFailure, type KubeFaultContext } from './sut-view';

/**
 * packet-loss, network-partition, bandwidth-cap, latency: Chaos Mesh NetworkChaos objects between the
 * source side and the target side of the inter-DC link (chaos-objects.ts), in effect once
 * Chaos Mesh reports every one AllInjected. `atMs` is when the last one was.
 */
export async function injectLinkFault(ctx: KubeFaultContext, fault: LinkFault): Promise<Injection> {
  const objects = linkChaos(fault, ctx.sut);
  try {
    if (fault.kind === 'bandwidth-cap') {
      // One shaper per sending pod: a second cap would fight the first (the lab refuses it too).
      const caps = await ctx.client.list(NETWORK_CHAOS, ctx.sut.namespace, {
        labelSelector: `${MANAGED_SELECTOR},${FAULT_KIND_LABEL}=bandwidth-cap,${FAULT_HASH_LABEL}!=${faultHash(fault.faultId)}`,
      });
      if (caps.items.length > 0) {
        throw new FaultRunnerError(
          'inject_failed',
          `a bandwidth cap of another fault is on the link (${caps.items.map((c) => c.metadata.name).join(', ')}); heal it first`,
          { retriable: false },
        );
      }
    }
    const how: string[] = [];
    for (const object of objects) how.push(await createChaos(ctx, NETWORK_CHAOS, object, fault.faultId));
    for (const object of objects) await awaitChaosInjected(ctx, NETWORK_CHAOS, object.metadata.name);
    const atMs = Date.now();
    const names = objects.map((o) => o.metadata.name);
    return {
      atMs,
      detail: `${describe(objects)}: AllInjected (${names.map((n, i) => `${n} ${how[i]}`).join(', ')})`,
      effect: { chaos: names.join(',') },
    };
  } catch (error) {
    throw kubeFailure(error, 'inject_failed', `${fault.kind} on the inter-DC link`);
  }
}

function describe(objects: KubeObject[]): string {
  return objects
    .map((o) => {
      const spec = o.spec as {
        action: string;
        direction: string;
        loss?: { loss: string };
        bandwidth?: { rate: string };
        delay?: { latency: string; jitter: string };
      };
      const what =
        spec.action === 'loss'
          ? `${spec.loss?.loss}% loss`
          : spec.action === 'bandwidth'
            ? `${spec.bandwidth?.rate} cap`
            : spec.action === 'delay'
              ? `${spec.delay?.latency} ±${spec.delay?.jitter} delay`
              : spec.action;
      return `NetworkChaos ${what}, direction ${spec.direction}`;
    })
    .join('; ');
}

export async function verifyLinkFaultInjected(ctx: KubeFaultContext, fault: LinkFault): Promise<Verification> {
  const states = await Promise.all(
    linkChaos(fault, ctx.sut).map(
      async (o) => [o.metadata.name, isChaosInjected(await ctx.client.find(NETWORK_CHAOS, ctx.sut.namespace, o.metadata.name))] as const,
    ),
  );
  const missing = states.filter(([, injected]) => !injected).map(([name]) => name);
  return {
    ok: missing.length === 0,
    detail: missing.length === 0 ? `injected: ${states.map(([n]) => n).join(', ')}` : `not injected: ${missing.join(', ')}`,
  };
}

/** Deletes this fault's objects (named from the fault alone) and waits until each is gone. */
export async function healLinkFault(
  ctx: KubeFaultContext,
  fault: LinkFault,
  others: readonly FaultRequest[],
): Promise<{ actions: string[]; verification: Verification }> {
  const actions: string[] = [];
  for (const object of linkChaos(fault, ctx.sut)) actions.push(await deleteAndAwaitGone(ctx, NETWORK_CHAOS, object.metadata.name));
  return { actions, verification: await verifyLinkFaultHealed(ctx, fault, others) };
}

/**
 * None of this fault's objects is left; with no other link fault active, no NetworkChaos of
 * mirrorlab's at all is left in the namespace (as the lab checks that nothing is left on the link).
 */
export async function verifyLinkFaultHealed(
  ctx: KubeFaultContext,
  fault: LinkFault,
  others: readonly FaultRequest[],
): Promise<Verification> {
  try {
    const all = await ctx.client.list(NETWORK_CHAOS, ctx.sut.namespace, { labelSelector: MANAGED_SELECTOR });
    const mine = new Set(linkChaos(fault, ctx.sut).map((o) => o.metadata.name));
    const own = all.items.filter((o) => mine.has(o.metadata.name)).map((o) => o.metadata.name);
    if (own.length > 0) return { ok: false, detail: `still there: NetworkChaos ${own.join(', ')}` };
    const otherLinkFaults = others.filter((o) => isLinkKind(o.kind));
    if (otherLinkFaults.length === 0) {
      const left = all.items.map((o) => o.metadata.name);
      return left.length === 0
        ? { ok: true, detail: 'no NetworkChaos of mirrorlab left in the namespace' }
        : { ok: false, detail: `NetworkChaos left on the link: ${left.join(', ')}` };
    }
    return {
      ok: true,
      detail: `no NetworkChaos of this fault left; ${all.items.length} of ${otherLinkFaults.map((o) => o.faultId).join(', ')} remain`,
    };
  } catch (error) {
    return { ok: false, detail: errorMessage(error) };
  }
}
