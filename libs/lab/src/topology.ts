/**
 * Pure planning of a lab: id, ports, addresses, namespaces, process layout. No I/O here;
 * `ports.ts` and `netns.ts` probe the host and pick among the candidates this file lists.
 */
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { ClusterName, InterDcLink, LabMode, LabNetwork, LabProcess, LabState, LinkProfileName, ReplicationPolicyName } from './state';

export const BROKERS_PER_CLUSTER = 3;
/**
 * Ports per lab: 2 per broker (client, controller) x 6, MM2 REST, Redis, 2 spares (offsets
 * 14-15, for processes a fault adds), then the inter-DC proxy: each source broker's
 * cross-DC listener (16-18), its Toxiproxy proxy (19-21) and Toxiproxy's API (22).
 */
export const PORT_BLOCK_SIZE = 24;
/** Offset of the first port a process added by a fault may take (see added-processes.ts). */
export const ADDED_PORT_OFFSET = 14;
/** Lab ports stay below Linux's ephemeral range (32768+) so outgoing connections never take them. */
export const PORT_RANGE_FIRST = 20000;
export const PORT_RANGE_END = 32768;
export const PORT_BLOCKS = Math.floor((PORT_RANGE_END - PORT_RANGE_FIRST) / PORT_BLOCK_SIZE);
/** Lab subnets are 10.213.<index>.0/24. */
export const SUBNET_PREFIX = '10.213';

export const REPLICATION_POLICY_CLASSES: Record<ReplicationPolicyName, string> = {
  default: 'org.apache.kafka.connect.mirror.DefaultReplicationPolicy',
  identity: 'org.apache.kafka.connect.mirror.IdentityReplicationPolicy',
};

/** MM2 `topics` default: everything but MM2_TOPICS_EXCLUDE. */
export const DEFAULT_MM2_TOPICS = '.*';

/**
 * Topics named with this prefix are never mirrored. A benchmark that measures a writer against the source cluster
 * alone writes there: with MM2 copying at the same time, the copy takes the lab's cores at a cost per record that
 * differs from one writer's records to another's (bench/producer measured MM2 copying mirrorlab's 100 B records at
 * ~17,000/s and ProducerPerformance's at ~40,000/s), so the writers would not be measured on equal terms.
 */
export const UNMIRRORED_TOPIC_PREFIX = 'unmirrored.';

/**
 * MM2 `topics.exclude`: MM2's own default (its internal topics, `*.replica`, `__*`) and the unmirrored prefix.
 * Dots as `[.]`: a backslash would be an escape in the properties file.
 */
export const MM2_TOPICS_EXCLUDE = 'mm2.*[.]internal, .*[.]replica, __.*, unmirrored[.].*';

/** Stable 6-hex-digit id for a lab directory (same directory, same id, same namespaces). */
export function labIdForDir(dir: string): string {
  return createHash('sha256').update(resolve(dir)).digest('hex').slice(0, 6);
}

/** Base ports to try, in order: the block derived from the id first, then the following ones. */
export function candidateBasePorts(id: string): number[] {
  const first = parseInt(id, 16) % PORT_BLOCKS;
  return Array.from({ length: PORT_BLOCKS }, (_, i) => PORT_RANGE_FIRST + ((first + i) % PORT_BLOCKS) * PORT_BLOCK_SIZE);
}

/** Subnet indexes (the third octet) to try, derived from the id first. */
export function candidateSubnetIndexes(id: string): number[] {
  const first = parseInt(id, 16) % 254;
  return Array.from({ length: 254 }, (_, i) => 1 + ((first + i) % 254));
}

export interface BrokerPorts {
  client: number;
  controller: number;
}

export interface LabPorts {
  source: BrokerPorts[];
  target: BrokerPorts[];
  mm2Rest: number;
  redis: number;
  /** Per source broker: the cross-DC listener the proxy forwards to, and the proxy's listen port. */
  crossDc: Array<{ listener: number; proxy: number }>;
  toxiproxyApi: number;
}

export function portsForBase(base: number): LabPorts {
  const brokers = (offset: number): BrokerPorts[] =>
    Array.from({ length: BROKERS_PER_CLUSTER }, (_, i) => ({
      client: base + offset + i,
      controller: base + offset + BROKERS_PER_CLUSTER + i,
    }));
  const crossDc = Array.from({ length: BROKERS_PER_CLUSTER }, (_, i) => ({ listener: base + 16 + i, proxy: base + 19 + i }));
  return { source: brokers(0), target: brokers(6), mm2Rest: base + 12, redis: base + 13, crossDc, toxiproxyApi: base + 22 };
}

export function allPorts(ports: LabPorts): number[] {
  return [...ports.source, ...ports.target]
    .flatMap((b) => [b.client, b.controller])
    .concat(ports.mm2Rest, ports.redis, ...ports.crossDc.flatMap((c) => [c.listener, c.proxy]), ports.toxiproxyApi);
}

