import { verdict } from './accounting';
import { reconcile } from './reconcile';
import { CheckerError } from './errors';
import { stateOf } from './testing/records';

/** One key's report with aborted ranges, as a transactional producer sends it. */
const txReport = (acked: Array<[number, number]>, aborted: Array<[number, number]>) => ({
  producerId: 'p1',
  keys: [{ keyEpoch: 0, key: 'k', acked, failed: [], indeterminate: [], aborted }],
});

describe('reconcile: aborted-read (G1a)', () => {
  it('reports each aborted sequence read on the target, once, with where it was read, and fails the verdict', () => {
    // Transactions [0-2] committed, [3-4] aborted, [5-6] committed; the replicator copied 3 and 4 anyway.
    const acc = reconcile(stateOf([0, 1, 2, 3, 4, 5, 6]), [
      txReport(
        [
          [0, 2],
          [5, 6],
        ],
        [[3, 4]],
      ),
    ]);
    expect(acc.abortedRead.count).toBe(2);
    expect(acc.abortedRead.examples).toEqual([
      { producerId: 'p1', keyEpoch: 0, key: 'k', seq: 3, topic: 't', partition: 0 },
      { producerId: 'p1', keyEpoch: 0, key: 'k', seq: 4, topic: 't', partition: 0 },
    ]);
    // Its producer reported it (as aborted): never also unexpected, and not a duplicate.
    expect([acc.unexpected.count, acc.duplicate.count, acc.lost.count]).toEqual([0, 0, 0]);
    expect(acc.totals.aborted).toBe(2);
    expect(verdict(acc, { phase: 'final' })).toEqual({ valid: false, failures: [{ anomaly: 'abortedRead', count: 2 }] });
  });

  it('counts an aborted sequence copied twice as one aborted read and one duplicate', () => {
    const acc = reconcile(stateOf([0, 1, 1, 2]), [
      txReport(
        [
          [0, 0],
          [2, 2],
        ],
        [[1, 1]],
      ),
    ]);
    expect([acc.abortedRead.count, acc.duplicate.count]).toEqual([1, 1]);
  });

  it('reports nothing when aborted transactions never reach the target: not lost, unseen nor unexpected', () => {
    const acc = reconcile(stateOf([0, 1, 2, 5, 6]), [
      txReport(
        [
          [0, 2],
          [5, 6],
        ],
        [
          [3, 4],
          [7, 9],
        ],
      ),
    ]);
    expect([acc.abortedRead.count, acc.lost.count, acc.unseen.count, acc.unexpected.count]).toEqual([0, 0, 0, 0]);
    expect(acc.totals.aborted).toBe(5);
    expect(verdict(acc, { phase: 'final' })).toEqual({ valid: true, failures: [] });
  });

  it('accepts reports without aborted ranges (non-transactional producers)', () => {
    const acc = reconcile(stateOf([0, 1]), [
      { producerId: 'p1', keys: [{ keyEpoch: 0, key: 'k', acked: [[0, 1]], failed: [], indeterminate: [] }] },
    ]);
    expect([acc.abortedRead.count, acc.totals.aborted]).toEqual([0, 0]);
  });

  it('rejects a sequence reported both committed and aborted, naming the field', () => {
    let caught: unknown;
    try {
      reconcile(stateOf([0]), [txReport([[0, 3]], [[3, 4]])]);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(CheckerError);
    expect((caught as CheckerError).message).toMatch(/seq 3 as both acked and aborted/);
  });

  it('names a malformed aborted range', () => {
    expect(() => reconcile(stateOf([0]), [txReport([[0, 0]], [[4, 2]])])).toThrow(/aborted/);
  });
});
