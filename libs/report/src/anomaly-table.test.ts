import type { ControlEvent } from '@mirrorlab/protocol';
import { buildReport } from './build-report';
import { ScenarioEvents } from './scenario-events';
import { syntheticScenario, type InjectedAnomaly } from './testing';

function rows(anomalies: Partial<Record<InjectedAnomaly, number>>) {
  const events: ControlEvent[] = syntheticScenario({ durationS: 30, rate: 50, partitions: 3, faults: [{ id: 'f1', kind: 'kill-broker', atS: 10, durationS: 5, stall: true }], anomalies });
  const folded = new ScenarioEvents('fixture-1');
  events.forEach((e) => folded.apply(e));
  return buildReport(folded).anomalies;
}

describe('anomaly table', () => {
  it('has no row at all for a run where nothing went wrong', () => {
    expect(rows({})).toEqual([]);
  });

  // Each injected fault, and the exact rows it must produce (nothing else): a
  // record missing mid-key also opens a gap; a record held back is a gap then a late fill.
  it.each<[InjectedAnomaly, string[]]>([
    ['lost', ['lost', 'gap']],
    ['unseen', ['unseen']],
    ['unexpected', ['unexpected']],
    // A copy written right after its original is a copy of the key's highest seq: not backwards (item 12).
    ['duplicate', ['duplicate']],
    ['corrupt', ['corrupt']],
    ['indeterminateSeen', ['indeterminate-seen']],
    ['indeterminateMissing', ['indeterminate-missing', 'gap']],
    ['failedButSeen', ['failed-but-seen']],
    ['redelivery', ['redelivery']],
    ['reorder', ['gap', 'late', 'backwards-key']],
  ])('%s creates its row and no other', (anomaly, expected) => {
    const table = rows({ [anomaly]: 2 });
    expect(table.map((r) => r.class)).toEqual(expected);
    for (const row of table) {
      expect(row.count).toBeGreaterThan(0);
      expect(row.examples.length).toBeGreaterThan(0);
      expect(row.examples.length).toBeLessThanOrEqual(5);
      expect(row.label).not.toBe('');
      expect(row.description).not.toBe('');
    }
    expect(table[0].count).toBe(2);
  });

  it('places never-read records in time from the producer send counts, and read ones at their arrival', () => {
    const table = rows({ lost: 2, duplicate: 1, corrupt: 1 });
    const lost = table.find((r) => r.class === 'lost')!;
    for (const e of lost.examples) {
      expect(e.time.kind).toBe('estimated');
      if (e.time.kind === 'estimated') expect(e.time.toMs - e.time.fromMs).toBe(1000);
    }
    expect(table.find((r) => r.class === 'duplicate')!.examples[0].time.kind).toBe('witnessed');
    expect(table.find((r) => r.class === 'corrupt')!.examples[0]).toMatchObject({ time: { kind: 'unknown' }, faults: [], reason: 'checksum' });
  });

  it('attributes records lost during a fault to that fault', () => {
    const lost = rows({ lost: 2 }).find((r) => r.class === 'lost')!;
    expect(lost.examples.map((e) => e.faults)).toEqual([[{ faultId: 'f1', phase: 'during' }], [{ faultId: 'f1', phase: 'during' }]]);
  });
});
