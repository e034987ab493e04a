/**
 * Network faults on the inter-DC link (the path MirrorMaker 2 crosses), as real kernel
 * rules in the lab's own namespaces:
 *   loss       iptables -m statistic --mode random --probability P -j DROP
 *   partition  iptables -j DROP
 *   bandwidth  tc qdisc ... root tbf (egress of each end)
 * iptables rules live in the target namespace on its inter-DC interface (INPUT = traffic
 * towards the target DC, OUTPUT = traffic towards the source DC); each carries a
 * `mirrorlab-fault:<kind>` comment (`mirrorlab-fault:<kind>:<tag>` when the caller tags it,
 * so one fault's rules can be removed without touching another's). Producers
 * (host -> source) and validators (host -> target) never cross this link, so they are
 * unaffected.
 */
import { LabError } from './errors';
import { describeFailure, runCommand, type CommandResult } from './exec';
import type { InterDcLink, LabState, LinkEnd } from './state';

/** `to-target`: source DC -> target DC (records MM2 fetches); `to-source`: the other way (fetch requests, acks). */
export type LinkDirection = 'both' | 'to-target' | 'to-source';

export type LinkFaultKind = 'loss' | 'partition' | 'bandwidth';

export interface LinkFaultRules {
  /** `iptables -S` lines (`-A ...`) in the link's namespaces, prefixed by namespace. */
  iptables: string[];
  /** Root qdiscs other than the veth default, prefixed by `<netns>/<interface>`. */
  qdiscs: string[];
}

const COMMENT_PREFIX = 'mirrorlab-fault';

/** The inter-DC link of a lab; throws `faults_unavailable` for a loopback lab. */
export function interDcLink(state: LabState): InterDcLink {
  if (state.network === null) {
    throw new LabError(
      'faults_unavailable',
      `lab ${state.id} runs in loopback mode (no network namespaces): network faults are off. Bring it up as root without --no-netns.`,
    );
  }
  return state.network.interDc;
}

function nsOf(end: LinkEnd): string {
  if (end.netns === null)
    throw new LabError('faults_unavailable', `link end ${end.interface} is in the host namespace; faults only go on lab namespaces`);
  return end.netns;
}

function must(result: CommandResult, what: string): void {
  if (result.code !== 0) throw new LabError('fault_command_failed', `${what}: ${describeFailure(result)}`);
}

function iptables(netns: string, args: string[]): CommandResult {
  return runCommand('iptables', ['-w', '5', ...args], { netns });
}

function tc(netns: string, args: string[]): CommandResult {
  return runCommand('tc', args, { netns });
}

/** iptables match arguments selecting the link's traffic in each chosen direction. */
export function directionMatches(link: InterDcLink, direction: LinkDirection): Array<{ chain: 'INPUT' | 'OUTPUT'; match: string[] }> {
  const ifName = link.target.interface;
  const out: Array<{ chain: 'INPUT' | 'OUTPUT'; match: string[] }> = [];
  if (direction === 'both' || direction === 'to-target') out.push({ chain: 'INPUT', match: ['-i', ifName] });
  if (direction === 'both' || direction === 'to-source') out.push({ chain: 'OUTPUT', match: ['-o', ifName] });
  return out;
}

const TAG = /^[a-z0-9][a-z0-9-]{0,39}$/;

/** The comment a rule of `kind` carries, with the caller's tag when given. */
export function faultComment(kind: LinkFaultKind, tag?: string): string {
  if (tag === undefined) return `${COMMENT_PREFIX}:${kind}`;
  if (!TAG.test(tag))
    throw new LabError('invalid_option', `a link fault tag is 1-40 of [a-z0-9-], starting with a letter or digit; got "${tag}"`);
  return `${COMMENT_PREFIX}:${kind}:${tag}`;
}

