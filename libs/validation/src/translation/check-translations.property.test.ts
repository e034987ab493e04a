import fc from 'fast-check';
import { checkTranslations } from './check-translations';
import { keyIdOf } from './processed-history';
import { commitsAt, mirror, sourceRecords, type SourceRecord } from './testing';
import type { GroupCommit, TargetRecord, TranslationCheckInput, TranslationObservation } from './translation-types';

/** A source partition, its mirror (with re-sent runs, as after a replicator restart), commits and translations. */
const historyArb = fc
  .record({
    count: fc.integer({ min: 0, max: 40 }),
    keys: fc.integer({ min: 1, max: 3 }),
    /** Per source position: how many earlier records are written again before it (0 mostly). */
    resends: fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.constant(0), fc.integer({ min: 1, max: 6 })), { maxLength: 40 }),
    /** Records at the tail not mirrored yet. */
    unmirrored: fc.integer({ min: 0, max: 5 }),
    commitOffsets: fc.array(fc.nat(), { maxLength: 8 }),
    translations: fc.array(
      fc.record({
        offset: fc.nat(),
        upstream: fc.option(fc.nat(), { nil: undefined }),
        atMs: fc.integer({ min: 0, max: 20_000 }),
        via: fc.constantFrom('checkpoint' as const, 'group-offset' as const),
      }),
      { maxLength: 12 },
    ),
    offsetLagMax: fc.integer({ min: 0, max: 6 }),
  })
  .map((h) => {
    const records = sourceRecords(h.count, h.keys);
    const target: TargetRecord[] = [];
    const idOf = (r: SourceRecord): TargetRecord => ({ offset: target.length, producerId: 'p', keyEpoch: 0, key: r.key, seq: r.seq });
    records.slice(0, Math.max(0, h.count - h.unmirrored)).forEach((r, i) => {
      const back = h.resends[i] ?? 0;
      for (const old of records.slice(Math.max(0, i - back), i)) target.push(idOf(old));
      target.push(idOf(r));
    });
    const offsets = [...new Set(h.commitOffsets.map((o) => o % (h.count + 1)))].sort((a, b) => a - b);
    const commits = commitsAt(
      records,
      offsets.map((o, i) => [1_000 * (i + 1), o] as [number, number]),
    );
    const span = target.length + 3;
    const translations: TranslationObservation[] = h.translations.map((t) => ({
      group: 'g',
      topic: 'source.t',
      partition: 0,
      atMs: t.atMs,
      offset: t.offset % span,
      via: t.via,
      ...(t.upstream === undefined || t.via === 'group-offset' ? {} : { upstreamOffset: t.upstream % (h.count + 1) }),
    }));
    const input: TranslationCheckInput = {
      targetTopics: { t: 'source.t' },
      commits,
      translations,
      targetRecords: [{ topic: 'source.t', partition: 0, records: target }],
      offsetLagMax: h.offsetLagMax,
      maxExamples: 1_000,
    };
    return input;
  });

const idOfRecord = (r: TargetRecord) => `${keyIdOf(r)}\u0000${r.seq}`;

/** Brute force, straight from the definitions, for one stream. */
function oracle(input: TranslationCheckInput, via: TranslationObservation['via']) {
  const commits: GroupCommit[] = [...input.commits].sort((a, b) => a.atMs - b.atMs);
  const processedUpTo = (k: number) => {
    const s = new Set<string>();
    for (const c of commits.slice(0, k + 1))
      for (const p of c.processed) for (const [lo, hi] of p.ranges) for (let q = lo; q <= hi; q++) s.add(`${keyIdOf(p)}\u0000${q}`);
    return s;
  };
  const records = input.targetRecords[0].records;
  const occ = new Map<string, number[]>();
  for (const r of records) occ.set(idOfRecord(r), [...(occ.get(idOfRecord(r)) ?? []), r.offset]);
  // A group that never committed is not one of the scenario's: its translations are ignored.
  // A group offset takes the upstream offset of the latest checkpoint (at or before it) with the same translated offset.
  const inferred = input.translations.map((t) => {
    if (t.via !== 'group-offset' || t.upstreamOffset !== undefined) return t;
    const same = input.translations.filter(
      (c) =>
        c.via === 'checkpoint' &&
        c.upstreamOffset !== undefined &&
        c.partition === t.partition &&
        c.offset === t.offset &&
        c.atMs <= t.atMs,
    );
    const latest = same.reduce<TranslationObservation | undefined>((b, c) => (b === undefined || c.atMs >= b.atMs ? c : b), undefined);
    return latest === undefined ? t : { ...t, upstreamOffset: latest.upstreamOffset };
  });
  const obs = inferred
    .filter((t) => t.via === via && commits.length > 0)
    .map((t, i) => ({ t, i }))
    .sort((a, b) => a.t.atMs - b.t.atMs || a.i - b.i)
    .map((x) => x.t);
  const seen = new Set<string>();
  const skippedAll = new Set<string>();
  let unsafe = 0;
  let overBound = 0;
  let maxReread = 0;
  let regressions = 0;
  const ages: number[] = [];
  obs.forEach((t, i) => {
    if (i > 0 && t.offset < obs[i - 1].offset) regressions++;
    let passed: number | undefined;
    commits.forEach((c, j) => {
      if (passed !== undefined || c.atMs > t.atMs) return;
      const p = processedUpTo(j);
      if ([...occ].some(([id, offsets]) => p.has(id) && offsets[0] >= t.offset)) passed = c.atMs;
    });
    ages.push(passed === undefined ? 0 : t.atMs - passed);
    let k = -1;
    if (t.upstreamOffset === undefined) commits.forEach((c, j) => (c.atMs <= t.atMs ? (k = j) : undefined));
    else commits.forEach((c, j) => (c.offset <= (t.upstreamOffset as number) ? (k = j) : undefined));
    if (seen.has(`${t.offset}/${k}`)) return;
    seen.add(`${t.offset}/${k}`);
    const p = processedUpTo(k);
    const skipped = [...occ].filter(([id, offsets]) => !p.has(id) && offsets.every((o) => o < t.offset)).map(([id]) => id);
    const reread = [...occ].filter(([id, offsets]) => p.has(id) && offsets.some((o) => o >= t.offset)).length;
    if (skipped.length > 0) unsafe++;
    skipped.forEach((id) => skippedAll.add(id));
    if (reread > input.offsetLagMax) overBound++;
    maxReread = Math.max(maxReread, reread);
  });
  return { observations: obs.length, unsafe, skipped: skippedAll.size, overBound, maxReread, regressions, ages };
}

