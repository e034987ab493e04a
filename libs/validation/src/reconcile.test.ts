import { verdict } from './accounting';
import { reconcile } from './reconcile';
import { obs, readSeqs, report, stateOf } from './testing/records';
import { ValidatorState } from './validator-state';

const seqsOf = (examples: Array<{ seq: number }>) => examples.map((e) => e.seq);

describe('reconcile: lost and unseen', () => {
  it('calls an acked sequence lost when a later one of its key arrived, unseen when none did', () => {
    const s = stateOf([0, 1, 2, 3, 4, 7]);
    const acc = reconcile(s, [report({ acked: [[0, 9]] })]);
    expect(acc.lost.count).toBe(2);
    // seq 7, read at offset 5 (arrival 2_000_005 µs), is the next record of the key read after 5 and 6.
    expect(acc.lost.examples).toEqual([
      { producerId: 'p1', keyEpoch: 0, key: 'k', seq: 5, topic: 't', partition: 0, nextReadUs: 2_000_005 },
      { producerId: 'p1', keyEpoch: 0, key: 'k', seq: 6, topic: 't', partition: 0, nextReadUs: 2_000_005 },
    ]);
    expect(acc.unseen.count).toBe(2);
    expect(seqsOf(acc.unseen.examples)).toEqual([8, 9]);
  });

  it('reports nothing lost or unseen when every acked sequence arrived', () => {
    const acc = reconcile(stateOf([0, 1, 2]), [report({ acked: [[0, 2]] })]);
    expect(acc.lost.count + acc.unseen.count + acc.unexpected.count).toBe(0);
    expect(verdict(acc, { phase: 'final' })).toEqual({ valid: true, failures: [] });
  });

  it('reports a key never read as unseen, without a partition', () => {
    const acc = reconcile(new ValidatorState(), [report({ acked: [[0, 1]] })]);
    expect(acc.unseen.examples[0]).toEqual({ producerId: 'p1', keyEpoch: 0, key: 'k', seq: 0 });
  });

  it('accounts a lost range of ten million sequences by its ranges, with the first few as examples', () => {
    const s = new ValidatorState();
    s.observe(obs(0, 0));
    s.observe(obs(10_000_000, 1));
    const acc = reconcile(s, [report({ acked: [[0, 10_000_000]] })]);
    expect(acc.lost.count).toBe(9_999_999);
    expect(seqsOf(acc.lost.examples)).toEqual([1, 2, 3, 4, 5]);
    expect(acc.order.gaps.skippedSeqs).toBe(9_999_999);
  });

  it('judges unseen as lag mid-run and as loss after draining', () => {
    const acc = reconcile(stateOf([0]), [report({ acked: [[0, 1]] })]);
    expect(verdict(acc, { phase: 'progress' }).valid).toBe(true);
    expect(verdict(acc, { phase: 'final' })).toEqual({ valid: false, failures: [{ anomaly: 'unseen', count: 1 }] });
  });
});

