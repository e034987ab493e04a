import fc from 'fast-check';
import { verdict, type Accounting } from './accounting';
import { reconcile } from './reconcile';
import { buildHistory, historyParams, idOf, prng, type History, type Injected, type Read } from './testing/history';
import { ValidatorState } from './validator-state';

/** Large enough that examples list every instance, so sets can be compared. */
const ALL = 100_000;

const splitParams = fc.record({
  validators: fc.integer({ min: 1, max: 5 }),
  /** Per-mille chance that a partition changes owner before each read. */
  cutPerMille: fc.integer({ min: 0, max: 150 }),
  seed: fc.integer(),
});
type SplitParams = typeof splitParams extends fc.Arbitrary<infer T> ? T : never;

function feed(state: ValidatorState, read: Read): void {
  if (read.kind === 'record') state.observe(read.obs);
  else if (read.kind === 'foreign') state.observeForeign(read.rec);
  else state.observeCorrupt(read.rec);
}

/** Every state crosses a process boundary as JSON, as it does between services. */
function viaJson(state: ValidatorState): ValidatorState {
  return ValidatorState.fromSnapshot(JSON.parse(JSON.stringify(state.toSnapshot())));
}

function oneValidator(h: History): ValidatorState {
  const s = new ValidatorState({ maxExamples: ALL });
  for (const reads of h.partitions.values()) reads.forEach((r) => feed(s, r));
  return s;
}

/**
 * Splits each partition's reads into runs owned by random validators. With
 * `handover`, the old owner releases the partition and the new one adopts it
 * before reading on; without, the new owner just starts reading.
 */
function split(h: History, sp: SplitParams, handover: boolean): ValidatorState[] {
  const rnd = prng(sp.seed);
  const states = Array.from({ length: sp.validators }, () => new ValidatorState({ maxExamples: ALL }));
  for (const [part, reads] of h.partitions) {
    const [topic, partition] = [part.split('/')[0], Number(part.split('/')[1])];
    let owner = Math.floor(rnd() * sp.validators);
    reads.forEach((read, i) => {
      if (i > 0 && rnd() * 1000 < sp.cutPerMille) {
        const next = Math.floor(rnd() * sp.validators);
        if (handover && next !== owner) {
          states[next].adopt(JSON.parse(JSON.stringify(states[owner].releasePartitions(topic, [partition]))));
        }
        owner = next;
      }
      feed(states[owner], read);
    });
  }
  return states.map(viaJson);
}

/** Merges in a random tree shape and argument order. */
function mergeRandomly(states: ValidatorState[], seed: number): ValidatorState {
  const rnd = prng(seed ^ 0x5bd1e995);
  const pool = [...states];
  while (pool.length > 1) {
    const a = pool.splice(Math.floor(rnd() * pool.length), 1)[0];
    const b = pool.splice(Math.floor(rnd() * pool.length), 1)[0];
    pool.push(rnd() < 0.5 ? ValidatorState.merge(a, b) : ValidatorState.merge(b, a));
  }
  return pool[0];
}

const ids = (examples: Array<{ producerId: string; keyEpoch: number; key: string; seq: number }>) => new Set(examples.map(idOf));

function expectExactly(acc: Accounting, inj: Injected, options: { duplicateSeqsExact: boolean }): void {
  const lostOrUnseen = new Set([...ids(acc.lost.examples), ...ids(acc.unseen.examples)]);
  expect(lostOrUnseen).toEqual(inj.droppedAcked);
  expect(ids(acc.lost.examples)).toEqual(inj.lost);
  expect(acc.lost.count + acc.unseen.count).toBe(inj.droppedAcked.size);
  expect(ids(acc.unexpected.examples)).toEqual(inj.unexpected);
  expect(acc.unexpected.count).toBe(inj.unexpected.size);
  expect(ids(acc.indeterminateSeen.examples)).toEqual(inj.indeterminateSeen);
  expect(ids(acc.indeterminateMissing.examples)).toEqual(inj.indeterminateMissing);
  expect(ids(acc.failedButSeen.examples)).toEqual(inj.failedButSeen);
  expect(ids(acc.abortedRead.examples)).toEqual(inj.abortedRead);
  expect(acc.abortedRead.count).toBe(inj.abortedRead.size);
  expect(acc.duplicate.count).toBe(inj.duplicateCopies);
  if (options.duplicateSeqsExact) expect(ids(acc.duplicate.examples)).toEqual(inj.duplicatedSeqs);
  expect(acc.redelivery.count).toBe(inj.redeliveries);
  expect(acc.corrupt.byReason).toEqual(inj.corruptByReason);
  expect(acc.corrupt.count).toBe(Object.values(inj.corruptByReason).reduce((a, b) => a + b, 0));
  expect(acc.foreign.count).toBe(inj.foreign);
  // Redeliveries re-read the same records: never an inconsistent offset.
  expect(acc.inconsistentOffset.count).toBe(0);
  expect(acc.totals.seenRecords).toBe(inj.seenRecords);
  expect(acc.totals.deliveries).toBe(inj.reads);
}