/** Drops each packet on the link with probability `probability` (0 < p <= 1), per direction. */
export function applyLinkLoss(link: InterDcLink, opts: { probability: number; direction?: LinkDirection; tag?: string }): void {
  const p = opts.probability;
  if (!(p > 0 && p <= 1)) throw new LabError('invalid_option', `loss probability must be in (0, 1], got ${p}`);
  const ns = nsOf(link.target);
  const comment = faultComment('loss', opts.tag);
  for (const { chain, match } of directionMatches(link, opts.direction ?? 'both')) {
    must(
      iptables(ns, [
        '-A',
        chain,
        ...match,
        '-m',
        'statistic',
        '--mode',
        'random',
        '--probability',
        String(p),
        '-m',
        'comment',
        '--comment',
        comment,
        '-j',
        'DROP',
      ]),
      `adding ${Math.round(p * 100)}% loss on ${chain} of ${link.target.interface}`,
    );
  }
}

/** Drops every packet on the link (both directions unless told otherwise). */
export function applyLinkPartition(link: InterDcLink, opts: { direction?: LinkDirection; tag?: string } = {}): void {
  const ns = nsOf(link.target);
  const comment = faultComment('partition', opts.tag);
  for (const { chain, match } of directionMatches(link, opts.direction ?? 'both')) {
    must(
      iptables(ns, ['-A', chain, ...match, '-m', 'comment', '--comment', comment, '-j', 'DROP']),
      `partitioning ${chain} of ${link.target.interface}`,
    );
  }
}

export interface BandwidthOptions {
  rateKbit: number;
  /** Bucket size; default 20 ms worth of the rate, at least 16 KiB. */
  burstBytes?: number;
  /** Longest a packet may wait in the queue before it is dropped; default 200 ms. */
  latencyMs?: number;
  direction?: LinkDirection;
}

/** tc tbf arguments for a rate limit (pure; exported for tests). */
export function tbfArgs(opts: BandwidthOptions): string[] {
  if (!(Number.isFinite(opts.rateKbit) && opts.rateKbit >= 8)) {
    throw new LabError('invalid_option', `bandwidth rate must be at least 8 kbit/s, got ${opts.rateKbit}`);
  }
  const burst = opts.burstBytes ?? Math.max(16 * 1024, Math.ceil((opts.rateKbit * 1000) / 8 / 50));
  const latency = opts.latencyMs ?? 200;
  return ['tbf', 'rate', `${Math.round(opts.rateKbit)}kbit`, 'burst', String(burst), 'latency', `${latency}ms`];
}

/** The link ends whose egress a bandwidth limit in `direction` shapes. */
export function bandwidthEnds(link: InterDcLink, direction: LinkDirection = 'both'): LinkEnd[] {
  const senders: LinkEnd[] = [];
  if (direction === 'both' || direction === 'to-target') senders.push(link.source);
  if (direction === 'both' || direction === 'to-source') senders.push(link.target);
  return senders;
}

/** Limits the link's bandwidth with a tbf on the egress of the sending end(s). */
export function applyLinkBandwidth(link: InterDcLink, opts: BandwidthOptions): void {
  const args = tbfArgs(opts);
  for (const end of bandwidthEnds(link, opts.direction)) {
    must(tc(nsOf(end), ['qdisc', 'replace', 'dev', end.interface, 'root', ...args]), `rate-limiting ${end.interface}`);
  }
}

function iptablesRules(netns: string): string[] {
  const result = iptables(netns, ['-S']);
  if (result.code !== 0) throw new LabError('fault_command_failed', `listing iptables rules: ${describeFailure(result)}`);
  return result.stdout.split('\n').filter((line) => line.startsWith('-A '));
}

function rootQdiscs(end: LinkEnd): string[] {
  const result = tc(nsOf(end), ['qdisc', 'show', 'dev', end.interface, 'root']);
  if (result.code !== 0) throw new LabError('fault_command_failed', `listing qdiscs: ${describeFailure(result)}`);
  return result.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('qdisc ') && !l.startsWith('qdisc noqueue'));
}

