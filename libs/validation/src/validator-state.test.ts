import { CheckerError } from './errors';
import { reconcile } from './reconcile';
import { obs, readSeqs, report, stateOf } from './testing/records';
import { ValidatorState } from './validator-state';

function order(state: ValidatorState) {
  return reconcile(state, []).order;
}

describe('ValidatorState.observe: arrival classes', () => {
  it('classifies an in-order stream as in_order and nothing else', () => {
    const s = new ValidatorState();
    expect(readSeqs(s, [0, 1, 2, 3])).toEqual(['in_order', 'in_order', 'in_order', 'in_order']);
    expect(order(s)).toMatchObject({ inOrder: 4, gaps: { count: 0, skippedSeqs: 0 }, late: { count: 0 }, backwardsKeys: { count: 0 } });
  });

  it('counts a jump from 1 to 5 as one gap of 3 missing sequences, not 4', () => {
    const s = new ValidatorState({ firstSeq: 1 });
    expect(readSeqs(s, [1, 5])).toEqual(['in_order', 'gap']);
    const acc = reconcile(s, [report({ acked: [[1, 5]] })]);
    expect(acc.order.gaps).toMatchObject({ count: 1, skippedSeqs: 3 });
    expect(acc.lost.count).toBe(3);
    expect(acc.lost.examples.map((e) => e.seq)).toEqual([2, 3, 4]);
  });

  it('reads the reorder 1,2,4,3,5 as one gap and one late fill, with nothing lost', () => {
    const s = new ValidatorState({ firstSeq: 1 });
    expect(readSeqs(s, [1, 2, 4, 3, 5])).toEqual(['in_order', 'in_order', 'gap', 'late', 'in_order']);
    const acc = reconcile(s, [report({ acked: [[1, 5]] })]);
    expect(acc.order).toMatchObject({ inOrder: 3, gaps: { count: 1, skippedSeqs: 1 }, late: { count: 1 } });
    expect(acc.order.backwardsKeys.count).toBe(1);
    expect(acc.order.late.examples).toEqual([
      { producerId: 'p1', keyEpoch: 0, key: 'k', seq: 3, topic: 't', partition: 0, offset: 3, timeUs: 2_000_003 },
    ]);
    expect(acc.lost.count + acc.unseen.count + acc.duplicate.count).toBe(0);
  });

  it('never moves the expected sequence backwards after a late record', () => {
    const s = new ValidatorState();
    expect(readSeqs(s, [0, 3, 1, 4, 2, 5])).toEqual(['in_order', 'gap', 'late', 'in_order', 'late', 'in_order']);
  });

  it('does not report a key as going backwards when it never did', () => {
    expect(order(stateOf([0, 2, 5])).backwardsKeys.count).toBe(0);
  });
});

describe('ValidatorState.observe: duplicate, redelivery, corrupt', () => {
  it('classifies a sequence seen again at a new offset as duplicate, with the copy as evidence', () => {
    const s = new ValidatorState();
    expect(readSeqs(s, [0, 1, 1])).toEqual(['in_order', 'in_order', 'duplicate']);
    const acc = reconcile(s, [report({ acked: [[0, 1]] })]);
    expect(acc.duplicate).toMatchObject({ count: 1, seqs: 1, examplesMayIncludeRereads: false });
    expect(acc.duplicate.examples).toEqual([
      { producerId: 'p1', keyEpoch: 0, key: 'k', seq: 1, topic: 't', partition: 0, offset: 2, timeUs: 2_000_002 },
    ]);
    expect(acc.redelivery.count).toBe(0);
  });

  it('classifies the same target offset read again as redelivery, never as duplicate', () => {
    const s = new ValidatorState();
    readSeqs(s, [0, 1, 2]);
    expect(s.observe(obs(1, 1))).toBe('redelivery');
    expect(s.observe(obs(1, 1))).toBe('redelivery');
    const acc = reconcile(s, [report({ acked: [[0, 2]] })]);
    expect(acc.redelivery.count).toBe(2);
    expect(acc.redelivery.examples).toEqual([{ topic: 't', partition: 0, offset: 1 }]);
    expect(acc.duplicate.count).toBe(0);
    expect(acc.totals).toMatchObject({ seenRecords: 3, deliveries: 5, seenDistinct: 3 });
  });

  it('reports neither duplicates nor redeliveries when every record was read once', () => {
    const acc = reconcile(stateOf([0, 1, 2]), [report({ acked: [[0, 2]] })]);
    expect(acc.duplicate.count + acc.redelivery.count + acc.corrupt.count).toBe(0);
  });

  it('counts corrupt records by reason, once per offset', () => {
    const s = new ValidatorState();
    readSeqs(s, [0]);
    expect(s.observeCorrupt({ topic: 't', partition: 0, offset: 1, reason: 'checksum', arrivalUs: 5 })).toBe('corrupt');
    expect(s.observeCorrupt({ topic: 't', partition: 0, offset: 2, reason: 'decode', arrivalUs: 5 })).toBe('corrupt');
    expect(s.observeCorrupt({ topic: 't', partition: 0, offset: 1, reason: 'checksum', arrivalUs: 6 })).toBe('redelivery');
    const acc = reconcile(s, [report({ acked: [[0, 0]] })]);
    expect(acc.corrupt).toEqual({
      count: 2,
      seqs: 0,
      byReason: { checksum: 1, decode: 1 },
      examples: [
        { topic: 't', partition: 0, offset: 1, reason: 'checksum' },
        { topic: 't', partition: 0, offset: 2, reason: 'decode' },
      ],
    });
    expect(acc.duplicate.count).toBe(0);
    expect(acc.totals.seenRecords).toBe(1);
  });

  it('rejects an observation with a malformed field, naming it', () => {
    const s = new ValidatorState();
    expect(() => s.observe(obs(Number.NaN, 0))).toThrow(expect.objectContaining({ code: 'invalid_observation', field: 'seq' }));
    expect(() => s.observe(obs(0, -1))).toThrow(expect.objectContaining({ field: 'offset' }));
    expect(() => s.observe(obs(0, 0, { partition: 1.5 }))).toThrow(CheckerError);
  });
});

