import { CheckerError } from '../errors';
import { checkTranslations } from './check-translations';
import { commitsAt, mirror, sourceRecords } from './testing';
import type { TargetRecord, TranslationCheckInput, TranslationObservation } from './translation-types';

const records = sourceRecords(20);
const targetTopics = { t: 'source.t' };

function at(
  atMs: number,
  offset: number,
  upstreamOffset?: number,
  via: TranslationObservation['via'] = 'checkpoint',
): TranslationObservation {
  return { group: 'g', topic: 'source.t', partition: 0, atMs, offset, via, ...(upstreamOffset === undefined ? {} : { upstreamOffset }) };
}

function check(
  translations: TranslationObservation[],
  over: Partial<TranslationCheckInput> = {},
  target: TargetRecord[] = mirror(records),
) {
  return checkTranslations({
    targetTopics,
    commits: commitsAt(records, [
      [1_000, 5],
      [2_000, 10],
      [3_000, 15],
    ]),
    translations,
    targetRecords: [{ topic: 'source.t', partition: 0, records: target }],
    offsetLagMax: 3,
    ...over,
  });
}

describe('checkTranslations', () => {
  it('finds nothing in exact translations of every commit', () => {
    const r = check([at(1_100, 5, 5), at(2_100, 10, 10), at(3_100, 15, 15)]);
    expect(r.totals).toEqual({
      observations: 3,
      unsafeTranslations: 0,
      skippedRecords: 0,
      rereadOverBound: 0,
      maxReread: 0,
      regressions: 0,
      maxAgeMs: 0,
    });
    expect(r.partitions).toHaveLength(1);
    expect(r.partitions[0]).toMatchObject({
      group: 'g',
      via: 'checkpoint',
      sourceTopic: 't',
      topic: 'source.t',
      partition: 0,
      evaluated: 3,
      latest: { atMs: 3_100, offset: 15, upstreamOffset: 15 },
    });
  });

  it('unsafe-translation: a translation past the first unprocessed record skips exactly the records in between', () => {
    const r = check([at(1_100, 5, 5), at(2_100, 13, 10)]);
    const p = r.partitions[0];
    expect(p.unsafe.translations).toBe(1);
    expect(p.unsafe.skippedRecords).toBe(3);
    expect(p.unsafe.examples).toEqual([
      {
        atMs: 2_100,
        translatedOffset: 13,
        upstreamOffset: 10,
        firstUnprocessedOffset: 10,
        skipped: 3,
        first: { offset: 10, producerId: 'p', keyEpoch: 0, key: 'k0', seq: 5 },
      },
    ]);
    expect(r.totals.skippedRecords).toBe(3);
  });

  it('counts a skipped record once however many translations skip it', () => {
    const r = check([at(2_100, 12, 10), at(2_200, 13, 10)]);
    expect(r.partitions[0].unsafe).toMatchObject({ translations: 2, skippedRecords: 3 });
  });

  it('a record the replicator wrote again after the translation is re-read, not skipped', () => {
    const target = [
      ...mirror(records.slice(0, 12)),
      { offset: 12, producerId: 'p', keyEpoch: 0, key: 'k0', seq: 5 },
      ...mirror(records.slice(12), 'p', 13),
    ];
    // Offsets 10 (k0/5) and 11 (k1/5) are unprocessed at offset 10; k0/5 is written again at 12.
    const r = check([at(2_100, 12, 10)], {}, target);
    expect(r.partitions[0].unsafe).toMatchObject({ translations: 1, skippedRecords: 1 });
    expect(r.partitions[0].unsafe.examples[0].first).toMatchObject({ offset: 11, key: 'k1', seq: 5 });
  });

  it('judges a translation without an upstream offset against the last commit before it', () => {
    // At 1_500 the group had committed 5: translating to 10 skips 5 records; at 2_500 (commit 10) it is exact.
    const r = check([at(1_500, 10, undefined, 'group-offset'), at(2_500, 10, undefined, 'group-offset')]);
    expect(r.partitions[0]).toMatchObject({ via: 'group-offset', evaluated: 2, unsafe: { translations: 1, skippedRecords: 5 } });
  });

  it('a group offset written from a checkpoint is judged against the commit that checkpoint translates', () => {
    // The checkpoint at 2_100 translates commit 10 to 10; at 3_500 the group (committed 15) still has offset 10 on the target.
    const r = check([at(2_100, 10, 10), at(3_500, 10, undefined, 'group-offset')]);
    const g = r.partitions.find((p) => p.via === 'group-offset');
    expect(g?.reread).toEqual({ max: 0, overBound: 0, examples: [] });
    // Its age still says how far it trails: the commit at 3_000 passed it.
    expect(g?.age.series).toEqual([[3_500, 500]]);
  });

  it('failover-reread within offset.lag.max is counted but not over the bound', () => {
    const r = check([at(2_100, 8, 10)]);
    expect(r.partitions[0].reread).toEqual({ max: 2, overBound: 0, examples: [] });
    expect(r.partitions[0].unsafe.translations).toBe(0);
  });

  it('failover-reread beyond offset.lag.max is over the bound, with the translation as example', () => {
    const r = check([at(3_100, 10, 15)]);
    expect(r.partitions[0].reread).toEqual({
      max: 5,
      overBound: 1,
      examples: [{ atMs: 3_100, translatedOffset: 10, upstreamOffset: 15, reread: 5 }],
    });
    expect(r.totals.rereadOverBound).toBe(1);
  });

  it('checkpoint-regression: a translation that moved backwards, once per move', () => {
    const r = check([at(1_100, 5, 5), at(2_100, 10, 10), at(2_200, 7, 10), at(2_300, 8, 10), at(3_100, 15, 15)]);
    expect(r.partitions[0].regressions).toEqual({ count: 1, examples: [{ atMs: 2_200, from: 10, to: 7 }] });
  });

  it('no regression when translations repeat or advance', () => {
    expect(check([at(1_100, 5, 5), at(1_200, 5, 5), at(2_100, 10, 10)]).totals.regressions).toBe(0);
  });

  it('age: a stale translation ages from the commit that passed it; a current one is 0', () => {
    const r = check([at(1_100, 5, 5), at(2_100, 5, 5), at(3_500, 5, 5), at(3_600, 15, 15)]);
    expect(r.partitions[0].age.series).toEqual([
      [1_100, 0],
      [2_100, 100],
      [3_500, 1_500],
      [3_600, 0],
    ]);
    expect(r.totals.maxAgeMs).toBe(1_500);
  });

  it('age stays 0 while a quiet group commits the same position', () => {
    const quiet = commitsAt(records, [
      [1_000, 10],
      [5_000, 10],
      [9_000, 10],
    ]);
    const r = check([at(2_000, 10, 10), at(6_000, 10, 10), at(9_500, 10, 10)], { commits: quiet });
    expect(r.partitions[0].age.maxMs).toBe(0);
  });

  it("ignores groups and topics that are not the scenario's", () => {
    const r = check([
      { ...at(1_100, 19, 5), group: 'other' },
      { ...at(1_100, 19, 5), topic: 'source.unrelated' },
    ]);
    expect(r.partitions).toEqual([]);
    expect(r.totals.observations).toBe(0);
  });

  it('keeps examples in time order up to the cap', () => {
    const r = check([at(1_100, 6, 5), at(1_200, 7, 5), at(1_300, 8, 5)], { maxExamples: 2 });
    expect(r.partitions[0].unsafe.translations).toBe(3);
    expect(r.partitions[0].unsafe.examples.map((e) => e.atMs)).toEqual([1_100, 1_200]);
  });

  it.each([
    [{ offsetLagMax: -1 }, 'offsetLagMax'],
    [{ translations: [at(1, -4)] }, 'translations[0].offset'],
    [{ translations: [at(1, 4, 1.5)] }, 'translations[0].upstreamOffset'],
    [
      { targetRecords: [{ topic: 'source.t', partition: 0, records: [{ offset: -1, producerId: 'p', keyEpoch: 0, key: 'k', seq: 0 }] }] },
      'targetRecords[0].records[0].offset',
    ],
    [
      {
        commits: [
          {
            group: 'g',
            topic: 't',
            partition: 0,
            atMs: 1,
            offset: 3,
            processed: [{ producerId: 'p', keyEpoch: 0, key: 'k0', ranges: [[4, 2]] }],
          },
        ],
      },
      'ranges[0]',
    ],
  ] as Array<[Partial<TranslationCheckInput>, string]>)('rejects bad input naming the field (%#)', (over, field) => {
    let error: unknown;
    try {
      check([at(1_100, 5, 5)], over);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CheckerError);
    expect((error as CheckerError).code).toBe('invalid_argument');
    expect((error as CheckerError).field).toContain(field);
  });
});

