/**
 * Network namespaces for the two datacenters: creates and removes the namespaces, veth
 * pairs, addresses and routes that `networkPlan()` describes. Only addresses inside the
 * lab's own 10.213.<n>.0/24 are used, and the host gets an `unreachable` route for the
 * rest of that /24 so nothing in it can leak out of the machine.
 */
import { LabError } from './errors';
import { describeFailure, runCommand, type CommandResult } from './exec';
import { findProgram, isRoot } from './prerequisites';
import type { LabNetwork } from './state';
import { parseCidr } from './topology';

export interface NetnsSupport {
  available: boolean;
  /** Why not, when unavailable. */
  reason?: string;
}

function ip(args: string[], netns?: string | null): CommandResult {
  return netns ? runCommand('ip', ['-n', netns, ...args]) : runCommand('ip', args);
}

function must(result: CommandResult, what: string): CommandResult {
  if (result.code !== 0) {
    throw new LabError('network_setup_failed', `${what} failed: ${describeFailure(result)}`);
  }
  return result;
}

/** Whether this process can create namespaces: root, ip/iptables/tc present, and `ip netns add` works. */
export function probeNetnsSupport(): NetnsSupport {
  if (!isRoot()) return { available: false, reason: 'not running as root' };
  for (const program of ['ip', 'iptables', 'tc']) {
    if (findProgram(program) === null) return { available: false, reason: `${program} is not installed` };
  }
  const probe = `mlprobe-${process.pid}`;
  const added = runCommand('ip', ['netns', 'add', probe]);
  if (added.code !== 0) return { available: false, reason: `ip netns add failed: ${describeFailure(added)}` };
  runCommand('ip', ['netns', 'del', probe]);
  return { available: true };
}

/** IPv4 prefixes the host uses (addresses and routes of every table), e.g. for subnet picking. */
export function hostPrefixesInUse(): string[] {
  const prefixes: string[] = [];
  const addrs = runCommand('ip', ['-j', '-4', 'addr', 'show']);
  if (addrs.code === 0) {
    for (const link of JSON.parse(addrs.stdout) as Array<{ addr_info?: Array<{ local: string; prefixlen: number }> }>) {
      for (const a of link.addr_info ?? []) prefixes.push(`${a.local}/${a.prefixlen}`);
    }
  }
  const routes = runCommand('ip', ['-j', '-4', 'route', 'show', 'table', 'all']);
  if (routes.code === 0) {
    for (const r of JSON.parse(routes.stdout) as Array<{ dst: string }>) {
      if (r.dst === 'default' || r.dst === undefined) continue;
      // Entries like "127.0.0.1" (local table) have no length: a host route.
      prefixes.push(r.dst.includes('/') ? r.dst : `${r.dst}/32`);
    }
  }
  return prefixes.filter((p) => {
    try {
      parseCidr(p);
      return true;
    } catch {
      return false;
    }
  });
}

export function listNamespaces(): string[] {
  const result = runCommand('ip', ['netns', 'list']);
  if (result.code !== 0) return [];
  return result.stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0])
    .filter((name) => name !== undefined && name !== '');
}

function linkExists(name: string, netns: string | null): boolean {
  return ip(['link', 'show', 'dev', name], netns).code === 0;
}

function hasAddress(name: string, address: string, netns: string | null): boolean {
  const result = ip(['-4', 'addr', 'show', 'dev', name], netns);
  return result.code === 0 && result.stdout.includes(`inet ${address}/`);
}

/** True when every namespace, interface, address and route of the plan is in place. */
export function isLabNetworkUp(network: LabNetwork): boolean {
  const namespaces = listNamespaces();
  if (!namespaces.includes(network.namespaces.source) || !namespaces.includes(network.namespaces.target)) return false;
  const ends = [
    network.hostLinks.source.host,
    network.hostLinks.source.peer,
    network.hostLinks.target.host,
    network.hostLinks.target.peer,
    network.interDc.source,
    network.interDc.target,
  ];
  if (!ends.every((end) => hasAddress(end.interface, end.address, end.netns))) return false;
  return network.routes.every((route) => {
    const result = ip(['-4', 'route', 'show', route.destination.replace(/\/32$/, '')], route.netns);
    return result.code === 0 && result.stdout.includes(`via ${route.via}`);
  });
}

function subnetPrefix(network: LabNetwork): string {
  return network.subnet;
}

/**
 * Creates the lab's namespaces and links (replacing leftovers of an earlier, broken setup).
 * Idempotent: returns false without touching anything when the network is already up.
 */