describe('ValidatorState: handover and merge', () => {
  it('hands partitions over with the offset to resume from, and forgets them', () => {
    const a = new ValidatorState();
    readSeqs(a, [0, 1, 2]);
    readSeqs(a, [0], { partition: 1, key: 'other' });
    const handover = a.releasePartitions('t', [0]);
    expect(handover.partitions.map((p) => [p.partition, p.nextOffset])).toEqual([[0, 3]]);
    expect(a.positions()).toEqual([{ topic: 't', partition: 1, nextOffset: 1 }]);

    const b = new ValidatorState();
    b.adopt(handover);
    // The taker re-reads offset 2 (redelivery), then continues in order.
    expect(b.observe(obs(2, 2))).toBe('redelivery');
    expect(b.observe(obs(3, 3))).toBe('in_order');
    const merged = ValidatorState.merge(a, b);
    const acc = reconcile(merged, [report({ acked: [[0, 3]] })]);
    expect(acc.order.gaps.count).toBe(0);
    expect(acc.redelivery.count).toBe(1);
    expect(acc.lost.count + acc.unseen.count + acc.duplicate.count).toBe(0);
  });

  it('snapshots chosen partitions without forgetting them', () => {
    const a = stateOf([0, 1]);
    expect(a.snapshotPartitions('t', [0, 7]).partitions).toHaveLength(1);
    expect(a.positions()).toEqual([{ topic: 't', partition: 0, nextOffset: 2 }]);
  });

  it('sums order counters and ORs "went backwards" when merging', () => {
    const a = new ValidatorState();
    readSeqs(a, [0, 2, 1]);
    const b = new ValidatorState();
    [3, 5].forEach((seq, i) => b.observe(obs(seq, 10 + i)));
    const acc = reconcile(ValidatorState.merge(a, b), []);
    expect(acc.order).toMatchObject({ inOrder: 1, gaps: { count: 3, skippedSeqs: 1 + 3 + 1 }, late: { count: 1 } });
    expect(acc.order.backwardsKeys.count).toBe(1);
  });

  it('flags duplicate examples as uncertain when two merged states read the same offsets', () => {
    const a = stateOf([0, 1]);
    const b = stateOf([0, 1]);
    const acc = reconcile(ValidatorState.merge(a, b), [report({ acked: [[0, 1]] })]);
    expect(acc.duplicate.count).toBe(0);
    expect(acc.redelivery.count).toBe(2);
    expect(acc.duplicate.examplesMayIncludeRereads).toBe(true);
  });

  it('refuses to merge states that start sequences differently', () => {
    expect(() => ValidatorState.merge(new ValidatorState({ firstSeq: 0 }), new ValidatorState({ firstSeq: 1 }))).toThrow(
      expect.objectContaining({ code: 'incompatible_merge' }),
    );
  });

  it('leaves both inputs of a merge unchanged', () => {
    const a = stateOf([0, 1]);
    const b = new ValidatorState();
    b.observe(obs(1, 5));
    const before = [JSON.stringify(a.toSnapshot()), JSON.stringify(b.toSnapshot())];
    ValidatorState.merge(a, b).observe(obs(9, 9));
    expect([JSON.stringify(a.toSnapshot()), JSON.stringify(b.toSnapshot())]).toEqual(before);
  });
});
