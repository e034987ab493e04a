import { parseScenarioYaml, validateScenario } from './parse-scenario';

const minimal = `
name: baseline
topics:
  - name: ml.baseline
    partitions: 6
workload:
  rate: { records: 200 }
  duration: 30s
`;

describe('parseScenarioYaml', () => {
  it('fills defaults for a minimal scenario', () => {
    const r = parseScenarioYaml(minimal);
    if (!r.ok) throw r.error;
    expect(r.spec.workload).toMatchObject({
      producers: 1,
      rate: { records: 200 },
      duration: 30_000,
      acks: 'all',
      encoding: 'compact',
      recordSize: 256,
      keysPerPartition: 4,
    });
    expect(r.spec.topics[0]).toEqual({ name: 'ml.baseline', partitions: 6, replicationFactor: 3 });
    expect(r.spec.replicator).toEqual({ kind: 'mirrormaker2', sourceAlias: 'source', topicNaming: 'prefix', mode: 'dedicated' });
    expect(r.spec.expectations).toEqual({});
    expect(r.spec.drainTimeout).toBe(120_000);
  });

  it('takes a link profile (default none) and latency faults; a bad profile is named', () => {
    const plain = parseScenarioYaml(minimal);
    if (!plain.ok) throw plain.error;
    expect(plain.spec.link).toBe('none');
    const long = parseScenarioYaml(`${minimal}link: transatlantic
faults:
  - { at: 5s, duration: 10s, kind: latency, target: inter-dc, params: { latency: 500ms, jitter: 20ms } }
`);
    if (!long.ok) throw long.error;
    expect(long.spec.link).toBe('transatlantic');
    expect(long.spec.faults[0]).toMatchObject({ kind: 'latency', params: { latency: '500ms', jitter: '20ms' } });
    const bad = parseScenarioYaml(`${minimal}link: pacific
`);
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.error.problems).toEqual(['link: expected one of none, transatlantic']);
  });

  it('lists every problem by path', () => {
    const r = parseScenarioYaml(`${minimal}
faults:
  - at: 5s
    duration: 10s
    kind: kill-broker
  - at: 10s
    kind: kill-broker
  - at: 10s
    duration: 30 seconds
    kind: explode
    colour: red
`);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('scenario_invalid');
    expect(r.error.problems).toEqual(
      expect.arrayContaining([
        'faults[2].duration: expected a duration like 30s',
        expect.stringMatching(/^faults\[2\]\.kind: expected one of kill-broker, /),
        'faults[2]: unknown field colour',
      ]),
    );
  });

  it('reports missing required fields and bad values with their path', () => {
    const r = validateScenario({ name: 'bad name!', topics: [{ name: 't', partitions: 0 }], workload: { rate: { records: 10 } } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^name: expected a name of letters/),
        expect.stringMatching(/^topics\[0\]\.partitions: /),
        'workload.duration: required (expected a duration like 30s)',
      ]),
    );
  });

  it('rejects faults that end after the workload and duplicate topics', () => {
    const v = validateScenario({
      name: 'x',
      topics: [
        { name: 'a', partitions: 1 },
        { name: 'a', partitions: 2 },
      ],
      workload: { rate: { records: 1 }, duration: '30s' },
      faults: [{ at: '25s', duration: '10s', kind: 'pause-broker', target: 'source:1' }],
    });
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.error.problems).toEqual([
      'topics[1].name: duplicate topic name a',
      'faults[0].at: the fault ends after the workload (workload.duration is 30s)',
    ]);
  });

  it('reports YAML syntax errors with their line', () => {
    const r = parseScenarioYaml('name: x\ntopics: [\n');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.problems[0]).toMatch(/^line \d+: /);
  });

  it('accepts sizes and byte rates', () => {
    const r = validateScenario({
      name: 'b',
      topics: [{ name: 't', partitions: 1 }],
      workload: { rate: { bytes: '1MB' }, recordSize: '1KB', duration: '1m' },
    });
    if (!r.ok) throw r.error;
    expect(r.spec.workload.rate).toEqual({ bytes: 1024 * 1024 });
    expect(r.spec.workload.recordSize).toBe(1024);
    expect(r.spec.workload.duration).toBe(60_000);
  });

  it('validates a parsed spec again to itself, so it can travel on the control topic', () => {
    const r = parseScenarioYaml(`${minimal}
faults:
  - { at: 5s, duration: 10s, kind: network-partition, target: inter-dc }
`);
    if (!r.ok) throw r.error;
    const again = validateScenario(JSON.parse(JSON.stringify(r.spec)));
    if (!again.ok) throw again.error;
    expect(again.spec).toEqual(r.spec);
  });
});
