import { checkTranslations } from '@mirrorlab/validation';
import { ProcessedLedger } from './processed-ledger';

const id = (key: string, seq: number) => ({ producerId: 'p', keyEpoch: 0, key, seq });

describe('ProcessedLedger', () => {
  it('commits one past the last record per changed partition, with the sequences per key since the last commit', () => {
    const l = new ProcessedLedger();
    expect(l.pending).toBe(false);
    l.record('t', 0, 0, id('a', 0));
    l.record('t', 0, 1, id('b', 0));
    l.record('t', 0, 2, id('a', 1));
    l.record('t', 1, 7, null);
    expect(l.takeCommit()).toEqual([
      {
        topic: 't',
        partition: 0,
        offset: 3,
        processed: [
          { producerId: 'p', keyEpoch: 0, key: 'a', ranges: [[0, 1]] },
          { producerId: 'p', keyEpoch: 0, key: 'b', ranges: [[0, 0]] },
        ],
      },
      { topic: 't', partition: 1, offset: 8, processed: [] },
    ]);
    expect(l.pending).toBe(false);
    expect(l.takeCommit()).toEqual([]);
    l.record('t', 0, 3, id('a', 2));
    expect(l.takeCommit()).toEqual([
      { topic: 't', partition: 0, offset: 4, processed: [{ producerId: 'p', keyEpoch: 0, key: 'a', ranges: [[2, 2]] }] },
    ]);
    expect(l.committed()).toEqual(
      new Map([
        ['t/0', 4],
        ['t/1', 8],
      ]),
    );
  });

  it('restores a commit whose publication failed, merged with what came since', () => {
    const l = new ProcessedLedger();
    l.record('t', 0, 0, id('a', 0));
    l.record('t', 0, 1, id('a', 1));
    const failed = l.takeCommit();
    l.record('t', 0, 2, id('a', 2));
    l.restore(failed);
    expect(l.takeCommit()).toEqual([
      { topic: 't', partition: 0, offset: 3, processed: [{ producerId: 'p', keyEpoch: 0, key: 'a', ranges: [[0, 2]] }] },
    ]);
  });

  it('folds into exactly what the translation checker needs: an exact translation is safe, one past it skips', () => {
    const l = new ProcessedLedger();
    const commits = [];
    for (let o = 0; o < 10; o++) {
      l.record('t', 0, o, id(`k${o % 2}`, Math.floor(o / 2)));
      if (o % 4 === 3) commits.push({ group: 'g', atMs: o * 100, ...l.takeCommit()[0] });
    }
    const targetRecords = [
      {
        topic: 'source.t',
        partition: 0,
        records: Array.from({ length: 10 }, (_, o) => ({ offset: o, ...id(`k${o % 2}`, Math.floor(o / 2)) })),
      },
    ];
    const r = checkTranslations({
      targetTopics: { t: 'source.t' },
      commits,
      translations: [
        { group: 'g', topic: 'source.t', partition: 0, atMs: 800, offset: 8, upstreamOffset: 8, via: 'checkpoint' },
        { group: 'g', topic: 'source.t', partition: 0, atMs: 900, offset: 9, upstreamOffset: 8, via: 'checkpoint' },
      ],
      targetRecords,
      offsetLagMax: 100,
    });
    expect(commits.map((c) => c.offset)).toEqual([4, 8]);
    expect(r.totals).toMatchObject({ unsafeTranslations: 1, skippedRecords: 1, maxReread: 0 });
  });
});