describe('checkTranslations (properties)', () => {
  it('counts exactly what the definitions count, for every stream', () => {
    fc.assert(
      fc.property(historyArb, (input) => {
        const r = checkTranslations(input);
        for (const via of ['checkpoint', 'group-offset'] as const) {
          const o = oracle(input, via);
          const p = r.partitions.find((x) => x.via === via);
          if (o.observations === 0) {
            expect(p).toBeUndefined();
            continue;
          }
          expect(p).toBeDefined();
          if (p === undefined) return;
          expect({
            observations: p.observations,
            unsafe: p.unsafe.translations,
            skipped: p.unsafe.skippedRecords,
            overBound: p.reread.overBound,
            maxReread: p.reread.max,
            regressions: p.regressions.count,
            ages: p.age.series.map(([, a]) => a),
          }).toEqual(o);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a correct translator (each commit, at most offset.lag.max behind, monotone) shows no anomaly', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 0, max: 100 }),
        fc.nat(),
        (count, raw, lagMax, lagSeed) => {
          const records = sourceRecords(count, 3);
          const offsets = [...new Set(raw.map((o) => o % (count + 1)))].sort((a, b) => a - b);
          const lag = lagSeed % (lagMax + 1);
          const commits = commitsAt(
            records,
            offsets.map((o, i) => [1_000 * (i + 1), o] as [number, number]),
          );
          const translations = offsets.map((o, i) => ({
            group: 'g',
            topic: 'source.t',
            partition: 0,
            atMs: 1_000 * (i + 1) + 500,
            offset: Math.max(0, o - lag),
            upstreamOffset: o,
            via: 'checkpoint' as const,
          }));
          const r = checkTranslations({
            targetTopics: { t: 'source.t' },
            commits,
            translations,
            targetRecords: [{ topic: 'source.t', partition: 0, records: mirror(records) }],
            offsetLagMax: lagMax,
          });
          expect(r.totals).toMatchObject({ unsafeTranslations: 0, skippedRecords: 0, rereadOverBound: 0, regressions: 0 });
          expect(r.totals.maxReread).toBeLessThanOrEqual(lag);
        },
      ),
    );
  });

  it('an over-translation skips exactly the records between the commit and the translation', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 60 }), fc.nat(), fc.integer({ min: 1, max: 60 }), (count, c0, extra0) => {
        const records = sourceRecords(count, 2);
        const c = c0 % count;
        const extra = 1 + (extra0 % (count - c));
        const r = checkTranslations({
          targetTopics: { t: 'source.t' },
          commits: commitsAt(records, [[1_000, c]]),
          translations: [
            { group: 'g', topic: 'source.t', partition: 0, atMs: 1_500, offset: c + extra, upstreamOffset: c, via: 'checkpoint' },
          ],
          targetRecords: [{ topic: 'source.t', partition: 0, records: mirror(records) }],
          offsetLagMax: 100,
        });
        expect(r.totals).toMatchObject({ unsafeTranslations: 1, skippedRecords: extra, maxReread: 0 });
        expect(r.partitions[0].unsafe.examples[0]).toMatchObject({ firstUnprocessedOffset: c, skipped: extra, first: { offset: c } });
      }),
    );
  });
});
