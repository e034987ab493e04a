import fc from 'fast-check';
import {
  PORT_BLOCK_SIZE,
  PORT_RANGE_END,
  PORT_RANGE_FIRST,
  allPorts,
  candidateBasePorts,
  cidrsOverlap,
  clusterIdFromBytes,
  labIdForDir,
  mirroredTopicName,
  networkPlan,
  pickSubnetIndex,
  planLab,
  portsForBase,
} from './topology';

const plan = (mode: 'netns' | 'loopback', link?: 'none' | 'transatlantic') =>
  planLab({
    link,
    dir: '/tmp/lab-x',
    id: 'abc123',
    mode,
    basePort: 21008,
    subnetIndex: mode === 'netns' ? 42 : null,
    clusterIds: { source: 'SRCxxxxxxxxxxxxxxxxxxx', target: 'TGTxxxxxxxxxxxxxxxxxxx' },
    replicationPolicy: 'default',
    topics: '.*',
    kafkaVersion: '4.3.1',
    now: new Date('2026-01-01T00:00:00Z'),
  });

describe('lab id and ports', () => {
  test('the id is 6 hex digits and stable per directory', () => {
    expect(labIdForDir('/tmp/a')).toMatch(/^[0-9a-f]{6}$/);
    expect(labIdForDir('/tmp/a')).toBe(labIdForDir('/tmp/a/'));
    expect(labIdForDir('/tmp/a')).not.toBe(labIdForDir('/tmp/b'));
  });

  test('every port of every candidate block is distinct and below the ephemeral range', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9a-f]{6}$/), (id) => {
        const bases = candidateBasePorts(id);
        expect(new Set(bases).size).toBe(bases.length);
        for (const base of [bases[0], bases[bases.length - 1]]) {
          const ports = allPorts(portsForBase(base));
          expect(new Set(ports).size).toBe(21);
          expect(Math.min(...ports)).toBeGreaterThanOrEqual(PORT_RANGE_FIRST);
          expect(Math.max(...ports)).toBeLessThan(PORT_RANGE_END);
          expect(Math.max(...ports) - base).toBeLessThan(PORT_BLOCK_SIZE);
        }
      }),
    );
  });

  test('the first candidate block is derived from the id', () => {
    expect(candidateBasePorts('000000')[0]).toBe(PORT_RANGE_FIRST);
    expect(candidateBasePorts('000001')[0]).toBe(PORT_RANGE_FIRST + PORT_BLOCK_SIZE);
  });
});

describe('subnets', () => {
  test('overlap of IPv4 prefixes', () => {
    expect(cidrsOverlap('10.213.5.0/24', '10.213.5.4/30')).toBe(true);
    expect(cidrsOverlap('10.0.0.0/8', '10.213.5.0/24')).toBe(true);
    expect(cidrsOverlap('10.213.5.0/24', '10.213.6.0/24')).toBe(false);
    expect(cidrsOverlap('192.0.2.2/32', '192.0.2.0/24')).toBe(true);
  });

  test('a subnet used on the host is skipped, a default route is not a conflict', () => {
    const first = pickSubnetIndex('abc123', ['0.0.0.0/0'])!;
    expect(first).toBeGreaterThanOrEqual(1);
    const next = pickSubnetIndex('abc123', ['0.0.0.0/0', `10.213.${first}.4/30`]);
    expect(next).not.toBe(first);
    expect(pickSubnetIndex('abc123', ['10.0.0.0/8'])).toBeNull();
  });

  test('the network plan: three /30 links, brokers reach each other only over the inter-DC link', () => {
    const net = networkPlan('abc123', 42);
    expect(net.subnet).toBe('10.213.42.0/24');
    expect(net.namespaces).toEqual({ source: 'mlabc123-src', target: 'mlabc123-tgt' });
    expect(net.hostLinks.source.peer.address).toBe('10.213.42.2');
    expect(net.hostLinks.target.peer.address).toBe('10.213.42.6');
    expect(net.interDc.source).toEqual({ netns: 'mlabc123-src', interface: 'mlabc123-st', address: '10.213.42.9' });
    expect(net.interDc.target).toEqual({ netns: 'mlabc123-tgt', interface: 'mlabc123-ts', address: '10.213.42.10' });
    expect(net.routes).toContainEqual({
      netns: 'mlabc123-tgt',
      destination: '10.213.42.2/32',
      via: '10.213.42.9',
      interface: 'mlabc123-ts',
    });
    const names = [net.hostLinks.source, net.hostLinks.target].flatMap((l) => [l.host.interface, l.peer.interface]);
    for (const name of [...names, net.interDc.source.interface]) expect(name.length).toBeLessThanOrEqual(15);
    expect(() => networkPlan('abc123', 0)).toThrow(RangeError);
  });
});

