import {
  applyLinkLatency,
  findLab,
  interDcProxy,
  listFaultLinkToxics,
  listTaggedLinkToxics,
  removeTaggedLinkToxics,
  streamsOf,
  type InterDcProxy,
} from '@mirrorlab/lab';
import { FaultRunnerError, errorMessage } from '../errors';
import type { Injection, Verification } from '../fault-backend';
import type { FaultRequest, FaultRequestOf } from '../fault-request';
import { fromLabError } from './lab-errors';
import { linkTag } from './network-faults';
import type { LocalContext } from './process-faults';

export type LatencyFault = FaultRequestOf<'latency'>;

/**
 * latency: Toxiproxy `latency` toxics on every inter-DC proxy (one per direction asked),
 * tagged from the fault id so any runner finds them again and another fault's (or the lab's
 * link profile's) toxics stay. The kernel here has no netem: the delay lives in user space,
 * on the path MM2 reads the source through.
 */
function proxyOf(ctx: LocalContext): InterDcProxy {
  try {
    return interDcProxy(findLab(ctx.labDir));
  } catch (error) {
    throw fromLabError(error, 'inject_failed', 'finding the inter-DC proxy');
  }
}

const expectedToxics = (proxy: InterDcProxy, req: LatencyFault): number => proxy.proxies.length * streamsOf(req.params.direction).length;

export async function injectLatencyFault(ctx: LocalContext, req: LatencyFault): Promise<Injection> {
  const proxy = proxyOf(ctx);
  const tag = linkTag(req.faultId);
  const { latencyMs, jitterMs, direction } = req.params;
  try {
    const toxics = await applyLinkLatency(proxy, { tag, latencyMs, jitterMs, direction });
    const atMs = Date.now();
    const want = expectedToxics(proxy, req);
    if (toxics.length !== want)
      throw new FaultRunnerError('inject_failed', `expected ${want} latency toxics tagged ${tag}, found: ${toxics.join('; ') || 'none'}`);
    return {
      atMs,
      detail: `+${latencyMs}ms ±${jitterMs}ms (${direction}) on the inter-DC proxies: ${toxics.length} Toxiproxy latency toxic(s)`,
      effect: { tag, toxics: toxics.length, direction, latencyMs, jitterMs },
    };
  } catch (error) {
    throw fromLabError(error, 'inject_failed', 'latency');
  }
}

export async function verifyLatencyFaultInjected(ctx: LocalContext, req: LatencyFault): Promise<Verification> {
  const proxy = proxyOf(ctx);
  const toxics = await listTaggedLinkToxics(proxy, linkTag(req.faultId));
  return { ok: toxics.length === expectedToxics(proxy, req), detail: `${toxics.length} latency toxic(s) tagged ${linkTag(req.faultId)}` };
}

export async function undoLatencyFault(ctx: LocalContext, req: LatencyFault): Promise<string[]> {
  const removed = await removeTaggedLinkToxics(proxyOf(ctx), linkTag(req.faultId));
  return [removed.length > 0 ? `removed ${removed.length} latency toxic(s)` : 'no latency toxic of this fault was there'];
}

/**
 * No toxic of this fault left; with no other latency fault active, no fault toxic at all
 * (the link profile's stay: they are the lab's standing link, not a fault).
 */
export async function verifyLatencyFaultHealed(
  ctx: LocalContext,
  req: LatencyFault,
  others: readonly FaultRequest[],
): Promise<Verification> {
  try {
    const proxy = interDcProxy(findLab(ctx.labDir));
    const mine = await listTaggedLinkToxics(proxy, linkTag(req.faultId));
    if (mine.length > 0) return { ok: false, detail: `latency toxics still present: ${mine.join('; ')}` };
    const otherLatency = others.filter((o) => o.kind === 'latency');
    const left = await listFaultLinkToxics(proxy);
    if (otherLatency.length === 0) {
      return left.length === 0
        ? { ok: true, detail: 'no latency toxic of any fault left on the inter-DC proxies' }
        : { ok: false, detail: `fault toxics left: ${left.join('; ')}` };
    }
    return { ok: true, detail: `no toxic of this fault left; ${left.length} of ${otherLatency.map((o) => o.faultId).join(', ')} remain` };
  } catch (error) {
    return { ok: false, detail: errorMessage(error) };
  }
}