describe('checkTranslations: empty partitions (KAFKA-10048)', () => {
  // The group committed offset 0 on a partition that had no records: it processed nothing there.
  const emptyCommit = { group: 'g', topic: 't', partition: 1, atMs: 1_000, offset: 0, processed: [] };
  const atEmpty = (atMs: number, offset: number, upstreamOffset?: number): TranslationObservation => ({
    ...at(atMs, offset, upstreamOffset),
    partition: 1,
  });
  const checkEmpty = (translations: TranslationObservation[], target: TargetRecord[]) =>
    checkTranslations({
      targetTopics,
      commits: [emptyCommit],
      translations,
      targetRecords: [{ topic: 'source.t', partition: 1, records: target }],
      offsetLagMax: 3,
    });

  it('a translation to 0 of an empty partition is safe, re-reads nothing and is current, with or without records after it', () => {
    for (const target of [[], mirror(sourceRecords(6))]) {
      const r = checkEmpty([atEmpty(1_100, 0, 0), atEmpty(1_200, 0)], target);
      expect(r.partitions.map((p) => [p.partition, p.observations, p.evaluated])).toEqual([[1, 2, 1]]);
      expect(r.totals).toEqual({
        observations: 2,
        unsafeTranslations: 0,
        skippedRecords: 0,
        rereadOverBound: 0,
        maxReread: 0,
        regressions: 0,
        maxAgeMs: 0,
      });
    }
  });

  it('a translation past 0 of a partition the group never read skips the records before it (loss at failover)', () => {
    const r = checkEmpty([atEmpty(1_100, 4, 0)], mirror(sourceRecords(6)));
    expect(r.totals).toMatchObject({ unsafeTranslations: 1, skippedRecords: 4, maxReread: 0, regressions: 0 });
    expect(r.partitions[0].unsafe.examples[0]).toMatchObject({ translatedOffset: 4, firstUnprocessedOffset: 0, skipped: 4 });
  });

  it('an empty partition never translated is not a partition of the verdict (the drill, not this checker, sees the missing translation)', () => {
    const r = checkEmpty([], mirror(sourceRecords(6)));
    expect(r.partitions).toEqual([]);
    expect(r.totals.observations).toBe(0);
  });
});