describe('planLab', () => {
  test('netns mode: source brokers in the source namespace, MM2 next to the target, redis on the host', () => {
    const lab = plan('netns');
    expect(lab.processes.map((p) => p.name)).toEqual([
      'source-1',
      'source-2',
      'source-3',
      'target-1',
      'target-2',
      'target-3',
      'toxiproxy',
      'mm2',
      'redis',
    ]);
    expect(lab.source.bootstrap).toBe('10.213.42.2:21008,10.213.42.2:21009,10.213.42.2:21010');
    expect(lab.target.brokers).toEqual(['10.213.42.6:21014', '10.213.42.6:21015', '10.213.42.6:21016']);
    const mm2 = lab.processes.find((p) => p.name === 'mm2')!;
    expect(mm2.netns).toBe('mlabc123-tgt');
    expect(lab.mm2.restUrl).toBe('http://10.213.42.6:21020');
    expect(lab.redis.url).toBe('redis://127.0.0.1:21021');
    expect(lab.processes.every((p) => p.pid === null && p.dir.startsWith('/tmp/lab-x/'))).toBe(true);
    expect(lab.processes[0].logFile).toBe('/tmp/lab-x/source-1/source-1.log');
  });

  test('the inter-DC proxy: Toxiproxy in the source namespace, one proxy per source broker in front of its cross-DC listener', () => {
    const lab = plan('netns');
    const toxiproxy = lab.processes.find((p) => p.name === 'toxiproxy')!;
    expect(toxiproxy.netns).toBe('mlabc123-src');
    expect(lab.interDcProxy).toEqual({
      apiUrl: 'http://10.213.42.2:21030',
      bootstrap: '10.213.42.2:21027,10.213.42.2:21028,10.213.42.2:21029',
      link: 'none',
      proxies: [1, 2, 3].map((n) => ({
        name: `cross-dc-source-${n}`,
        broker: `source-${n}`,
        listen: `10.213.42.2:${21026 + n}`,
        upstream: `10.213.42.2:${21023 + n}`,
      })),
    });
    // Target brokers have no cross-DC listener: only the source is read across the link.
    expect(lab.processes.filter((p) => p.ports.crossDc !== undefined).map((p) => p.name)).toEqual(['source-1', 'source-2', 'source-3']);
    expect(plan('netns', 'transatlantic').interDcProxy?.link).toBe('transatlantic');
  });

  test('loopback mode: everything on 127.0.0.1, no network', () => {
    const lab = plan('loopback');
    expect(lab.network).toBeNull();
    expect(lab.processes.every((p) => p.host === '127.0.0.1' && p.netns === null)).toBe(true);
    const ports = lab.processes.flatMap((p) => Object.values(p.ports));
    expect(new Set(ports).size).toBe(ports.length);
  });
});

test('mirrored topic names follow the replication policy', () => {
  expect(mirroredTopicName('default', 'orders')).toBe('source.orders');
  expect(mirroredTopicName('identity', 'orders')).toBe('orders');
});

test('cluster ids are 22-char base64url', () => {
  expect(clusterIdFromBytes(new Uint8Array(16).fill(255))).toBe('_____________________w');
  expect(() => clusterIdFromBytes(new Uint8Array(8))).toThrow(RangeError);
});
