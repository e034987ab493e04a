import { FAULT_KINDS, type FaultKind } from '../scenario/scenario-spec';
import { validateScenario } from '../scenario/parse-scenario';
import { checkFaultParams, FAULT_CATALOG, isLinkKind, isOneShotKind } from './fault-catalog';
import type { RawParams } from './fault-param-fields';
import { targetSyntaxProblem } from './fault-targets';

/** Per kind: params it accepts (with what they become) and bad params with the parameter named and the reason. */
const CASES: { [K in FaultKind]: { valid: Array<[RawParams, unknown]>; invalid: Array<[RawParams, string, string]> } } = {
  'kill-broker': { valid: [[{}, {}]], invalid: [[{ force: true }, 'force', 'not a parameter of kill-broker (it takes none)']] },
  'pause-broker': { valid: [[{}, {}]], invalid: [[{ seconds: 3 }, 'seconds', 'not a parameter of pause-broker (it takes none)']] },
  'remove-broker': { valid: [[{}, {}]], invalid: [[{ x: 'y' }, 'x', 'not a parameter of remove-broker (it takes none)']] },
  'add-broker': { valid: [[{}, {}]], invalid: [[{ count: 2 }, 'count', 'not a parameter of add-broker (it takes none)']] },
  'kill-replicator': { valid: [[{}, {}]], invalid: [[{ signal: 'KILL' }, 'signal', 'not a parameter of kill-replicator (it takes none)']] },
  'pause-replicator': { valid: [[{}, {}]], invalid: [[{ a: 1 }, 'a', 'not a parameter of pause-replicator (it takes none)']] },
  'add-replicator-worker': {
    valid: [[{}, {}]],
    invalid: [[{ workers: 2 }, 'workers', 'not a parameter of add-replicator-worker (it takes none)']],
  },
  'add-partitions': {
    valid: [
      [{ count: 12 }, { count: 12, cluster: 'source' }],
      [
        { count: '6', cluster: 'target' },
        { count: 6, cluster: 'target' },
      ],
    ],
    invalid: [
      [{}, 'count', 'expected an integer from 1 to 100000, got nothing'],
      [{ count: 2.5 }, 'count', 'expected an integer from 1 to 100000, got 2.5'],
      [{ count: 0 }, 'count', 'expected an integer from 1 to 100000, got 0'],
      [{ count: 3, cluster: 'middle' }, 'cluster', 'expected one of source, target, got "middle"'],
    ],
  },
  'add-topic': {
    valid: [
      [{ name: 'late.topic' }, { name: 'late.topic', partitions: 3, replicationFactor: 3 }],
      [
        { name: 'x', partitions: 1, replicationFactor: 1 },
        { name: 'x', partitions: 1, replicationFactor: 1 },
      ],
    ],
    invalid: [
      [{}, 'name', 'expected a topic name (1-249 letters, digits, ".", "_", "-"), got nothing'],
      [{ name: 'bad name' }, 'name', 'expected a topic name (1-249 letters, digits, ".", "_", "-"), got "bad name"'],
      [{ name: 't', partitions: 0 }, 'partitions', 'expected an integer from 1 to 10000, got 0'],
      [{ name: 't', replicationFactor: 11 }, 'replicationFactor', 'expected an integer from 1 to 10, got 11'],
    ],
  },
  'reassign-partitions': {
    valid: [
      [{}, { partition: null, cluster: 'source' }],
      [
        { partition: 0, cluster: 'target' },
        { partition: 0, cluster: 'target' },
      ],
    ],
    invalid: [
      [{ partition: -1 }, 'partition', 'expected an integer from 0 to 100000, got -1'],
      [{ cluster: 'both' }, 'cluster', 'expected one of source, target, got "both"'],
    ],
  },
  'retention-purge': {
    valid: [
      [{}, { retentionMs: 1000, segmentMs: 1000, cluster: 'source' }],
      [
        { retention: '2s', segment: 500, cluster: 'target' },
        { retentionMs: 2000, segmentMs: 500, cluster: 'target' },
      ],
    ],
    invalid: [
      [{ retention: 'soon' }, 'retention', 'expected a duration like 50ms or 1s, or a number of milliseconds, got "soon"'],
      [{ segment: 0 }, 'segment', 'expected a duration like 50ms or 1s, or a number of milliseconds, got 0'],
      [{ retentionMs: 1000 }, 'retentionMs', 'not a parameter of retention-purge (known: retention, segment, cluster)'],
    ],
  },
  'recreate-topic': {
    valid: [
      [{}, { cluster: 'source' }],
      [{ cluster: 'target' }, { cluster: 'target' }],
    ],
    invalid: [[{ partitions: 3 }, 'partitions', 'not a parameter of recreate-topic (known: cluster)']],
  },
  'consumer-failover': {
    valid: [
      [{}, { wait: null }],
      [{ wait: '90s' }, { wait: 90_000 }],
      [{ wait: '2m' }, { wait: 120_000 }],
      [{ wait: 0 }, { wait: 0 }],
      [{ wait: '500ms' }, { wait: 500 }],
    ],
    invalid: [
      [{ wait: 'long' }, 'wait', 'expected a duration from 0s to 10m, like 15s or 2m, got "long"'],
      [{ wait: '11m' }, 'wait', 'expected a duration from 0s to 10m, like 15s or 2m, got "11m"'],
      [{ wait: -1 }, 'wait', 'expected a duration from 0s to 10m, like 15s or 2m, got -1'],
      [{ extra: 1 }, 'extra', 'not a parameter of consumer-failover (known: wait)'],
    ],
  },
  'packet-loss': {
    valid: [
      [{ probability: 0.25 }, { probability: 0.25, direction: 'both' }],
      [
        { probability: '1', direction: 'to-target' },
        { probability: 1, direction: 'to-target' },
      ],
    ],
    invalid: [
      [{ probability: 1.5 }, 'probability', 'expected a probability greater than 0 and at most 1 (0.05 drops 5% of packets), got 1.5'],
      [{ probability: 0 }, 'probability', 'expected a probability greater than 0 and at most 1 (0.05 drops 5% of packets), got 0'],
      [{}, 'probability', 'expected a probability greater than 0 and at most 1 (0.05 drops 5% of packets), got nothing'],
      [{ probability: 0.1, direction: 'up' }, 'direction', 'expected one of both, to-target, to-source, got "up"'],
      [{ probabilty: 0.1 }, 'probabilty', 'not a parameter of packet-loss (known: probability, direction)'],
    ],
  },
  'network-partition': {
    valid: [
      [{}, { direction: 'both' }],
      [{ direction: 'to-source' }, { direction: 'to-source' }],
    ],
    invalid: [[{ direction: true }, 'direction', 'expected one of both, to-target, to-source, got true']],
  },
  'bandwidth-cap': {
    valid: [
      [{ rate: '1mbit' }, { rateKbit: 1000, burstBytes: null, latencyMs: null, direction: 'both' }],
      [
        { rate: '512kbit', burst: '32kb', latency: '50ms', direction: 'to-target' },
        { rateKbit: 512, burstBytes: 32768, latencyMs: 50, direction: 'to-target' },
      ],
    ],
    invalid: [
      [{ rate: '1mbps' }, 'rate', 'expected a rate like 512kbit, 1mbit or 1gbit (bits per second; at least 8kbit), got "1mbps"'],
      [{ rate: '4kbit' }, 'rate', 'expected a rate like 512kbit, 1mbit or 1gbit (bits per second; at least 8kbit), got "4kbit"'],
      [{ rate: '1mbit', burst: 'big' }, 'burst', 'expected a size like 32kb, 64k or 1mb, or a number of bytes, got "big"'],
      [
        { rate: '1mbit', latency: '5 minutes' },
        'latency',
        'expected a duration like 50ms or 1s, or a number of milliseconds, got "5 minutes"',
      ],
      [{ rate: '1mbit', rateKbit: 5 }, 'rateKbit', 'not a parameter of bandwidth-cap (known: rate, burst, latency, direction)'],
    ],
  },
  latency: {
    valid: [
      [{ latency: '500ms' }, { latencyMs: 500, jitterMs: 0, direction: 'both' }],
      [
        { latency: '1s', jitter: '20ms', direction: 'to-target' },
        { latencyMs: 1000, jitterMs: 20, direction: 'to-target' },
      ],
    ],
    invalid: [
      [{}, 'latency', 'expected a delay from 1ms to 60s, like 40ms or 500ms, got nothing'],
      [{ latency: '0ms' }, 'latency', 'expected a delay from 1ms to 60s, like 40ms or 500ms, got "0ms"'],
      [{ latency: '61s' }, 'latency', 'expected a delay from 1ms to 60s, like 40ms or 500ms, got "61s"'],
      [{ latency: '40ms', jitter: '50ms' }, 'jitter', 'expected at most params.latency (40ms), got "50ms"'],
      [{ latency: '40ms', jitter: -1 }, 'jitter', 'expected a delay from 0ms to 60s, like 40ms or 500ms, got -1'],
    ],
  },
};

