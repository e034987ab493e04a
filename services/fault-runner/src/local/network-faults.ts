import { createHash } from 'node:crypto';
import {
  applyLinkBandwidth,
  applyLinkLoss,
  applyLinkPartition,
  bandwidthEnds,
  findLab,
  interDcLink,
  listLinkFaults,
  listTaggedLinkRules,
  removeLinkBandwidth,
  removeTaggedLinkRules,
  type InterDcLink,
} from '@mirrorlab/lab';
import { isLinkKind } from '@mirrorlab/protocol';
import { FaultRunnerError, errorMessage } from '../errors';
import type { Injection, Verification } from '../fault-backend';
import type { FaultRequest, FaultRequestOf } from '../fault-request';
import { fromLabError } from './lab-errors';
import type { LocalContext } from './process-faults';

export type LinkFault = FaultRequestOf<'packet-loss' | 'network-partition' | 'bandwidth-cap'>;

/** The tag on this fault's iptables rules: from the fault id, so any runner finds them again. */
export function linkTag(faultId: string): string {
  return `f${createHash('sha256').update(faultId).digest('hex').slice(0, 16)}`;
}

function link(ctx: LocalContext): InterDcLink {
  try {
    return interDcLink(findLab(ctx.labDir));
  } catch (error) {
    throw fromLabError(error, 'inject_failed', 'finding the inter-DC link');
  }
}

const chains = (direction: string) => (direction === 'both' ? 2 : 1);

function tbfEnds(l: InterDcLink, direction: LinkFault['params']['direction']): string[] {
  const qdiscs = listLinkFaults(l).qdiscs;
  return bandwidthEnds(l, direction)
    .filter((end) => qdiscs.some((q) => q.startsWith(`${end.netns}/${end.interface}: qdisc tbf`)))
    .map((e) => e.interface);
}

/** Real kernel rules on the inter-DC link, in the lab's namespaces; `atMs` is when the last rule went in. */
export function injectLinkFault(ctx: LocalContext, req: LinkFault): Injection {
  const l = link(ctx);
  const tag = linkTag(req.faultId);
  try {
    switch (req.kind) {
      case 'packet-loss': {
        const { probability, direction } = (req as FaultRequestOf<'packet-loss'>).params;
        applyLinkLoss(l, { probability, direction, tag });
        const atMs = Date.now();
        const rules = listTaggedLinkRules(l, tag);
        if (rules.length !== chains(direction))
          throw new FaultRunnerError(
            'inject_failed',
            `expected ${chains(direction)} loss rules tagged ${tag}, found: ${rules.join('; ') || 'none'}`,
          );
        return {
          atMs,
          detail: `drop ${probability * 100}% of packets (${direction}) on ${l.target.interface}: ${rules.length} iptables rule(s)`,
          effect: { tag, rules: rules.length, direction },
        };
      }
      case 'network-partition': {
        const { direction } = (req as FaultRequestOf<'network-partition'>).params;
        applyLinkPartition(l, { direction, tag });
        const atMs = Date.now();
        const rules = listTaggedLinkRules(l, tag);
        if (rules.length !== chains(direction))
          throw new FaultRunnerError(
            'inject_failed',
            `expected ${chains(direction)} DROP rules tagged ${tag}, found: ${rules.join('; ') || 'none'}`,
          );
        return {
          atMs,
          detail: `inter-DC link partitioned (${direction}) on ${l.target.interface}: ${rules.length} iptables DROP rule(s)`,
          effect: { tag, rules: rules.length, direction },
        };
      }
      case 'bandwidth-cap': {
        const { rateKbit, burstBytes, latencyMs, direction } = (req as FaultRequestOf<'bandwidth-cap'>).params;
        const busy = tbfEnds(l, direction);
        // A root qdisc per interface: a second cap would silently replace the first fault's.
        if (busy.length > 0)
          throw new FaultRunnerError('inject_failed', `a bandwidth cap is already on ${busy.join(', ')} (another fault); heal it first`, {
            retriable: false,
          });
        applyLinkBandwidth(l, {
          rateKbit,
          direction,
          ...(burstBytes !== null ? { burstBytes } : {}),
          ...(latencyMs !== null ? { latencyMs } : {}),
        });
        const atMs = Date.now();
        const capped = tbfEnds(l, direction);
        const want = bandwidthEnds(l, direction).map((e) => e.interface);
        if (capped.length !== want.length)
          throw new FaultRunnerError('inject_failed', `tbf expected on ${want.join(', ')}, found on ${capped.join(', ') || 'none'}`);
        return {
          atMs,
          detail: `${rateKbit} kbit/s tbf (${direction}) on ${capped.join(', ')}`,
          effect: { ends: capped.join(','), direction, rateKbit },
        };
      }
    }
  } catch (error) {
    throw fromLabError(error, 'inject_failed', req.kind);
  }
  throw new FaultRunnerError('inject_failed', `${(req as FaultRequest).kind} is not a link fault`);
}

