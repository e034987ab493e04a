import { latestPartition, latestPartitions } from './partition-handover';
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
});