export function namespaceNames(id: string): { source: string; target: string } {
  return { source: `ml${id}-src`, target: `ml${id}-tgt` };
}

/**
 * Three /30 links inside 10.213.<index>.0/24:
 *   host <-> source  .0/30   host .1, source .2   (producers reach the source brokers)
 *   host <-> target  .4/30   host .5, target .6   (validators reach the target brokers)
 *   source <-> target .8/30  source .9, target .10 (the inter-DC link MM2 crosses)
 * Brokers listen on .2 (source) and .6 (target). The target namespace reaches .2 only via
 * the inter-DC link (a /32 route via .9), the source reaches .6 only via .10: the host's
 * traffic never crosses the inter-DC link, MM2's always does.
 */
export function networkPlan(id: string, subnetIndex: number): LabNetwork {
  if (!Number.isInteger(subnetIndex) || subnetIndex < 1 || subnetIndex > 254) {
    throw new RangeError(`subnet index must be 1..254, got ${subnetIndex}`);
  }
  const ns = namespaceNames(id);
  const ip = (last: number): string => `${SUBNET_PREFIX}.${subnetIndex}.${last}`;
  const ifName = (suffix: string): string => `ml${id}-${suffix}`;
  const interDc: InterDcLink = {
    source: { netns: ns.source, interface: ifName('st'), address: ip(9) },
    target: { netns: ns.target, interface: ifName('ts'), address: ip(10) },
  };
  return {
    subnet: `${SUBNET_PREFIX}.${subnetIndex}.0/24`,
    namespaces: ns,
    hostLinks: {
      source: {
        host: { netns: null, interface: ifName('hs'), address: ip(1) },
        peer: { netns: ns.source, interface: ifName('sh'), address: ip(2) },
      },
      target: {
        host: { netns: null, interface: ifName('ht'), address: ip(5) },
        peer: { netns: ns.target, interface: ifName('th'), address: ip(6) },
      },
    },
    interDc,
    routes: [
      { netns: ns.target, destination: `${ip(2)}/32`, via: ip(9), interface: interDc.target.interface },
      { netns: ns.source, destination: `${ip(6)}/32`, via: ip(10), interface: interDc.source.interface },
    ],
  };
}

/** Parses `a.b.c.d/len` into [network as uint32, prefix length]. */
export function parseCidr(cidr: string): [number, number] {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/.exec(cidr.trim());
  if (match === null) throw new RangeError(`not an IPv4 CIDR: ${cidr}`);
  const octets = match.slice(1, 5).map(Number);
  if (octets.some((o) => o > 255)) throw new RangeError(`not an IPv4 CIDR: ${cidr}`);
  const len = match[5] === undefined ? 32 : Number(match[5]);
  if (len > 32) throw new RangeError(`not an IPv4 CIDR: ${cidr}`);
  const addr = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  return [(addr & mask) >>> 0, len];
}

/** True when two IPv4 prefixes share any address. */
export function cidrsOverlap(a: string, b: string): boolean {
  const [netA, lenA] = parseCidr(a);
  const [netB, lenB] = parseCidr(b);
  const len = Math.min(lenA, lenB);
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  return (netA & mask) >>> 0 === (netB & mask) >>> 0;
}

/**
 * First candidate subnet that overlaps none of the host's prefixes in use. Default routes
 * (0.0.0.0/0) are ignored: they overlap everything by definition.
 */
export function pickSubnetIndex(id: string, prefixesInUse: string[]): number | null {
  const used = prefixesInUse.filter((p) => !p.endsWith('/0') && p !== 'default');
  for (const index of candidateSubnetIndexes(id)) {
    const subnet = `${SUBNET_PREFIX}.${index}.0/24`;
    if (!used.some((p) => cidrsOverlap(p, subnet))) return index;
  }
  return null;
}

/** Topic name MM2 gives a source topic on the target cluster. */
export function mirroredTopicName(policy: ReplicationPolicyName, topic: string, sourceAlias = 'source'): string {
  return policy === 'identity' ? topic : `${sourceAlias}.${topic}`;
}

export interface LabPlanInput {
  dir: string;
  id: string;
  mode: LabMode;
  basePort: number;
  /** Required in netns mode. */
  subnetIndex: number | null;
  clusterIds: Record<ClusterName, string>;
  replicationPolicy: ReplicationPolicyName;
  topics: string;
  kafkaVersion: string;
  now: Date;
  /** Standing link profile on the inter-DC proxy; default none. */
  link?: LinkProfileName;
}

