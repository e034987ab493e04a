import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { capacitySummary, capacitySummaryBeside } from './capacity-summary';

const step = (offered: number, status: 'ok' | 'tester-saturated' | 'replicator-saturated') => ({
  fromMs: 0,
  toMs: 15_000,
  offered,
  achieved: offered,
  consumed: offered,
  backlogGrowth: 0,
  p99Us: 20_000,
  status,
  reason: status === 'ok' ? null : 'why',
});
const capacity = {
  unit: 'records',
  steps: [step(2000, 'ok'), step(4000, 'ok'), step(5000, 'replicator-saturated')],
  sustainedRecordsPerSec: 4000,
  testerSaturatedAt: null,
  replicatorSaturatedAt: 5000,
  lowerBound: false,
  testerShare: 0.95,
  backlogShare: 0.05,
  settleSeconds: 1,
  p99BoundUs: 5_000_000,
};

describe('capacitySummary', () => {
  it('prints the capacity of a ramp run', () => {
    expect(capacitySummary(JSON.stringify({ verdict: 'pass', capacity }))).toBe(
      'capacity: 4000 records/s sustained (replicator fell behind at 5000; tester saturated at —)',
    );
  });

  it('says "at least" when the tester saturated first', () => {
    expect(
      capacitySummary(
        JSON.stringify({ capacity: { ...capacity, replicatorSaturatedAt: null, testerSaturatedAt: 5000, lowerBound: true } }),
      ),
    ).toBe('capacity: at least 4000 records/s sustained (replicator fell behind at —; tester saturated at 5000)');
  });

  it('nothing for a fixed-rate run, an older report, or a report.json that is not JSON', () => {
    expect(capacitySummary(JSON.stringify({ verdict: 'pass', capacity: null }))).toBeNull();
    expect(capacitySummary(JSON.stringify({ verdict: 'pass' }))).toBeNull();
    expect(capacitySummary('{not json')).toBeNull();
    expect(capacitySummary('null')).toBeNull();
    expect(capacitySummary(JSON.stringify({ capacity: { ...capacity, steps: 'x' } }))).toBeNull();
  });

  it('reads the report.json beside the report.html; nothing when it is missing', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ml-cap-'));
    expect(capacitySummaryBeside(path.join(dir, 'report.html'))).toBeNull();
    writeFileSync(path.join(dir, 'report.json'), JSON.stringify({ capacity }));
    expect(capacitySummaryBeside(path.join(dir, 'report.html'))).toBe(
      'capacity: 4000 records/s sustained (replicator fell behind at 5000; tester saturated at —)',
    );
  });
});
