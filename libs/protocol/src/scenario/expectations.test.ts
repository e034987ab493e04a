import { describeExpectations, effectiveExpectations } from './expectations';
import { parseScenarioYaml } from './parse-scenario';

const scenario = (expectations: string) => {
  const r = parseScenarioYaml(`
name: e
topics: [{ name: t, partitions: 1 }]
workload: { rate: { records: 10 }, duration: 10s }
${expectations}
`);
  if (!r.ok) throw r.error;
  return r.spec;
};

describe('effectiveExpectations', () => {
  it('checks lost, unexpected, corrupt and foreign at 0 when the file names only p99LatencyMs', () => {
    expect(effectiveExpectations(scenario('expectations: { p99LatencyMs: { max: 500 } }').expectations)).toEqual([
      { name: 'lost', max: 0, unit: 'records', source: 'default' },
      { name: 'unexpected', max: 0, unit: 'records', source: 'default' },
      { name: 'corrupt', max: 0, unit: 'records', source: 'default' },
      { name: 'foreign', max: 0, unit: 'records', source: 'default' },
      { name: 'inconsistentOffsets', max: 0, unit: 'ranges', source: 'default' },
      { name: 'p99LatencyMs', max: 500, unit: 'ms', source: 'scenario' },
    ]);
  });

  it('checks the correctness classes at 0 when there is no expectations block at all', () => {
    expect(effectiveExpectations(scenario('').expectations).map((e) => `${e.name}:${e.max}`)).toEqual([
      'lost:0',
      'unexpected:0',
      'corrupt:0',
      'foreign:0',
      'inconsistentOffsets:0',
    ]);
  });

  it('lets the file relax one class explicitly, and only that one', () => {
    const list = effectiveExpectations(scenario('expectations: { foreign: { max: 100 }, lost: { max: 2 } }').expectations);
    expect(list.map((e) => [e.name, e.max, e.source])).toEqual([
      ['lost', 2, 'scenario'],
      ['unexpected', 0, 'default'],
      ['corrupt', 0, 'default'],
      ['foreign', 100, 'scenario'],
      ['inconsistentOffsets', 0, 'default'],
    ]);
  });

  it('checks duplicates at 0 only when the replicator promises exactly-once, or when the file bounds them', () => {
    expect(effectiveExpectations(scenario('').expectations).some((e) => e.name === 'duplicates')).toBe(false);
    expect(
      effectiveExpectations(scenario('expectations: { exactlyOnce: true }').expectations).find((e) => e.name === 'duplicates'),
    ).toEqual({
      name: 'duplicates',
      max: 0,
      unit: 'records',
      source: 'default',
    });
    expect(
      effectiveExpectations(scenario('expectations: { duplicates: { max: 20000 } }').expectations).find((e) => e.name === 'duplicates')
        ?.max,
    ).toBe(20000);
  });

  it('rejects a misspelt expectation and a non-boolean exactlyOnce, naming the field', () => {
    const bad = parseScenarioYaml(`
name: e
topics: [{ name: t, partitions: 1 }]
workload: { rate: { records: 10 }, duration: 10s }
expectations: { lots: { max: 1 }, exactlyOnce: "yes" }
`);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.message).toMatch(/expectations/);
    if (!bad.ok) expect(bad.error.message).toMatch(/exactlyOnce|lots/);
  });

  it('describes each expectation on one line, marking defaults', () => {
    expect(describeExpectations(effectiveExpectations({ lost: { max: 1 } }))).toEqual([
      'lost <= 1 records',
      'unexpected <= 0 records (default)',
      'corrupt <= 0 records (default)',
      'foreign <= 0 records (default)',
      'inconsistentOffsets <= 0 ranges (default)',
    ]);
  });

  it('naming a class of the lost split checks all three (0 unless stated) in place of lost', () => {
    expect(describeExpectations(effectiveExpectations({ purgedBeforeMirrored: { max: 500 } }))).toEqual([
      'unexpected <= 0 records (default)',
      'corrupt <= 0 records (default)',
      'foreign <= 0 records (default)',
      'inconsistentOffsets <= 0 ranges (default)',
      'lostAtSource <= 0 records (default)',
      'purgedBeforeMirrored <= 500 records',
      'lostInReplication <= 0 records (default)',
    ]);
    expect(effectiveExpectations({ lost: { max: 9 }, lostInReplication: { max: 0 } }).map((e) => e.name)).toContain('lost');
    expect(effectiveExpectations({}).map((e) => e.name)).not.toContain('lostInReplication');
  });
});

describe('failover expectations', () => {
  it('check failover.skipped at 0 when the scenario fails a group over, and only then', () => {
    expect(effectiveExpectations({}, { failsOver: true }).filter((e) => e.name.startsWith('failover'))).toEqual([
      { name: 'failover.skipped', max: 0, unit: 'records', source: 'default' },
    ]);
    expect(effectiveExpectations({}).some((e) => e.name.startsWith('failover') || e.name === 'checkpointAgeSeconds')).toBe(false);
  });

  it('take the stated bounds', () => {
    const list = effectiveExpectations(
      { failover: { skipped: { max: 2 }, reread: { max: 100 } }, checkpointAgeSeconds: { max: 30 } },
      { failsOver: true },
    );
    expect(list.filter((e) => e.name.startsWith('failover') || e.name === 'checkpointAgeSeconds')).toEqual([
      { name: 'failover.skipped', max: 2, unit: 'records', source: 'scenario' },
      { name: 'failover.reread', max: 100, unit: 'records', source: 'scenario' },
      { name: 'checkpointAgeSeconds', max: 30, unit: 's', source: 'scenario' },
    ]);
  });
});
