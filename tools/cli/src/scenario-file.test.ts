import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CliError } from './exit-codes';
import { listScenarios, loadScenarioFile, scaleScenario } from './scenario-file';

const dir = mkdtempSync(path.join(tmpdir(), 'ml-scn-'));
const good = path.join(dir, 'good.yaml');
writeFileSync(
  good,
  'name: good\ntopics: [{ name: t, partitions: 3 }]\nworkload: { rate: { records: 10 }, duration: 60s }\nfaults:\n  - { at: 10s, duration: 20s, kind: kill-broker, target: "source:1" }\n',
);
const badFault = path.join(dir, 'bad-fault.yaml');
writeFileSync(
  badFault,
  'name: bad-fault\ntopics: [{ name: t, partitions: 3 }]\nworkload: { rate: { records: 10 }, duration: 60s }\nfaults:\n  - { at: 5s, duration: 5s, kind: kill-broker, target: "source:1" }\n  - { at: 10s, duration: 5s, kind: packet-loss, params: { probability: 1.5 } }\n',
);
const bad = path.join(dir, 'bad.yaml');
writeFileSync(bad, 'name: bad\ntopics: []\nworkload: { rate: { records: 10 }, duration: 1 minute }\n');

describe('scenario files', () => {
  it('loads a valid file', () => {
    expect(loadScenarioFile(good).faults[0]).toMatchObject({ at: 10_000, duration: 20_000, kind: 'kill-broker' });
  });

  it('rejects an invalid file with every problem, as a usage error', () => {
    try {
      loadScenarioFile(bad);
      throw new Error('expected an error');
    } catch (err) {
      expect(err).toBeInstanceOf(CliError);
      expect((err as CliError).exitCode).toBe(2);
      expect((err as Error).message).toContain('topics: expected at least one topic');
      expect((err as Error).message).toContain('workload.duration: expected a duration like 30s');
    }
  });

  it('rejects a fault with bad params before anything starts (mirrorlab validate), naming the path', () => {
    expect(() => loadScenarioFile(badFault)).toThrow(
      `${badFault} is not a valid scenario:\n  faults[1].params.probability: expected a probability greater than 0 and at most 1 (0.05 drops 5% of packets), got 1.5`,
    );
  });

  it('accepts every scenario shipped in scenarios/', () => {
    const shipped = listScenarios(path.join(__dirname, '../../../scenarios'));
    expect(shipped.length).toBeGreaterThan(10);
    expect(shipped.filter((s) => s.problem !== undefined)).toEqual([]);
  });

  it('scales the workload and fault times, not the expectations', () => {
    const s = scaleScenario(loadScenarioFile(good), 0.5);
    expect(s.workload.duration).toBe(30_000);
    expect(s.faults[0]).toMatchObject({ at: 5_000, duration: 10_000 });
    expect(() => scaleScenario(s, 0)).toThrow('--time-scale must be > 0');
  });

  it('scales the moment a quiet topic goes quiet, like a fault start', () => {
    const spec = loadScenarioFile(good);
    const quiet = {
      ...spec,
      topics: [...spec.topics, { name: 'still', partitions: 3, replicationFactor: 3, quiet: { after: 10_000, rate: 0 } }],
    };
    const s = scaleScenario(quiet, 0.5);
    expect(s.topics.map((t) => t.quiet)).toEqual([undefined, { after: 5_000, rate: 0 }]);
  });

  it('scales the steps of a ramp with the duration, so a shorter run climbs the whole ramp', () => {
    const capacity = loadScenarioFile(path.join(__dirname, '../../../scenarios/capacity.yaml'));
    const s = scaleScenario(capacity, 0.5);
    expect(s.workload.duration).toBe(75_000);
    expect(s.workload.rate).toEqual({ ramp: { from: 2000, to: 20000, step: 2000, every: 7_500 } });
    expect(capacity.workload.rate).toEqual({ ramp: { from: 2000, to: 20000, step: 2000, every: 15_000 } });
  });

  it('lists scenarios, marking broken files', () => {
    const listing = listScenarios(dir);
    expect(listing.map((l) => path.basename(l.file))).toEqual(['bad-fault.yaml', 'bad.yaml', 'good.yaml']);
    expect(listing[1].problem).toContain('is not a valid scenario');
    expect(listing[2]).toMatchObject({ name: 'good', faults: 'kill-broker' });
  });
});
