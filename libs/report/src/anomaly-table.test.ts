import type { ControlEvent } from '@mirrorlab/control';
import { untilNextRead } from './anomaly-table';
import { attribute } from './fault-windows';
import type { FaultReport } from './report-schema';
import { buildReport } from './build-report';
import { ScenarioView } from '@mirrorlab/control';
import { syntheticScenario, type InjectedAnomaly } from './testing';

function rows(anomalies: Partial<Record<InjectedAnomaly, number>>) {
  const events: ControlEvent[] = syntheticScenario({
    durationS: 30,
    rate: 50,
    partitions: 3,
    faults: [{ id: 'f1', kind: 'kill-broker', atS: 10, durationS: 5, stall: true }],
    anomalies,
  });
  const folded = new ScenarioView('fixture-1');
  events.forEach((e) => folded.apply(e));
  // The fault stalls replication, which is its own row (stalls.test.ts); these tests are about the checker's rows.
  return buildReport(folded).anomalies.filter((r) => r.class !== 'stall');
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

  it('places never-read records in time from the producer send counts (lost ones until their key was next read), and read ones at their arrival', () => {
    const table = rows({ lost: 2, duplicate: 1, corrupt: 1, unseen: 1 });
    const lost = table.find((r) => r.class === 'lost')!;
    for (const e of lost.examples) {
      expect(e.time).toMatchObject({ kind: 'estimated', basis: expect.stringContaining('until the next record of its key was read') });
      if (e.time.kind === 'estimated') expect(e.time.toMs - e.time.fromMs).toBeGreaterThan(1000);
    }
    for (const e of table.find((r) => r.class === 'unseen')!.examples) {
      if (e.time.kind === 'estimated') expect(e.time.toMs - e.time.fromMs).toBe(1000);
    }
    expect(table.find((r) => r.class === 'duplicate')!.examples[0].time.kind).toBe('witnessed');
    expect(table.find((r) => r.class === 'corrupt')!.examples[0]).toMatchObject({
      time: { kind: 'unknown' },
      faults: [],
      reason: 'checksum',
    });
  });

  it('attributes records lost during a fault to that fault', () => {
    const lost = rows({ lost: 2 }).find((r) => r.class === 'lost')!;
    expect(lost.examples.map((e) => e.faults)).toEqual([[{ faultId: 'f1', phase: 'during' }], [{ faultId: 'f1', phase: 'during' }]]);
  });
});

describe('lost records are attributed from their send until the next record of their key was read (item 6)', () => {
  const kill: FaultReport = {
    faultId: 'kill',
    kind: 'kill-broker',
    target: 'source:2',
    params: {},
    injectedAtMs: 10_000,
    healedAtMs: 20_000,
    healStartedAtMs: 20_000,
    backAtMs: 20_000,
    oneShot: false,
    verified: true,
    healDetail: '',
    recovery: { status: 'recovered', seconds: 3, recoveredAtMs: 23_000, reason: null, baseline: null },
    impactWindow: { fromMs: 10_000, toMs: 23_000 },
    attributedExamples: {},
  };
  const sent = { kind: 'estimated' as const, fromMs: 8_000, toMs: 9_000, basis: "producer p1's per-second send counts" };

  it('a record sent 2 s before a broker kill, whose key was next read 5 s into the kill, is attributed to the kill', () => {
    const time = untilNextRead(sent, 15_000_000);
    expect(time).toEqual({
      kind: 'estimated',
      fromMs: 8_000,
      toMs: 15_000,
      basis: "producer p1's per-second send counts, until the next record of its key was read",
    });
    expect(attribute(time, [kill])).toEqual([{ faultId: 'kill', phase: 'during' }]);
    // By its send second alone it would be attributed to nothing.
    expect(attribute(sent, [kill])).toEqual([]);
  });

  it('is attributed to nothing when its key was read again before the fault', () => {
    const time = untilNextRead(sent, 9_500_000);
    expect(time).toMatchObject({ fromMs: 8_000, toMs: 9_500 });
    expect(attribute(time, [kill])).toEqual([]);
  });

  it('keeps the send second when no later read is known, and never touches a witnessed time', () => {
    expect(untilNextRead(sent, undefined)).toBe(sent);
    expect(untilNextRead({ kind: 'witnessed', atMs: 5 }, 15_000_000)).toEqual({ kind: 'witnessed', atMs: 5 });
  });
});
