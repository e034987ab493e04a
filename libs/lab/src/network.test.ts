import { bandwidthEnds, directionMatches, faultComment, hasTag, interDcLink, tbfArgs } from './network';
import { networkPlan, planLab } from './topology';

const link = networkPlan('abc123', 5).interDc;

test('directions map to INPUT/OUTPUT on the target end of the link', () => {
  expect(directionMatches(link, 'both')).toEqual([
    { chain: 'INPUT', match: ['-i', 'mlabc123-ts'] },
    { chain: 'OUTPUT', match: ['-o', 'mlabc123-ts'] },
  ]);
  expect(directionMatches(link, 'to-target').map((m) => m.chain)).toEqual(['INPUT']);
  expect(directionMatches(link, 'to-source').map((m) => m.chain)).toEqual(['OUTPUT']);
});

test('tbf arguments: rate, a burst of at least 16 KiB, a bounded queue', () => {
  expect(tbfArgs({ rateKbit: 1000 })).toEqual(['tbf', 'rate', '1000kbit', 'burst', '16384', 'latency', '200ms']);
  expect(tbfArgs({ rateKbit: 100_000, latencyMs: 50 })).toEqual(['tbf', 'rate', '100000kbit', 'burst', '250000', 'latency', '50ms']);
  expect(() => tbfArgs({ rateKbit: 0 })).toThrow(expect.objectContaining({ code: 'invalid_option' }));
});

test('a loopback lab has no link: faults_unavailable', () => {
  const lab = planLab({
    dir: '/tmp/x',
    id: 'abc123',
    mode: 'loopback',
    basePort: 21008,
    subnetIndex: null,
    clusterIds: { source: 'a', target: 'b' },
    replicationPolicy: 'default',
    topics: '.*',
    kafkaVersion: '4.3.1',
    now: new Date(0),
  });
  expect(() => interDcLink(lab)).toThrow(expect.objectContaining({ code: 'faults_unavailable' }));
});

test('fault comments carry an optional tag; rules match only their own tag', () => {
  expect(faultComment('loss')).toBe('mirrorlab-fault:loss');
  expect(faultComment('partition', 'f-1a2b')).toBe('mirrorlab-fault:partition:f-1a2b');
  expect(() => faultComment('loss', 'Bad Tag')).toThrow(expect.objectContaining({ code: 'invalid_option' }));
  const rule = '-A INPUT -i mlabc123-ts -m comment --comment mirrorlab-fault:loss:f-1a2b -j DROP';
  expect(hasTag(rule, 'f-1a2b')).toBe(true);
  expect(hasTag(rule, '1a2b')).toBe(false);
  expect(hasTag('-A INPUT -i x -m comment --comment "mirrorlab-fault:loss:f-1a2b" -j DROP', 'f-1a2b')).toBe(true);
  expect(hasTag('-A INPUT -i x -m comment --comment mirrorlab-fault:loss -j DROP', 'loss')).toBe(false);
  expect(hasTag('-A INPUT -i x -j DROP', 'f-1a2b')).toBe(false);
});

test('a bandwidth limit shapes the egress of the sending end(s)', () => {
  expect(bandwidthEnds(link, 'to-target').map((e) => e.interface)).toEqual(['mlabc123-st']);
  expect(bandwidthEnds(link, 'to-source').map((e) => e.interface)).toEqual(['mlabc123-ts']);
  expect(bandwidthEnds(link).map((e) => e.interface)).toEqual(['mlabc123-st', 'mlabc123-ts']);
});