/** The full state of a lab that is not running yet (all pids null). */
export function planLab(input: LabPlanInput): LabState {
  const dir = resolve(input.dir);
  const ports = portsForBase(input.basePort);
  let network: LabNetwork | null = null;
  if (input.mode === 'netns') {
    if (input.subnetIndex === null) throw new RangeError('netns mode needs a subnet index');
    network = networkPlan(input.id, input.subnetIndex);
  }
  const hostOf = (cluster: ClusterName): string => (network === null ? '127.0.0.1' : network.hostLinks[cluster].peer.address);
  const netnsOf = (cluster: ClusterName): string | null => (network === null ? null : network.namespaces[cluster]);

  const processEntry = (
    name: string,
    role: LabProcess['role'],
    fields: Pick<LabProcess, 'cluster' | 'nodeId' | 'host' | 'ports' | 'netns'>,
    configFileName: string,
  ): LabProcess => {
    const processDir = join(dir, name);
    return {
      name,
      role,
      ...fields,
      pid: null,
      dir: processDir,
      dataDir: join(processDir, 'data'),
      logFile: join(processDir, `${name}.log`),
      pidFile: join(processDir, `${name}.pid`),
      configFile: join(processDir, configFileName),
    };
  };

  // Source brokers also listen for cross-DC clients on `crossDc`, advertised as their proxy.
  const brokers = (cluster: ClusterName): LabProcess[] =>
    ports[cluster].map((p, i) =>
      processEntry(
        `${cluster}-${i + 1}`,
        'broker',
        {
          cluster,
          nodeId: i + 1,
          host: hostOf(cluster),
          ports:
            cluster === 'source'
              ? { client: p.client, controller: p.controller, crossDc: ports.crossDc[i].listener }
              : { client: p.client, controller: p.controller },
          netns: netnsOf(cluster),
        },
        'server.properties',
      ),
    );
  const sourceBrokers = brokers('source');
  const targetBrokers = brokers('target');
  // MM2 runs next to the target cluster, as it normally does.
  const mm2 = processEntry(
    'mm2',
    'mirrormaker2',
    { cluster: 'target', nodeId: null, host: hostOf('target'), ports: { rest: ports.mm2Rest }, netns: netnsOf('target') },
    'mm2.properties',
  );
  // Toxiproxy runs in the source namespace, in front of the source brokers: MM2 (target
  // namespace) reaches it across the inter-DC link, so the link's iptables/tbf faults still
  // hit MM2's traffic, and the proxy adds the delay the kernel here cannot (no netem).
  const toxiproxy = processEntry(
    'toxiproxy',
    'toxiproxy',
    {
      cluster: 'source',
      nodeId: null,
      host: hostOf('source'),
      ports: Object.fromEntries([['api', ports.toxiproxyApi], ...sourceBrokers.map((b, i) => [`proxy-${b.name}`, ports.crossDc[i].proxy])]),
      netns: netnsOf('source'),
    },
    'toxiproxy.json',
  );
  const proxies = sourceBrokers.map((b, i) => ({
    name: `cross-dc-${b.name}`,
    broker: b.name,
    listen: `${toxiproxy.host}:${ports.crossDc[i].proxy}`,
    upstream: `${b.host}:${ports.crossDc[i].listener}`,
  }));
  const redis = processEntry(
    'redis',
    'redis',
    { cluster: null, nodeId: null, host: '127.0.0.1', ports: { redis: ports.redis }, netns: null },
    'redis.conf',
  );

  const clusterInfo = (cluster: ClusterName, members: LabProcess[]): LabState['source'] => {
    const endpoints = members.map((b) => `${b.host}:${b.ports.client}`);
    return {
      name: cluster,
      clusterId: input.clusterIds[cluster],
      bootstrap: endpoints.join(','),
      brokers: endpoints,
      netns: netnsOf(cluster),
    };
  };

  const now = input.now.toISOString();
  return {
    schemaVersion: 1,
    id: input.id,
    dir,
    mode: input.mode,
    kafkaVersion: input.kafkaVersion,
    createdAt: now,
    updatedAt: now,
    basePort: input.basePort,
    source: clusterInfo('source', sourceBrokers),
    target: clusterInfo('target', targetBrokers),
    redis: { url: `redis://127.0.0.1:${ports.redis}` },
    mm2: {
      sourceAlias: 'source',
      targetAlias: 'target',
      replicationPolicy: input.replicationPolicy,
      replicationPolicyClass: REPLICATION_POLICY_CLASSES[input.replicationPolicy],
      topics: input.topics,
      statusTopic: 'mm2-status.source.internal',
      restUrl: `http://${mm2.host}:${ports.mm2Rest}`,
      configFile: mm2.configFile,
    },
    network,
    interDcProxy: {
      apiUrl: `http://${toxiproxy.host}:${ports.toxiproxyApi}`,
      bootstrap: proxies.map((p) => p.listen).join(','),
      proxies,
      link: input.link ?? 'none',
    },
    processes: [...sourceBrokers, ...targetBrokers, toxiproxy, mm2, redis],
  };
}

/** A Kafka cluster id: 16 random bytes, base64url without padding (Kafka's `Uuid` text form). */
export function clusterIdFromBytes(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new RangeError('a cluster id needs 16 bytes');
  return Buffer.from(bytes).toString('base64url');
}
