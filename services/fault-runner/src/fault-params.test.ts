import { parseParams } from './fault-params';

test('a bad probability names params.probability and the expected form', () => {
  for (const bad of [1.5, 0, -0.1, 'lots', true]) {
    expect(() => parseParams('packet-loss', { probability: bad })).toThrow(
      expect.objectContaining({ code: 'params_invalid', field: 'params.probability' }),
    );
  }
  expect(() => parseParams('packet-loss', { probability: 1.5 })).toThrow(
    'params.probability: expected a probability greater than 0 and at most 1 (0.05 drops 5% of packets), got 1.5',
  );
  expect(() => parseParams('packet-loss', {})).toThrow(
    'params.probability: expected a probability greater than 0 and at most 1 (0.05 drops 5% of packets), got nothing',
  );
  expect(parseParams('packet-loss', { probability: '0.25' })).toEqual({ probability: 0.25, direction: 'both' });
  expect(parseParams('packet-loss', { probability: 1, direction: 'to-target' })).toEqual({ probability: 1, direction: 'to-target' });
  expect(() => parseParams('packet-loss', { probability: 0.1, direction: 'up' })).toThrow(
    'params.direction: expected one of both, to-target, to-source, got "up"',
  );
});

test('bandwidth caps: rates in bits per second, sizes, latencies', () => {
  expect(parseParams('bandwidth-cap', { rate: '1mbit' })).toEqual({ rateKbit: 1000, burstBytes: null, latencyMs: null, direction: 'both' });
  expect(parseParams('bandwidth-cap', { rate: '512kbit', burst: '32kb', latency: '50ms', direction: 'to-target' })).toEqual({
    rateKbit: 512,
    burstBytes: 32768,
    latencyMs: 50,
    direction: 'to-target',
  });
  expect(parseParams('bandwidth-cap', { rate: 2000, burst: 20000, latency: '1s' })).toMatchObject({
    rateKbit: 2000,
    burstBytes: 20000,
    latencyMs: 1000,
  });
  expect(parseParams('bandwidth-cap', { rate: '1.5gbit' }).rateKbit).toBe(1_500_000);
  expect(() => parseParams('bandwidth-cap', { rate: '1mbps' })).toThrow(expect.objectContaining({ field: 'params.rate' }));
  expect(() => parseParams('bandwidth-cap', { rate: '4kbit' })).toThrow(/at least 8kbit/);
  expect(() => parseParams('bandwidth-cap', { rate: '1mbit', burst: 'big' })).toThrow(expect.objectContaining({ field: 'params.burst' }));
  expect(() => parseParams('bandwidth-cap', { rate: '1mbit', latency: '5 minutes' })).toThrow(
    expect.objectContaining({ field: 'params.latency' }),
  );
});

test('latency: a delay and a jitter per direction, the jitter no larger than the delay', () => {
  expect(parseParams('latency', { latency: '500ms' })).toEqual({ latencyMs: 500, jitterMs: 0, direction: 'both' });
  expect(parseParams('latency', { latency: '1s', jitter: '20ms', direction: 'to-target' })).toEqual({
    latencyMs: 1000,
    jitterMs: 20,
    direction: 'to-target',
  });
  expect(parseParams('latency', { latency: 40, jitter: 0 })).toEqual({ latencyMs: 40, jitterMs: 0, direction: 'both' });
  expect(() => parseParams('latency', {})).toThrow(expect.objectContaining({ code: 'params_invalid', field: 'params.latency' }));
  expect(() => parseParams('latency', { latency: 'slow' })).toThrow(expect.objectContaining({ field: 'params.latency' }));
  expect(() => parseParams('latency', { latency: '0ms' })).toThrow(
    'params.latency: expected a delay from 1ms to 60s, like 40ms or 500ms, got "0ms"',
  );
  expect(() => parseParams('latency', { latency: '2m' })).toThrow(expect.objectContaining({ field: 'params.latency' }));
  expect(() => parseParams('latency', { latency: '61s' })).toThrow(expect.objectContaining({ field: 'params.latency' }));
  expect(() => parseParams('latency', { latency: '40ms', jitter: '50ms' })).toThrow(
    'params.jitter: expected at most params.latency (40ms), got "50ms"',
  );
  expect(() => parseParams('latency', { latency: '40ms', jitter: -1 })).toThrow(expect.objectContaining({ field: 'params.jitter' }));
  expect(() => parseParams('latency', { latency: '40ms', direction: 'up' })).toThrow(
    expect.objectContaining({ field: 'params.direction' }),
  );
  expect(() => parseParams('latency', { latency: '40ms', delay: '1s' })).toThrow(
    'params.delay: not a parameter of latency (known: latency, jitter, direction)',
  );
});

test('admin faults: counts, names and partitions', () => {
  expect(parseParams('add-partitions', { count: 12 })).toEqual({ count: 12, cluster: 'source' });
  expect(() => parseParams('add-partitions', {})).toThrow(expect.objectContaining({ field: 'params.count' }));
  expect(() => parseParams('add-partitions', { count: 2.5 })).toThrow('params.count: expected an integer from 1 to 100000, got 2.5');
  expect(parseParams('add-topic', { name: 'late.topic' })).toEqual({ name: 'late.topic', partitions: 3, replicationFactor: 3 });
  expect(() => parseParams('add-topic', { name: 'bad name' })).toThrow(expect.objectContaining({ field: 'params.name' }));
  expect(parseParams('reassign-partitions', {})).toEqual({ partition: null, cluster: 'source' });
  expect(parseParams('reassign-partitions', { partition: 0, cluster: 'target' })).toEqual({ partition: 0, cluster: 'target' });
});

test('unknown params are refused, naming what the kind knows', () => {
  expect(() => parseParams('packet-loss', { probabilty: 0.1 })).toThrow(
    'params.probabilty: not a parameter of packet-loss (known: probability, direction)',
  );
  expect(() => parseParams('kill-broker', { force: true })).toThrow('params.force: not a parameter of kill-broker (it takes none)');
  expect(() => parseParams('bandwidth-cap', { rate: '1mbit', rateKbit: 5 })).toThrow(expect.objectContaining({ field: 'params.rateKbit' }));
  expect(parseParams('kill-broker', {})).toEqual({});
});

test('retention-purge: retention and segment durations (1 s each by default) and the cluster', () => {
  expect(parseParams('retention-purge', {})).toEqual({ retentionMs: 1000, segmentMs: 1000, cluster: 'source' });
  expect(parseParams('retention-purge', { retention: '2s', segment: 500, cluster: 'target' })).toEqual({
    retentionMs: 2000,
    segmentMs: 500,
    cluster: 'target',
  });
  expect(() => parseParams('retention-purge', { retention: 'soon' })).toThrow(expect.objectContaining({ field: 'params.retention' }));
  expect(() => parseParams('retention-purge', { retentionMs: 5 })).toThrow(
    /params.retentionMs: not a parameter of retention-purge \(known: retention, segment, cluster\)/,
  );
});

test('recreate-topic: only the cluster (default source)', () => {
  expect(parseParams('recreate-topic', {})).toEqual({ cluster: 'source' });
  expect(() => parseParams('recreate-topic', { partitions: 3 })).toThrow(
    /params.partitions: not a parameter of recreate-topic \(known: cluster\)/,
  );
});