describe('checker properties', () => {
  it('reports exactly the injected faults, however partitions are handed over and states merged', () => {
    fc.assert(
      fc.property(historyParams(true), splitParams, (hp, sp) => {
        const h = buildHistory(hp);
        const merged = mergeRandomly(split(h, sp, true), sp.seed);
        expectExactly(reconcile(merged, h.reports), h.injected, { duplicateSeqsExact: true });
        // With handovers, merging is lossless: the very state one validator would have had.
        expect(merged.toSnapshot()).toEqual(oneValidator(h).toSnapshot());
      }),
    );
  });

  it('keeps every count exact when validators re-read offsets another validator read, without a handover', () => {
    fc.assert(
      fc.property(historyParams(true), splitParams, (hp, sp) => {
        const h = buildHistory(hp);
        const acc = reconcile(mergeRandomly(split(h, sp, false), sp.seed), h.reports);
        expectExactly(acc, h.injected, { duplicateSeqsExact: !acc.duplicate.examplesMayIncludeRereads });
        const single = reconcile(oneValidator(h), h.reports);
        // nextReadUs is arrival order as some validator saw it (a validator that starts without a handover sees a gap), like `order`.
        const lostIds = (a: typeof acc) => ({ ...a.lost, examples: a.lost.examples.map(({ nextReadUs: _, ...e }) => e) });
        // Blocks of offsets two validators both read cannot be fingerprinted (counted as unverifiable).
        const noUnverifiable = (a: typeof acc) => ({ ...a.inconsistentOffset, unverifiable: 0 });
        expect({ ...acc, lost: lostIds(acc), order: undefined, duplicate: undefined, inconsistentOffset: noUnverifiable(acc) }).toEqual({
          ...single,
          lost: lostIds(single),
          order: undefined,
          duplicate: undefined,
          inconsistentOffset: noUnverifiable(single),
        });
      }),
    );
  });

  it('reports nothing when nothing was injected', () => {
    fc.assert(
      fc.property(historyParams(false), splitParams, fc.boolean(), (hp, sp, handover) => {
        const h = buildHistory(hp);
        const acc = reconcile(mergeRandomly(split(h, sp, handover), sp.seed), h.reports);
        expect(verdict(acc, { phase: 'final' })).toEqual({ valid: true, failures: [] });
        const counts = [acc.indeterminateSeen, acc.indeterminateMissing, acc.failedButSeen, acc.redelivery].map((c) => c.count);
        expect(counts).toEqual([0, 0, 0, 0]);
        expect(acc.totals.seenDistinct).toBe(acc.totals.acked);
        if (handover) expect(acc.order).toMatchObject({ gaps: { count: 0 }, late: { count: 0 }, backwardsKeys: { count: 0 } });
      }),
    );
  });

  it('reports no anomaly for aborted transactions the replicator did not copy (gaps in order only)', () => {
    fc.assert(
      fc.property(
        historyParams(false),
        fc.integer({ min: 1, max: 500 }),
        splitParams,
        fc.boolean(),
        (hp, abortedPerMille, sp, handover) => {
          const h = buildHistory({ ...hp, abortedPerMille, abortedLeakPerMille: 0 });
          const acc = reconcile(mergeRandomly(split(h, sp, handover), sp.seed), h.reports);
          expect(verdict(acc, { phase: 'final' })).toEqual({ valid: true, failures: [] });
          expect([acc.abortedRead.count, acc.lost.count, acc.unseen.count, acc.unexpected.count]).toEqual([0, 0, 0, 0]);
          expect(acc.totals.seenDistinct).toBe(acc.totals.acked);
        },
      ),
    );
  });

  it('merges commutatively and associatively, with the empty state as identity', () => {
    fc.assert(
      fc.property(historyParams(true), splitParams, fc.boolean(), (hp, sp, handover) => {
        const [a, b, c] = split(buildHistory(hp), { ...sp, validators: 3 }, handover);
        const snap = (s: ValidatorState) => s.toSnapshot();
        const m = ValidatorState.merge;
        expect(snap(m(a, b))).toEqual(snap(m(b, a)));
        expect(snap(m(m(a, b), c))).toEqual(snap(m(a, m(b, c))));
        expect(snap(m(a, new ValidatorState({ maxExamples: ALL })))).toEqual(snap(a));
        expect(snap(viaJson(a))).toEqual(snap(a));
      }),
    );
  });
});
