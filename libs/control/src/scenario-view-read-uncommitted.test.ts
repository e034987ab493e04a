import fc from 'fast-check';
import { ValidatorState } from '@mirrorlab/validation';
import type { ControlEvent, ControlEventOf } from './control-events';
import { ScenarioView } from './scenario-view';

const base = { v: 1 as const, scenarioId: 's1', source: 'x' };

/** A final producer report: seqs 0..acked-1 of key k acknowledged, `aborted` written in aborted transactions. */
const producerFinal = (acked: number, aborted: Array<[number, number]> = []): ControlEvent => ({
  ...base,
  type: 'producer.progress',
  atMs: 1,
  producerId: 'p',
  final: true,
  counts: { sent: acked, acked, failed: 0, indeterminate: 0, bytesSent: 0, achievedRate: 0, targetRate: 0 },
  keys: [{ topic: 't', keyEpoch: 0, key: 'k', acked: acked > 0 ? [[0, acked - 1]] : [], failed: [], indeterminate: [], aborted }],
  windows: [],
  rates: [],
});

/** A validator state that read the given seqs of key k at offsets 0.. of t/0. */
function stateOf(seqs: number[]): unknown {
  const s = new ValidatorState();
  seqs.forEach((seq, offset) =>
    s.observe({ topic: 't', partition: 0, offset, producerId: 'p', keyEpoch: 0, key: 'k', seq, sendTimeUs: 0, arrivalUs: 0 }),
  );
  return s.toSnapshot();
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

const report = (validatorId: string, atMs: number, opts: Partial<ControlEventOf<'validator.report'>> = {}): ControlEvent => ({
  ...base,
  type: 'validator.report',
  atMs,
  validatorId,
  final: false,
  state: stateOf([]),
  latency: {},
  partitions: [],
  drained: false,
  ...opts,
});

const fold = (events: ControlEvent[]) => {
  const v = new ScenarioView('s1', 'history');
  events.forEach((e) => v.apply(e));
  return v;
};

describe('ScenarioView: read_uncommitted validators beside the own ones', () => {
  // Seqs 0..5 acknowledged, 6..7 aborted; the committed validator read 0..5, the uncommitted one 0..7 (the aborted too).
  const events = [
    producerFinal(6, [[6, 7]]),
    report('v0', 10, {
      state: stateOf(range(0, 5)),
      final: true,
      drained: true,
      partitions: [{ topic: 't', partition: 0, nextOffset: 6, highWatermark: 6 }],
    }),
    report('u0', 11, {
      isolation: 'read_uncommitted',
      state: stateOf(range(0, 7)),
      partitions: [{ topic: 't', partition: 0, nextOffset: 8, highWatermark: 8 }],
    }),
  ];

  it('keeps them out of the own validators, the combined state, the accounting and the lag series', () => {
    const s = fold(events);
    expect([...s.validators.keys()]).toEqual(['v0']);
    expect(s.validatorReports.counted().map((r) => r.validatorId)).toEqual(['v0']);
    expect(s.latestValidatorReports().map((r) => r.validatorId)).toEqual(['v0']);
    expect(s.progress.map((p) => p.validatorId)).toEqual(['v0']);
    expect(s.latestPartition('t', 0)?.partitions[0].nextOffset).toBe(6);
    const acc = s.accounting({ phase: 'final' })!;
    expect([acc.totals.seenDistinct, acc.abortedRead.count, acc.lost.count, acc.duplicate.count]).toEqual([6, 0, 0, 0]);
  });

  it('folds them into a second combined state and accounting, by the same rule', () => {
    const s = fold([...events, report('u0', 5, { isolation: 'read_uncommitted', state: stateOf(range(0, 1)) })]);
    expect([...s.readUncommitted.validators.keys()]).toEqual(['u0']);
    // Its report at 5 is older than the one at 11: the rule keeps the latest.
    expect(s.readUncommitted.reports.counted().map((r) => r.atMs)).toEqual([11]);
    expect(s.latestValidatorReports('read_uncommitted').map((r) => r.validatorId)).toEqual(['u0']);
    const acc = s.accounting({ phase: 'final', isolation: 'read_uncommitted' })!;
    expect([acc.totals.seenDistinct, acc.abortedRead.count, acc.lost.count]).toEqual([8, 2, 0]);
    // A read_uncommitted validator taking a partition over continues from its own set's state.
    expect(s.latestPartition('t', 0, 'read_uncommitted')?.partitions[0].nextOffset).toBe(8);
    expect(s.latestPartition('t', 0)?.partitions[0].nextOffset).toBe(6);
  });

  it('has no second accounting when the scenario added none (older events: no isolation field)', () => {
    const s = fold(events.slice(0, 2));
    expect(s.readUncommitted.validators.size).toBe(0);
    expect(s.accounting({ isolation: 'read_uncommitted' })).toBeUndefined();
    expect(s.accounting({ phase: 'final' })!.totals.seenDistinct).toBe(6);
  });

  it('awaits their final reports too: the view is complete once both sets are final', () => {
    const drained: ControlEvent = { ...base, type: 'scenario.drained', atMs: 20, drained: true, waitedMs: 1 };
    const s = fold([...events, drained]);
    expect(s.readiness()).toEqual({ drained: true, awaitingFinal: ['u0'], complete: false });
    s.apply(
      report('u0', 21, {
        isolation: 'read_uncommitted',
        final: true,
        partitions: [{ topic: 't', partition: 0, nextOffset: 8, highWatermark: 8 }],
      }),
    );
    expect(s.readiness()).toEqual({ drained: true, awaitingFinal: [], complete: true });
    // A committed final report never supersedes an uncommitted validator, nor the reverse.
    const t = fold([
      events[0],
      events[1],
      report('u0', 11, { isolation: 'read_uncommitted', partitions: [{ topic: 't', partition: 0, nextOffset: 3, highWatermark: 8 }] }),
      drained,
    ]);
    expect([t.isSuperseded('u0', 'read_uncommitted'), t.readiness().awaitingFinal]).toEqual([false, ['u0']]);
  });

  it('never lets an uncommitted report change what the own validators decide (any interleaving)', () => {
    const arbReport = (isolation: 'read_committed' | 'read_uncommitted' | undefined) =>
      fc
        .record({
          validator: fc.constantFrom('a', 'b'),
          atMs: fc.integer({ min: 2, max: 50 }),
          upTo: fc.integer({ min: 0, max: 9 }),
          final: fc.boolean(),
        })
        .map(({ validator, atMs, upTo, final }) =>
          report(`${isolation === 'read_uncommitted' ? 'u' : 'v'}-${validator}`, atMs, {
            ...(isolation ? { isolation } : {}),
            final,
            state: stateOf(range(0, upTo)),
            partitions: [{ topic: 't', partition: 0, nextOffset: upTo + 1, highWatermark: 10 }],
          }),
        );
    fc.assert(
      fc.property(
        fc.array(fc.oneof(arbReport(undefined), arbReport('read_committed')), { maxLength: 6 }),
        fc.array(arbReport('read_uncommitted'), { maxLength: 6 }),
        fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
        (own, added, picks) => {
          // Interleave the two lists as `picks` says, keeping each list's order.
          const mixed: ControlEvent[] = [producerFinal(8, [[8, 9]])];
          const [o, a] = [[...own], [...added]];
          for (const pick of picks) {
            const next = (pick ? a : o).shift() ?? (pick ? o : a).shift();
            if (next) mixed.push(next);
          }
          mixed.push(...o, ...a);
          const both = fold(mixed);
          const alone = fold([producerFinal(8, [[8, 9]]), ...own]);
          const decided = (s: ScenarioView) => {
            const acc = s.accounting({ phase: 'final' });
            return {
              validators: [...s.validators.keys()],
              counted: s.validatorReports.counted(),
              progress: s.progress,
              accounting: acc && [acc.totals.seenDistinct, acc.lost.count, acc.abortedRead.count, acc.duplicate.count],
            };
          };
          expect(decided(both)).toEqual(decided(alone));
          expect([...both.readUncommitted.validators.keys()].sort()).toEqual(
            [...new Set(added.map((r) => (r as { validatorId: string }).validatorId))].sort(),
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});
