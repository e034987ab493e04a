import { latestPartition, latestPartitions, latestPartitionsWithConflicts } from './partition-handover';
import { reconcile } from './reconcile';
import { ValidatorState } from './validator-state';
import type { Observation } from './types';

const obs = (partition: number, offset: number, seq: number, key = `k${partition}`): Observation => ({
  topic: 't',
  partition,
  offset,
  producerId: 'p',
  keyEpoch: 0,
  key,
  seq,
  sendTimeUs: 0,
  arrivalUs: 1,
});

describe('latestPartitions', () => {
  it('takes, per partition, the state that read furthest, so a handover is not counted twice', () => {
    // A reads partition 0 up to offset 4 and publishes at offset 2 and 4 (killed after that).
    const a = new ValidatorState();
    [0, 1, 2].forEach((i) => a.observe(obs(0, i, i)));
    const aAt3 = a.toSnapshot();
    [3, 4].forEach((i) => a.observe(obs(0, i, i)));
    a.observe(obs(1, 0, 0));
    const aAt5 = a.toSnapshot();

    // B takes partition 0 over from A's older report and re-reads from offset 3.
    const b = new ValidatorState();
    b.adopt(latestPartition([aAt3], 't', 0)!);
    [3, 4, 5].forEach((i) => b.observe(obs(0, i, i)));

    const merged = latestPartitions([aAt3, aAt5, b.toSnapshot()]);
    const single = new ValidatorState();
    [0, 1, 2, 3, 4, 5].forEach((i) => single.observe(obs(0, i, i)));
    single.observe(obs(1, 0, 0));
    expect(merged.toSnapshot()).toEqual(single.toSnapshot());
  });

  it('returns an empty state for no reports and undefined for an unknown partition', () => {
    expect(latestPartitions([]).toSnapshot().partitions).toEqual([]);
    expect(latestPartition([new ValidatorState().toSnapshot()], 't', 9)).toBeUndefined();
  });

  it('rejects a malformed report with the field at fault', () => {
    expect(() => latestPartitions([{ version: 1, firstSeq: 0, maxExamples: 5, partitions: 'x' }])).toThrow(/partitions/);
  });

  it('merges two states that do not extend each other as a union and says so (issue 11 item 7)', () => {
    // A reads offsets 0..9 (seqs 0..9) and is never released; B starts at offset 5 without adopting A's state.
    const a = new ValidatorState();
    for (let i = 0; i < 10; i++) a.observe(obs(0, i, i));
    const b = new ValidatorState();
    for (let i = 5; i < 15; i++) b.observe(obs(0, i, i));
    const { state, conflicts } = latestPartitionsWithConflicts([a.toSnapshot(), b.toSnapshot()]);
    const producer = [
      { producerId: 'p', keys: [{ keyEpoch: 0, key: 'k0', acked: [[0, 14]] as Array<[number, number]>, failed: [], indeterminate: [] }] },
    ];
    const acc = reconcile(state, producer);
    // Picking the furthest state alone would have lost seqs 0..4.
    expect(reconcile(b, producer).lost.count + reconcile(b, producer).unseen.count).toBe(5);
    expect([acc.lost.count, acc.unseen.count, acc.duplicate.count, acc.redelivery.count]).toEqual([0, 0, 0, 5]);
    expect(acc.totals.seenDistinct).toBe(15);
    expect(conflicts).toEqual([
      {
        topic: 't',
        partition: 0,
        offsets: ['0-9', '5-14'],
        message: expect.stringContaining("partition t/0: two validators' states do not extend each other (offsets 0-9 vs 5-14"),
      },
    ]);
  });

  it('reports no conflict when every later state extends the earlier one', () => {
    const a = new ValidatorState();
    for (let i = 0; i < 5; i++) a.observe(obs(0, i, i));
    const early = a.toSnapshot();
    for (let i = 5; i < 10; i++) a.observe(obs(0, i, i));
    const { conflicts, state } = latestPartitionsWithConflicts([a.toSnapshot(), early]);
    expect(conflicts).toEqual([]);
    expect(state.toSnapshot()).toEqual(a.toSnapshot());
  });
});