describe('reconcile: unexpected, indeterminate, failed', () => {
  it('calls a sequence no producer reports sending unexpected', () => {
    const acc = reconcile(stateOf([0, 1, 2]), [report({ acked: [[0, 1]] })]);
    expect(acc.unexpected.count).toBe(1);
    expect(acc.unexpected.examples).toEqual([{ producerId: 'p1', keyEpoch: 0, key: 'k', seq: 2, topic: 't', partition: 0 }]);
    expect(acc.unreportedProducers).toEqual([]);
  });

  it('names producers that sent no report; their records are unexpected', () => {
    const s = stateOf([0, 1]);
    readSeqs(s, [0], { producerId: 'ghost', partition: 3 });
    const acc = reconcile(s, [report({ acked: [[0, 1]] })]);
    expect(acc.unexpected.count).toBe(1);
    expect(acc.unreportedProducers).toEqual(['ghost']);
  });

  it('counts indeterminate sends apart: never lost when missing, never unexpected when present', () => {
    const s = stateOf([0, 1, 3]);
    const acc = reconcile(s, [report({ acked: [[0, 0]], indeterminate: [[1, 2]], failed: [[3, 4]] })]);
    expect(acc.indeterminateSeen.count).toBe(1);
    expect(acc.indeterminateMissing.count).toBe(1);
    expect(seqsOf(acc.indeterminateMissing.examples)).toEqual([2]);
    expect(acc.failedButSeen.count).toBe(1);
    expect(seqsOf(acc.failedButSeen.examples)).toEqual([3]);
    expect(acc.lost.count + acc.unseen.count + acc.unexpected.count).toBe(0);
    expect(acc.totals).toMatchObject({ acked: 1, failed: 2, indeterminate: 2, seenDistinct: 3, keysSeen: 1, keysReported: 1 });
    expect(verdict(acc, { phase: 'final' }).valid).toBe(true);
  });

  it('reports no indeterminate or failed-but-seen sends when there were none', () => {
    const acc = reconcile(stateOf([0, 1]), [report({ acked: [[0, 1]], failed: [[2, 2]] })]);
    expect(acc.indeterminateSeen.count + acc.indeterminateMissing.count + acc.failedButSeen.count).toBe(0);
  });

  it('unites several reports of one producer', () => {
    const acc = reconcile(stateOf([0, 1, 2]), [report({ acked: [[0, 0]] }), report({ acked: [[1, 2]] })]);
    expect(acc.totals.acked).toBe(3);
    expect(acc.unexpected.count).toBe(0);
  });
});

describe('reconcile: duplicates across partitions and tolerance', () => {
  it('counts a sequence read in two partitions as a duplicate', () => {
    const s = stateOf([0, 1]);
    s.observe(obs(1, 0, { partition: 2 }));
    const acc = reconcile(s, [report({ acked: [[0, 1]] })]);
    expect(acc.duplicate).toMatchObject({ count: 1, seqs: 1 });
    expect(seqsOf(acc.duplicate.examples)).toEqual([1]);
  });

  it('lets an at-least-once run tolerate duplicates', () => {
    const acc = reconcile(stateOf([0, 1, 1]), [report({ acked: [[0, 1]] })]);
    expect(verdict(acc, { phase: 'final' }).failures).toEqual([{ anomaly: 'duplicate', count: 1 }]);
    expect(verdict(acc, { phase: 'final', tolerate: ['duplicate'] }).valid).toBe(true);
  });

  it('caps examples but never counts', () => {
    const s = new ValidatorState({ maxExamples: 2 });
    readSeqs(s, [0, 1, 2, 0, 1, 2]);
    const acc = reconcile(s, [report({ acked: [[0, 2]] })]);
    expect(acc.duplicate.count).toBe(3);
    expect(seqsOf(acc.duplicate.examples)).toEqual([0, 1]);
    expect(reconcile(s, [], { maxExamples: 0 }).duplicate.examples).toEqual([]);
  });
});

describe('reconcile: bad reports', () => {
  it('rejects a sequence reported under two outcomes, naming the entry', () => {
    expect(() => reconcile(new ValidatorState(), [report({ acked: [[0, 5]], failed: [[5, 6]] })])).toThrow(
      expect.objectContaining({ code: 'invalid_producer_report', field: 'reports[0].keys[0]' }),
    );
  });

  it('rejects malformed ranges and mixed scenarios', () => {
    const bad = report({ acked: [[2, 1]] });
    expect(() => reconcile(new ValidatorState(), [bad])).toThrow(expect.objectContaining({ field: 'reports[0].keys[0].acked[0]' }));
    const a = { ...report({}), scenarioId: 'x' };
    const b = { ...report({}), scenarioId: 'y' };
    expect(() => reconcile(new ValidatorState(), [a, b])).toThrow(expect.objectContaining({ field: 'reports[1].scenarioId' }));
  });
});