/** Every fault rule on the link right now (any iptables rule or non-default qdisc counts). */
export function listLinkFaults(link: InterDcLink): LinkFaultRules {
  const namespaces = [...new Set([nsOf(link.source), nsOf(link.target)])];
  return {
    iptables: namespaces.flatMap((ns) => iptablesRules(ns).map((rule) => `${ns}: ${rule}`)),
    qdiscs: [link.source, link.target].flatMap((end) => rootQdiscs(end).map((q) => `${end.netns}/${end.interface}: ${q}`)),
  };
}

/** Removes every fault from the link and checks nothing is left; throws if something is. */
export function clearLinkFaults(link: InterDcLink): void {
  for (const ns of [...new Set([nsOf(link.source), nsOf(link.target)])]) {
    for (const rule of iptablesRules(ns)) {
      // `-S` prints rules as `-A CHAIN ...`; the same words after `-D` delete it.
      must(iptables(ns, ['-D', ...rule.slice(3).trim().split(/\s+/).map(unquote)]), `removing rule "${rule}" in ${ns}`);
    }
  }
  for (const end of [link.source, link.target]) {
    if (rootQdiscs(end).length > 0)
      must(tc(nsOf(end), ['qdisc', 'del', 'dev', end.interface, 'root']), `removing qdisc on ${end.interface}`);
  }
  const left = listLinkFaults(link);
  if (left.iptables.length + left.qdiscs.length > 0) {
    throw new LabError('fault_command_failed', `faults still present after clearing: ${[...left.iptables, ...left.qdiscs].join('; ')}`);
  }
}

/** The iptables rules on the link whose comment carries `tag` (as `listLinkFaults` prints them). */
export function listTaggedLinkRules(link: InterDcLink, tag: string): string[] {
  return listLinkFaults(link).iptables.filter((line) => hasTag(line, tag));
}

/**
 * Removes the iptables rules tagged `tag` and nothing else (another fault's rules stay);
 * returns what it removed and throws if one of them is still there afterwards.
 */
export function removeTaggedLinkRules(link: InterDcLink, tag: string): string[] {
  const removed: string[] = [];
  for (const ns of [...new Set([nsOf(link.source), nsOf(link.target)])]) {
    for (const rule of iptablesRules(ns)) {
      if (!hasTag(rule, tag)) continue;
      must(iptables(ns, ['-D', ...rule.slice(3).trim().split(/\s+/).map(unquote)]), `removing rule "${rule}" in ${ns}`);
      removed.push(`${ns}: ${rule}`);
    }
  }
  const left = listTaggedLinkRules(link, tag);
  if (left.length > 0)
    throw new LabError('fault_command_failed', `rules tagged ${tag} still present after removing them: ${left.join('; ')}`);
  return removed;
}

/** Removes the root tbf from the ends a bandwidth limit in `direction` shaped; true when there was one. */
export function removeLinkBandwidth(link: InterDcLink, direction: LinkDirection = 'both'): boolean {
  let removed = false;
  for (const end of bandwidthEnds(link, direction)) {
    if (rootQdiscs(end).some((q) => q.startsWith('qdisc tbf'))) {
      must(tc(nsOf(end), ['qdisc', 'del', 'dev', end.interface, 'root']), `removing qdisc on ${end.interface}`);
      removed = true;
    }
  }
  const left = bandwidthEnds(link, direction).flatMap((end) =>
    rootQdiscs(end)
      .filter((q) => q.startsWith('qdisc tbf'))
      .map((q) => `${end.interface}: ${q}`),
  );
  if (left.length > 0) throw new LabError('fault_command_failed', `tbf still present after removing it: ${left.join('; ')}`);
  return removed;
}

/** True when the `--comment` of an `iptables -S` line is `mirrorlab-fault:<kind>:<tag>`. */
export function hasTag(rule: string, tag: string): boolean {
  const match = /--comment (?:"([^"]*)"|(\S+))/.exec(rule);
  const parts = (match?.[1] ?? match?.[2] ?? '').split(':');
  return parts.length === 3 && parts[0] === COMMENT_PREFIX && parts[2] === tag;
}

function unquote(word: string): string {
  return word.length >= 2 && word.startsWith('"') && word.endsWith('"') ? word.slice(1, -1) : word;
}