export function verifyLinkFaultInjected(ctx: LocalContext, req: LinkFault): Verification {
  const l = link(ctx);
  if (req.kind === 'bandwidth-cap') {
    const capped = tbfEnds(l, req.params.direction);
    return { ok: capped.length === bandwidthEnds(l, req.params.direction).length, detail: `tbf on ${capped.join(', ') || 'no interface'}` };
  }
  const rules = listTaggedLinkRules(l, linkTag(req.faultId));
  return { ok: rules.length === chains(req.params.direction), detail: `${rules.length} rule(s) tagged ${linkTag(req.faultId)}` };
}

/** Removes this fault's rules (and only those); on a loopback lab nothing could have been applied. */
export function undoLinkFault(ctx: LocalContext, req: LinkFault): string[] {
  const lab = findLab(ctx.labDir);
  if (lab.network === null) return ['loopback lab: no link, nothing was applied'];
  const l = interDcLink(lab);
  if (req.kind === 'bandwidth-cap')
    return [removeLinkBandwidth(l, req.params.direction) ? `removed the tbf (${req.params.direction})` : 'no tbf was there'];
  const removed = removeTaggedLinkRules(l, linkTag(req.faultId));
  return [removed.length > 0 ? `removed ${removed.length} iptables rule(s)` : 'no rule of this fault was there'];
}

/**
 * No rule of this fault left; and when no other link fault is active, nothing at all on
 * the link (no iptables rule, no qdisc): rules left behind are what Chaos Mesh users
 * complain about most.
 */
export function verifyLinkFaultHealed(ctx: LocalContext, req: LinkFault, others: readonly FaultRequest[]): Verification {
  try {
    const lab = findLab(ctx.labDir);
    if (lab.network === null) return { ok: true, detail: 'loopback lab: no link, nothing to check' };
    const l = interDcLink(lab);
    if (req.kind === 'bandwidth-cap') {
      const capped = tbfEnds(l, req.params.direction);
      if (capped.length > 0) return { ok: false, detail: `tbf still on ${capped.join(', ')}` };
    } else {
      const mine = listTaggedLinkRules(l, linkTag(req.faultId));
      if (mine.length > 0) return { ok: false, detail: `rules still present: ${mine.join('; ')}` };
    }
    const otherLinkFaults = others.filter((o) => isLinkKind(o.kind));
    const all = listLinkFaults(l);
    const left = [...all.iptables, ...all.qdiscs];
    if (otherLinkFaults.length === 0) {
      return left.length === 0
        ? { ok: true, detail: 'no iptables rule and no qdisc left on the inter-DC link' }
        : { ok: false, detail: `left on the link: ${left.join('; ')}` };
    }
    return {
      ok: true,
      detail: `no rule of this fault left; ${left.length} rule(s)/qdisc(s) of ${otherLinkFaults.map((o) => o.faultId).join(', ')} remain`,
    };
  } catch (error) {
    return { ok: false, detail: errorMessage(error) };
  }
}
