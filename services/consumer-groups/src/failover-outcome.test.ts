import type { GroupCommit, TargetRecord } from '@mirrorlab/validation';
import { failoverOutcome, type FailoverStart } from './failover-outcome';

const rec = (offset: number, key: string, seq: number): TargetRecord => ({ offset, producerId: 'p', keyEpoch: 0, key, seq });
// Target partition 0: k0/0..4 at offsets 0..4; the group processed offsets 0..2 (k0/0..2), committed 3.
const records = [{ topic: 'source.t', partition: 0, records: [0, 1, 2, 3, 4].map((o) => rec(o, 'k0', o)) }];
const commits: GroupCommit[] = [
  {
    group: 'g',
    topic: 't',
    partition: 0,
    atMs: 1_000,
    offset: 3,
    processed: [{ producerId: 'p', keyEpoch: 0, key: 'k0', ranges: [[0, 2]] }],
  },
];
const base = { groupId: 'g', targetTopics: { t: 'source.t' }, commits, records, history: [], atMs: 5_000, offsetLagMax: 100 };
const start = (offset: number | null, via: FailoverStart['via'] = 'group-offset'): FailoverStart => ({
  topic: 'source.t',
  partition: 0,
  offset,
  via,
});

describe('failoverOutcome', () => {
  it('an exact translation: nothing skipped, nothing re-read', () => {
    const r = failoverOutcome({ ...base, starts: [start(3)] });
    expect(r).toMatchObject({ skipped: 0, reread: 0 });
    expect(r.partitions[0]).toEqual({
      topic: 'source.t',
      partition: 0,
      startOffset: 3,
      via: 'group-offset',
      committedOffset: 3,
      endOffset: 5,
      skipped: 0,
      reread: 0,
    });
  });

  it('a translation past the commit skips exactly what lies between', () => {
    const r = failoverOutcome({ ...base, starts: [start(5)] });
    expect(r).toMatchObject({ skipped: 2, reread: 0 });
    expect(r.partitions[0].firstSkipped).toEqual(rec(3, 'k0', 3));
  });

  it('a translation behind the commit re-reads exactly what lies between; none re-reads everything processed', () => {
    expect(failoverOutcome({ ...base, starts: [start(1)] })).toMatchObject({ skipped: 0, reread: 2 });
    expect(failoverOutcome({ ...base, starts: [start(null, 'none')] })).toMatchObject({ skipped: 0, reread: 3 });
  });

  it('judges the history of translations too', () => {
    const history = [
      { group: 'g', topic: 'source.t', partition: 0, atMs: 2_000, offset: 3, upstreamOffset: 3, via: 'checkpoint' as const },
      { group: 'g', topic: 'source.t', partition: 0, atMs: 3_000, offset: 2, upstreamOffset: 3, via: 'checkpoint' as const },
    ];
    expect(failoverOutcome({ ...base, starts: [start(3)], history }).translations).toMatchObject({
      observations: 2,
      regressions: 1,
      unsafeTranslations: 0,
    });
  });
});