export function setupLabNetwork(network: LabNetwork): boolean {
  if (isLabNetworkUp(network)) return false;
  teardownLabNetwork(network);
  const { source: srcNs, target: tgtNs } = network.namespaces;
  try {
    for (const ns of [srcNs, tgtNs]) {
      must(runCommand('ip', ['netns', 'add', ns]), `creating namespace ${ns}`);
      must(ip(['link', 'set', 'lo', 'up'], ns), `bringing up lo in ${ns}`);
      // Replies from the source arrive on the inter-DC link for an address on another
      // interface; keep reverse-path filtering from ever dropping that.
      for (const key of ['all', 'default']) {
        must(runCommand('sysctl', ['-q', '-w', `net.ipv4.conf.${key}.rp_filter=0`], { netns: ns }), `rp_filter in ${ns}`);
      }
    }
    for (const link of [network.hostLinks.source, network.hostLinks.target]) {
      const peerNs = link.peer.netns as string;
      must(
        runCommand('ip', ['link', 'add', link.host.interface, 'type', 'veth', 'peer', 'name', link.peer.interface, 'netns', peerNs]),
        `creating veth ${link.host.interface}<->${link.peer.interface}`,
      );
      must(ip(['addr', 'add', `${link.host.address}/30`, 'dev', link.host.interface]), `address on ${link.host.interface}`);
      must(ip(['link', 'set', link.host.interface, 'up']), `bringing up ${link.host.interface}`);
      must(ip(['addr', 'add', `${link.peer.address}/30`, 'dev', link.peer.interface], peerNs), `address on ${link.peer.interface}`);
      must(ip(['link', 'set', link.peer.interface, 'up'], peerNs), `bringing up ${link.peer.interface}`);
    }
    const dc = network.interDc;
    must(
      runCommand('ip', [
        'link',
        'add',
        dc.source.interface,
        'netns',
        dc.source.netns as string,
        'type',
        'veth',
        'peer',
        'name',
        dc.target.interface,
        'netns',
        dc.target.netns as string,
      ]),
      `creating inter-DC veth ${dc.source.interface}<->${dc.target.interface}`,
    );
    for (const end of [dc.source, dc.target]) {
      must(ip(['addr', 'add', `${end.address}/30`, 'dev', end.interface], end.netns), `address on ${end.interface}`);
      must(ip(['link', 'set', end.interface, 'up'], end.netns), `bringing up ${end.interface}`);
    }
    for (const route of network.routes) {
      must(
        ip(['route', 'add', route.destination, 'via', route.via, 'dev', route.interface], route.netns),
        `route ${route.destination} via ${route.via} in ${route.netns}`,
      );
    }
    // Everything else in the lab's /24 fails on the host instead of following the default route out.
    must(ip(['route', 'add', 'unreachable', subnetPrefix(network)]), `unreachable route for ${network.subnet}`);
  } catch (error) {
    teardownLabNetwork(network);
    throw error;
  }
  return true;
}

/**
 * Removes the lab's namespaces (which removes their veths, qdiscs and iptables rules),
 * any host-side veth left behind, and the host's unreachable route. Never fails for
 * things already gone; throws if something of ours is still there afterwards.
 */
export function teardownLabNetwork(network: LabNetwork): void {
  for (const ns of [network.namespaces.source, network.namespaces.target]) {
    if (listNamespaces().includes(ns)) runCommand('ip', ['netns', 'del', ns]);
  }
  for (const end of [network.hostLinks.source.host, network.hostLinks.target.host]) {
    if (linkExists(end.interface, null)) runCommand('ip', ['link', 'del', end.interface]);
  }
  const unreachable = ip(['route', 'show', 'type', 'unreachable', network.subnet]);
  if (unreachable.code === 0 && unreachable.stdout.trim() !== '') ip(['route', 'del', 'unreachable', network.subnet]);

  const left = leftoverNetwork(network);
  if (left.length > 0) {
    throw new LabError('network_setup_failed', `could not remove the lab network: still present: ${left.join(', ')}`);
  }
}

/** What of the lab's network still exists on the host (empty after a clean teardown). */
export function leftoverNetwork(network: LabNetwork): string[] {
  const left: string[] = [];
  const namespaces = listNamespaces();
  for (const ns of [network.namespaces.source, network.namespaces.target]) {
    if (namespaces.includes(ns)) left.push(`namespace ${ns}`);
  }
  for (const end of [network.hostLinks.source.host, network.hostLinks.target.host]) {
    if (linkExists(end.interface, null)) left.push(`interface ${end.interface}`);
  }
  const routes = ip(['-4', 'route', 'show', 'table', 'all']);
  const prefix = network.subnet.split('.').slice(0, 3).join('.') + '.';
  for (const line of routes.stdout.split('\n')) {
    if (line.includes(prefix)) left.push(`route "${line.trim()}"`);
  }
  return left;
}
