import fc from 'fast-check';
import { reconcile } from './reconcile';
import type { SourcePartitionSample } from './source-audit';
import type { SourceOffsetReport } from './source-offsets';
import { report, stateOf } from './testing/records';

/**
 * One key (p1, epoch 0, k) whose seq i sat at source offset 100 + 3i of src/0. The target
 * read the seqs not in `missing` (arrivals from 2000 ms on: see testing/records).
 */
const N_MAX = 120;
const offsetOf = (seq: number) => 100 + 3 * seq;
const offsets = (n: number): SourceOffsetReport[] => [
  { producerId: 'p1', topic: 'src', partition: 0, keyEpoch: 0, key: 'k', runs: [[0, n, 100, 3]] },
];
const sample = (atMs: number, logStartOffset: number, highWatermark: number): SourcePartitionSample => ({
  topic: 'src',
  partition: 0,
  atMs,
  logStartOffset,
  highWatermark,
});

const runOf = fc.integer({ min: 2, max: N_MAX }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    missing: fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { minLength: 1, maxLength: n - 1 }),
    cut: fc.integer({ min: 0, max: n }),
  }),
);

function run(n: number, missing: number[], samples: SourcePartitionSample[]) {
  const gone = new Set(missing);
  const read = Array.from({ length: n }, (_, i) => i).filter((i) => !gone.has(i));
  return reconcile(stateOf(read), [report({ acked: [[0, n - 1]] })], { source: { offsets: offsets(n), samples } });
}

describe('lost split: purged-before-mirrored', () => {
  it('counts a missing record purged before the target read past it as purged, the others as lost in replication', () => {
    fc.assert(
      fc.property(runOf, ({ n, missing, cut }) => {
        const end = offsetOf(n);
        // The log start passes offsetOf(cut) between 1000 and 1500 ms; the target reads from 2000 ms on.
        const acc = run(n, missing, [sample(1000, 0, end), sample(1500, offsetOf(cut), end)]);
        const purged = missing.filter((s) => s < cut).length;
        expect(acc.lostSplit.audited).toBe(true);
        expect(acc.lostSplit.purgedBeforeMirrored.count).toBe(purged);
        expect(acc.lostSplit.lostInReplication.count).toBe(missing.length - purged);
        expect(acc.lostSplit.lostAtSource.count).toBe(0);
        expect(acc.lostSplit.unaudited).toBe(0);
        expect(acc.lost.count + acc.unseen.count).toBe(missing.length);
        const first = Math.min(...missing.filter((s) => s < cut));
        if (purged > 0)
          expect(acc.lostSplit.purgedBeforeMirrored.examples[0]).toEqual({
            producerId: 'p1',
            keyEpoch: 0,
            key: 'k',
            seq: first,
            topic: 'src',
            partition: 0,
            sourceOffset: offsetOf(first),
          });
      }),
    );
  });

  it('does not call a record purged when retention passed it only after the target had read past it', () => {
    fc.assert(
      fc.property(runOf, ({ n, missing }) => {
        const end = offsetOf(n);
        // Reads arrive from 2000 ms on; the purge shows only between 10 and 11 s, when everything after it had been read.
        const acc = run(
          n,
          missing.filter((s) => s < n - 1),
          [sample(1000, 0, end), sample(10_000, 0, end), sample(11_000, end, end)],
        );
        expect(acc.lostSplit.purgedBeforeMirrored.count).toBe(0);
        expect(acc.lostSplit.lostInReplication.count).toBe(acc.lost.count + acc.unseen.count);
      }),
    );
  });
});

describe('lost split: lost-at-source', () => {
  it('counts a missing record as lost at the source when the source high watermark fell below it after passing it', () => {
    fc.assert(
      fc.property(runOf, ({ n, missing, cut }) => {
        const end = offsetOf(n);
        const acc = run(n, missing, [sample(1000, 0, end), sample(1500, 0, offsetOf(cut)), sample(2500, 0, end + 50)]);
        const truncated = missing.filter((s) => s >= cut).length;
        expect(acc.lostSplit.lostAtSource.count).toBe(truncated);
        expect(acc.lostSplit.purgedBeforeMirrored.count).toBe(0);
        expect(acc.lostSplit.lostInReplication.count).toBe(missing.length - truncated);
      }),
    );
  });

  it('reports nothing lost at the source while the high watermark only grows', () => {
    fc.assert(
      fc.property(runOf, fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 10 }), ({ n, missing }, steps) => {
        let hw = offsetOf(n);
        const samples = steps.map((d, i) => sample(1000 + i * 100, 0, (hw += d)));
        const acc = run(n, missing, samples);
        expect(acc.lostSplit.lostAtSource.count).toBe(0);
        expect(acc.lostSplit.purgedBeforeMirrored.count).toBe(0);
        expect(acc.lostSplit.lostInReplication.count).toBe(missing.length);
      }),
    );
  });
});

