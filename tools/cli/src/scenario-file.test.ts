import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CliError } from './exit-codes';
import { listScenarios, loadScenarioFile, scaleScenario } from './scenario-file';

const dir = mkdtempSync(path.join(tmpdir(), 'ml-scn-'));
const good = path.join(dir, 'good.yaml');
writeFileSync(good, 'name: good\ntopics: [{ name: t, partitions: 3 }]\nworkload: { rate: { records: 10 }, duration: 60s }\nfaults:\n  - { at: 10s, duration: 20s, kind: kill-broker, target: "source:1" }\n');
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

  it('scales the workload and fault times, not the expectations', () => {
    const s = scaleScenario(loadScenarioFile(good), 0.5);
    expect(s.workload.duration).toBe(30_000);
    expect(s.faults[0]).toMatchObject({ at: 5_000, duration: 10_000 });
    expect(() => scaleScenario(s, 0)).toThrow('--time-scale must be > 0');
  });

  it('lists scenarios, marking broken files', () => {
    const listing = listScenarios(dir);
    expect(listing.map((l) => path.basename(l.file))).toEqual(['bad.yaml', 'good.yaml']);
    expect(listing[0].problem).toContain('is not a valid scenario');
    expect(listing[1]).toMatchObject({ name: 'good', faults: 'kill-broker' });
  });
});