describe('the fault catalog', () => {
  it.each(FAULT_KINDS.map((k) => [k]))('%s accepts its valid params and refuses each bad one, naming the parameter', (kind) => {
    for (const [raw, expected] of CASES[kind].valid) expect(checkFaultParams(kind, raw)).toEqual({ ok: true, params: expected });
    for (const [raw, param, message] of CASES[kind].invalid)
      expect(checkFaultParams(kind, raw)).toEqual({ ok: false, issues: [{ path: [param], message }] });
  });

  it('has one entry per kind, link faults and one-shot faults as the backends expect', () => {
    expect(Object.keys(FAULT_CATALOG).sort()).toEqual([...FAULT_KINDS].sort());
    expect(FAULT_KINDS.filter(isLinkKind)).toEqual(['packet-loss', 'network-partition', 'bandwidth-cap', 'latency']);
    expect(FAULT_KINDS.filter(isOneShotKind)).toEqual([
      'add-partitions',
      'add-topic',
      'reassign-partitions',
      'recreate-topic',
      'consumer-failover',
    ]);
    expect(FAULT_CATALOG['kill-broker'].params.names).toEqual([]);
    expect(FAULT_CATALOG.latency.params.names).toEqual(['latency', 'jitter', 'direction']);
  });

  it('checks target syntax by the form the kind takes', () => {
    expect(targetSyntaxProblem('kill-broker', 'source:2')).toBeNull();
    expect(targetSyntaxProblem('kill-broker', 'target:random')).toBeNull();
    expect(targetSyntaxProblem('kill-broker', 'source')).toBe(
      'kill-broker expects source:<n>, target:<n> (broker n, 1-based), source:random or target:random, got "source"',
    );
    expect(targetSyntaxProblem('kill-broker', undefined)).toMatch(/got nothing$/);
    expect(targetSyntaxProblem('add-broker', undefined)).toBeNull();
    expect(targetSyntaxProblem('add-broker', 'target')).toBeNull();
    expect(targetSyntaxProblem('add-broker', 'source:1')).toBe('add-broker expects source or target (default source), got "source:1"');
    expect(targetSyntaxProblem('kill-replicator', 'replicator')).toBeNull();
    expect(targetSyntaxProblem('kill-replicator', 'inter-dc')).toBe('kill-replicator expects replicator (the default), got "inter-dc"');
    expect(targetSyntaxProblem('latency', undefined)).toBeNull();
    expect(targetSyntaxProblem('latency', 'replicator')).toBe('latency expects inter-dc (the default), got "replicator"');
    expect(targetSyntaxProblem('add-partitions', 'ml.orders')).toBeNull();
    expect(targetSyntaxProblem('add-partitions', undefined)).toBe(
      'add-partitions expects a topic name (letters, digits, ".", "_", "-"), got nothing',
    );
  });
});

