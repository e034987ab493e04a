import { ValidatorState } from '@mirrorlab/validation';
import { partitionId } from './drain';
import { PartitionOwnership, rewindTarget } from './partition-ownership';

function sliceAt(topic: string, partition: number, offsets: number) {
  const state = new ValidatorState();
  for (let offset = 0; offset < offsets; offset++)
    state.observe({ topic, partition, offset, producerId: 'p', keyEpoch: 0, key: 'p/e0/k0-0', seq: offset, sendTimeUs: 1, arrivalUs: 2 });
  return state.releasePartitions(topic, [partition]);
}

/** No published state, no checked offset. */
const none = (): undefined => undefined;

describe('PartitionOwnership', () => {
  it('takes partitions over from their latest published state, or from the start when none was published', () => {
    const o = new PartitionOwnership();
    const published = sliceAt('t', 1, 3);
    const change = o.assign({ t: [0, 1] }, (topic, partition) => (partition === 1 ? published : undefined), none);
    expect(change.released).toEqual([]);
    expect(change.takenOver.map((p) => [p.topic, p.partition, p.start, p.slice === undefined])).toEqual([
      ['t', 0, 'earliest', true],
      ['t', 1, 3, false],
    ]);
    expect(o.list()).toEqual([
      { topic: 't', partition: 0 },
      { topic: 't', partition: 1 },
    ]);
    expect(o.startFor(partitionId('t', 0))).toBe('earliest');
    expect(o.startFor(partitionId('t', 1))).toBe(3);
  });

  it('keeps what it still owns, releases what it lost, and forgets a start once checked', () => {
    const o = new PartitionOwnership();
    o.assign({ t: [0, 1], u: [0] }, none, none);
    o.started(partitionId('t', 0));
    expect(o.startFor(partitionId('t', 0))).toBeUndefined();
    // Nothing of t-0 checked yet: no start to hold it to.
    const change = o.assign({ t: [0, 2] }, none, none);
    expect(change.released.map((p) => `${p.topic}-${p.partition}`)).toEqual(['t-1', 'u-0']);
    expect(change.takenOver.map((p) => `${p.topic}-${p.partition}`)).toEqual(['t-2']);
    // Still owned: not taken over again, so no adopted state and no new start.
    expect(o.startFor(partitionId('t', 0))).toBeUndefined();
    expect(o.startFor(partitionId('t', 1))).toBeUndefined();
    expect(o.owns(partitionId('u', 0))).toBe(false);
    expect(o.owns(partitionId('t', 2))).toBe(true);
  });

  it('holds a partition it keeps to the first offset its checker has not seen, and only that one', () => {
    const o = new PartitionOwnership();
    o.assign({ t: [0, 1] }, none, none);
    o.started(partitionId('t', 0));
    o.started(partitionId('t', 1));
    const change = o.assign({ t: [0, 1, 2] }, none, (_topic, partition) => (partition === 0 ? 42 : undefined));
    expect(change).toEqual({
      released: [],
      takenOver: [{ id: partitionId('t', 2), topic: 't', partition: 2, slice: undefined, start: 'earliest' }],
    });
    expect(o.startFor(partitionId('t', 0))).toBe(42);
    expect(o.startFor(partitionId('t', 1))).toBeUndefined();
  });

  it('an empty assignment releases everything', () => {
    const o = new PartitionOwnership();
    o.assign({ t: [0] }, none, none);
    expect(o.assign({}, none, none)).toEqual({ released: [{ id: partitionId('t', 0), topic: 't', partition: 0 }], takenOver: [] });
    expect(o.list()).toEqual([]);
  });
});

describe('rewindTarget', () => {
  it('sends the consumer back only when the first batch starts after where reading must start', () => {
    expect(rewindTarget(5, 9)).toBe(5);
    expect(rewindTarget(5, 5)).toBeNull();
    expect(rewindTarget(5, 2)).toBeNull();
    expect(rewindTarget(5, null)).toBeNull();
  });
});
