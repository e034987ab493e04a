import fc from 'fast-check';
import { OffsetRunBuilder, SourceOffsetIndex } from './source-offsets';

describe('OffsetRunBuilder and SourceOffsetIndex', () => {
  it('gives back every record offset exactly, whatever the pattern of offsets', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 0, max: 1000 }),
        (gaps, start) => {
          const b = new OffsetRunBuilder();
          const offsets: number[] = [];
          let o = start;
          gaps.forEach((g, seq) => {
            o += g;
            offsets.push(o);
            b.add(seq, o);
          });
          const index = new SourceOffsetIndex([{ producerId: 'p', topic: 't', partition: 2, keyEpoch: 0, key: 'k', runs: b.drain() }]);
          offsets.forEach((offset, seq) => expect(index.positionOf('p', 0, 'k', seq)).toEqual({ topic: 't', partition: 2, offset }));
          expect(index.positionOf('p', 0, 'k', gaps.length)).toBeUndefined();
          expect(index.positionOf('p', 1, 'k', 0)).toBeUndefined();
        },
      ),
    );
  });

  it('keeps a key written every k offsets as one run', () => {
    const b = new OffsetRunBuilder();
    for (let seq = 0; seq < 10_000; seq++) b.add(seq, 7 + seq * 4);
    expect(b.drain()).toEqual([[0, 10_000, 7, 4]]);
  });

  it('unites runs of several reports (each carries what was new) and puts back what a failed publish took', () => {
    const b = new OffsetRunBuilder();
    b.add(0, 10);
    b.add(1, 12);
    const first = b.drain();
    b.add(2, 20);
    b.restore(first);
    const runs = b.drain();
    expect(runs).toEqual([
      [0, 2, 10, 2],
      [2, 1, 20, 1],
    ]);
    const index = new SourceOffsetIndex([
      { producerId: 'p', topic: 't', partition: 0, keyEpoch: 0, key: 'k', runs: [runs[1]] },
      { producerId: 'p', topic: 't', partition: 0, keyEpoch: 0, key: 'k', runs: [runs[0]] },
    ]);
    expect([0, 1, 2].map((seq) => index.positionOf('p', 0, 'k', seq)?.offset)).toEqual([10, 12, 20]);
  });

  it("keeps each run's last acknowledgement time through a failed publish, and gives it with every record of the run", () => {
    const b = new OffsetRunBuilder();
    b.add(0, 10, 1000);
    b.add(1, 12, 1100);
    const first = b.drainTimed();
    expect(first).toEqual({ runs: [[0, 2, 10, 2]], ackedByMs: [1100] });
    b.add(2, 0, 5000); // a re-created topic: offsets from 0 again, a new run
    b.restore(first.runs, first.ackedByMs);
    const { runs, ackedByMs } = b.drainTimed();
    expect(ackedByMs).toEqual([1100, 5000]);
    const index = new SourceOffsetIndex([
      { producerId: 'p', topic: 't', partition: 0, keyEpoch: 0, key: 'k', runs, runsAckedByMs: ackedByMs },
    ]);
    expect([0, 1, 2].map((seq) => index.positionOf('p', 0, 'k', seq))).toEqual([
      { topic: 't', partition: 0, offset: 10, ackedByMs: 1100 },
      { topic: 't', partition: 0, offset: 12, ackedByMs: 1100 },
      { topic: 't', partition: 0, offset: 0, ackedByMs: 5000 },
    ]);
    // A run without one (acks other than all, or restored from an older report) leaves the whole drain without them.
    b.add(3, 1);
    b.restore([[4, 1, 9, 1]]);
    expect(b.drainTimed().ackedByMs).toBeUndefined();
  });

  it('starts a new run for a seq that arrives out of order, and still finds both', () => {
    const b = new OffsetRunBuilder();
    b.add(1, 5);
    b.add(0, 3);
    const index = new SourceOffsetIndex([{ producerId: 'p', topic: 't', partition: 0, keyEpoch: 0, key: 'k', runs: b.drain() }]);
    expect(index.positionOf('p', 0, 'k', 0)?.offset).toBe(3);
    expect(index.positionOf('p', 0, 'k', 1)?.offset).toBe(5);
  });
});