describe('lost split: without an audit', () => {
  it('counts every missing record as lost in replication, unaudited, when no audit ran', () => {
    const acc = reconcile(stateOf([0, 3]), [report({ acked: [[0, 5]] })]);
    expect(acc.lostSplit).toMatchObject({
      audited: false,
      unaudited: 4,
      lostAtSource: { count: 0 },
      purgedBeforeMirrored: { count: 0 },
      lostInReplication: { count: 4 },
    });
    expect(acc.lostSplit.lostInReplication.examples.map((e) => e.seq)).toEqual([1, 2, 4, 5]);
  });

  it('counts a record of a partition the audit never sampled as unaudited', () => {
    const acc = reconcile(stateOf([0, 2]), [report({ acked: [[0, 2]] })], {
      source: { offsets: offsets(3), samples: [{ topic: 'src', partition: 1, atMs: 1000, logStartOffset: 999, highWatermark: 999 }] },
    });
    expect(acc.lostSplit).toMatchObject({ audited: true, unaudited: 1, lostInReplication: { count: 1 } });
  });

  it('splits only lost records mid-run (unseen is lag then)', () => {
    const acc = reconcile(stateOf([0, 2]), [report({ acked: [[0, 4]] })], {
      phase: 'progress',
      source: { offsets: offsets(5), samples: [sample(1000, 0, 1000)] },
    });
    expect(acc.lostSplit.lostInReplication.count).toBe(1);
    expect(acc.lost.count).toBe(1);
  });
});

/**
 * A topic deleted and created again mid-run (the recreate-topic fault): its offsets start at 0
 * again. Seqs 0..m-1 of the key sat at 100 + 3i in the old topic (all acknowledged by 5500 ms,
 * under acks=all); seqs m..n-1 at 3(i - m) in the new one (acknowledged by 7000 ms). The audit saw
 * the old log reach every old record but the last (acknowledged after its last sample, just before
 * the deletion), then the new log from 0.
 */
describe('lost split: a topic deleted and created again', () => {
  const recreated = (n: number, m: number, ackTimes = true): SourceOffsetReport[] => [
    {
      producerId: 'p1',
      topic: 'src',
      partition: 0,
      keyEpoch: 0,
      key: 'k',
      runs: [
        [0, m, 100, 3],
        [m, n - m, 0, 3],
      ],
      ...(ackTimes ? { runsAckedByMs: [5500, 7000] } : {}),
    },
  ];
  const samples = (n: number, m: number) => [
    sample(1000, 0, 100),
    sample(5000, 0, 100 + 3 * (m - 1)),
    sample(6500, 0, 1),
    sample(9000, 0, 3 * (n - m)),
  ];
  const recreateRun = fc.integer({ min: 3, max: N_MAX }).chain((n) =>
    fc.record({
      n: fc.constant(n),
      m: fc.integer({ min: 1, max: n - 2 }),
      missing: fc.uniqueArray(fc.integer({ min: 0, max: n - 2 }), { minLength: 1, maxLength: n - 2 }),
    }),
  );
  const runRecreated = (n: number, m: number, missing: number[], ackTimes = true) => {
    const gone = new Set(missing);
    const read = Array.from({ length: n }, (_, i) => i).filter((i) => !gone.has(i));
    return reconcile(stateOf(read), [report({ acked: [[0, n - 1]] })], {
      source: { offsets: recreated(n, m, ackTimes), samples: samples(n, m) },
    });
  };

  it('counts records deleted with the old topic as lost at the source, records of the new one as lost in replication', () => {
    fc.assert(
      fc.property(recreateRun, ({ n, m, missing }) => {
        const acc = runRecreated(n, m, missing);
        const old = missing.filter((s) => s < m).length;
        expect(acc.lostSplit).toMatchObject({
          audited: true,
          unaudited: 0,
          lostAtSource: { count: old },
          purgedBeforeMirrored: { count: 0 },
          lostInReplication: { count: missing.length - old },
        });
        const firstNew = missing.filter((s) => s >= m).sort((a, b) => a - b)[0];
        if (firstNew !== undefined)
          expect(acc.lostSplit.lostInReplication.examples[0]).toMatchObject({ seq: firstNew, sourceOffset: 3 * (firstNew - m) });
      }),
    );
  });

  it('reports nothing lost at the source when only records of the new topic are missing', () => {
    fc.assert(
      fc.property(recreateRun, ({ n, m, missing }) => {
        const fresh = missing.filter((s) => s >= m);
        const acc = runRecreated(n, m, fresh);
        expect(acc.lostSplit.lostAtSource.count).toBe(0);
        expect(acc.lostSplit.lostInReplication.count).toBe(fresh.length);
      }),
    );
  });

  it('without acknowledgement times (acks other than all, older producers) the old log misleads both ways', () => {
    // n = 10, m = 5: seq 7 sits at new offset 6, which the old high watermark had passed before it fell.
    expect(runRecreated(10, 5, [7], false).lostSplit).toMatchObject({ lostAtSource: { count: 1 }, lostInReplication: { count: 0 } });
    expect(runRecreated(10, 5, [7]).lostSplit).toMatchObject({ lostAtSource: { count: 0 }, lostInReplication: { count: 1 } });
    // Seq 4, the old topic's last, was acknowledged after the last sample of the old log: only its acknowledgement saw it there.
    expect(runRecreated(10, 5, [4], false).lostSplit).toMatchObject({ lostAtSource: { count: 0 }, lostInReplication: { count: 1 } });
    expect(runRecreated(10, 5, [4]).lostSplit).toMatchObject({ lostAtSource: { count: 1 }, lostInReplication: { count: 0 } });
  });
});