describe('a scenario with a bad fault', () => {
  const scenario = (faults: unknown[]) => ({
    name: 's',
    topics: [{ name: 't', partitions: 3 }],
    workload: { rate: { records: 10 }, duration: '60s' },
    faults,
  });

  it('is refused before it runs, each problem named by its path', () => {
    const r = validateScenario(
      scenario([
        { at: '5s', duration: '5s', kind: 'kill-broker', target: 'source:1' },
        { at: '10s', duration: '5s', kind: 'packet-loss', target: 'inter-dc', params: { probability: 1.5 } },
        { at: '20s', duration: '5s', kind: 'pause-broker', target: 'replicator' },
        { at: '30s', duration: '5s', kind: 'latency', params: { latency: '40ms', jiter: '5ms' } },
      ]),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.problems).toEqual([
      'faults[1].params.probability: expected a probability greater than 0 and at most 1 (0.05 drops 5% of packets), got 1.5',
      'faults[2].target: pause-broker expects source:<n>, target:<n> (broker n, 1-based), source:random or target:random, got "replicator"',
      'faults[3].params.jiter: not a parameter of latency (known: latency, jitter, direction)',
    ]);
  });

  it('keeps its raw params when they are good (the runner parses them again)', () => {
    const r = validateScenario(scenario([{ at: '10s', duration: '5s', kind: 'bandwidth-cap', params: { rate: '1mbit', burst: '32kb' } }]));
    expect(r.ok && r.spec.faults[0].params).toEqual({ rate: '1mbit', burst: '32kb' });
  });
});
