import fc from 'fast-check';
import { reconcile } from './reconcile';
import type { SourcePartitionSample } from './source-audit';
import type { SourceOffsetReport } from './source-offsets';
import { report, stateOf } from './testing/records';
import { ValidatorState } from './validator-state';

/**
 * One key (p1, epoch 0, k) whose seq i sat at source offset 100 + 3i of src/0 (offsets between hold
 * another key's records). The target read the seqs not in `missing`; the source audit consumer read
 * the source records not in `notOnSource` (from `from` on), and other keys' records around them.
 */
const N_MAX = 80;
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

function sourceConsumer(n: number, notOnSource: readonly number[], from = 0): ValidatorState {
  const gone = new Set(notOnSource);
  const s = new ValidatorState();
  const at = (offset: number, key: string, seq: number) =>
    s.observe({ topic: 'src', partition: 0, offset, producerId: 'p1', keyEpoch: 0, key, seq, sendTimeUs: 0, arrivalUs: 1_000 + offset });
  // A record of another producer just before: the consumer read the partition from below seq `from`.
  s.observe({
    topic: 'src',
    partition: 0,
    offset: offsetOf(from) - 1,
    producerId: 'p0',
    keyEpoch: 0,
    key: 'x',
    seq: 0,
    sendTimeUs: 0,
    arrivalUs: 0,
  });
  for (let i = from; i < n; i++) {
    if (!gone.has(i)) at(offsetOf(i), 'k', i);
    at(offsetOf(i) + 1, 'other', 2 * i);
    at(offsetOf(i) + 2, 'other', 2 * i + 1);
  }
  return s;
}

function run(n: number, missing: readonly number[], consumer: ValidatorState | undefined, samples: SourcePartitionSample[] = []) {
  const gone = new Set(missing);
  const read = Array.from({ length: n }, (_, i) => i).filter((i) => !gone.has(i));
  return reconcile(stateOf(read), [report({ acked: [[0, n - 1]] })], {
    source: { offsets: offsets(n), samples, ...(consumer ? { consumer } : {}) },
  });
}

const runOf = fc.integer({ min: 2, max: N_MAX }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    missing: fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { minLength: 1, maxLength: n - 1 }),
    notOnSource: fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { maxLength: n }),
    cut: fc.integer({ min: 0, max: n }),
  }),
);

describe('lost split with the source audit consumer', () => {
  it('lost-at-source: a record it read across but never found on the source, with that as evidence', () => {
    fc.assert(
      fc.property(runOf, ({ n, missing, notOnSource }) => {
        const acc = run(n, missing, sourceConsumer(n, notOnSource));
        const atSource = missing.filter((s) => notOnSource.includes(s));
        expect(acc.lostSplit.lostAtSource.count).toBe(atSource.length);
        expect(acc.lostSplit.lostInReplication.count).toBe(missing.length - atSource.length);
        expect(acc.lostSplit.purgedBeforeMirrored.count).toBe(0);
        expect(acc.lostSplit.sourceReads).toEqual({
          'read-on-source': missing.length - atSource.length,
          'not-on-source': atSource.length,
          'not-reached': 0,
        });
        const first = [...atSource].sort((a, b) => a - b)[0];
        if (first !== undefined)
          expect(acc.lostSplit.lostAtSource.examples[0]).toEqual({
            producerId: 'p1',
            keyEpoch: 0,
            key: 'k',
            seq: first,
            topic: 'src',
            partition: 0,
            sourceOffset: offsetOf(first),
            evidence: 'not-on-source',
          });
      }),
    );
  });

  it('nothing lost at the source when it read every missing record there (samples showing no purge agree)', () => {
    fc.assert(
      fc.property(runOf, ({ n, missing }) => {
        const acc = run(n, missing, sourceConsumer(n, []), [sample(1000, 0, offsetOf(n))]);
        expect(acc.lostSplit).toMatchObject({
          audited: true,
          unaudited: 0,
          lostAtSource: { count: 0 },
          purgedBeforeMirrored: { count: 0 },
          lostInReplication: { count: missing.length },
        });
        expect(acc.lostSplit.lostInReplication.examples.every((e) => e.evidence === 'read-on-source')).toBe(true);
      }),
    );
  });

  it('lost-in-replication is absent when the source never held any missing record', () => {
    fc.assert(
      fc.property(runOf, ({ n, missing }) => {
        const acc = run(n, missing, sourceConsumer(n, missing));
        expect(acc.lostSplit.lostInReplication.count).toBe(0);
        expect(acc.lostSplit.lostAtSource.count).toBe(missing.length);
      }),
    );
  });

  it('beats the samples: a record the samples call lost in replication is lost at the source when the consumer read across it', () => {
    // The samples see the high watermark only grow: without the consumer, seq 2 is lost in replication.
    const samples = [sample(1000, 0, offsetOf(10))];
    expect(run(10, [2], undefined, samples).lostSplit).toMatchObject({ lostInReplication: { count: 1 }, lostAtSource: { count: 0 } });
    expect(run(10, [2], sourceConsumer(10, [2]), samples).lostSplit).toMatchObject({
      lostInReplication: { count: 0 },
      lostAtSource: { count: 1 },
    });
  });

  it('purged-before-mirrored: read on the source, then purged before the replicator passed it', () => {
    fc.assert(
      fc.property(runOf, ({ n, missing, cut }) => {
        const end = offsetOf(n);
        // The log start passes offsetOf(cut) between 1000 and 1500 ms; the target reads from 2000 ms on.
        const acc = run(n, missing, sourceConsumer(n, []), [sample(1000, 0, end), sample(1500, offsetOf(cut), end)]);
        const purged = missing.filter((s) => s < cut).length;
        expect(acc.lostSplit.purgedBeforeMirrored.count).toBe(purged);
        expect(acc.lostSplit.lostInReplication.count).toBe(missing.length - purged);
        expect(acc.lostSplit.lostAtSource.count).toBe(0);
        if (purged > 0) expect(acc.lostSplit.purgedBeforeMirrored.examples[0].evidence).toBe('read-on-source');
      }),
    );
  });

  it('leaves it to the samples when it started past the record (the log start had moved): purged, not lost at the source', () => {
    fc.assert(
      fc.property(runOf, ({ n, missing, cut }) => {
        const end = offsetOf(n);
        // Retention moved the log start to offsetOf(cut) before the consumer (and the replicator) got there.
        const acc = run(n, missing, sourceConsumer(n, [], cut), [sample(1000, 0, end), sample(1500, offsetOf(cut), end)]);
        const purged = missing.filter((s) => s < cut).length;
        expect(acc.lostSplit.purgedBeforeMirrored.count).toBe(purged);
        expect(acc.lostSplit.lostAtSource.count).toBe(0);
        expect(acc.lostSplit.sourceReads?.['not-reached']).toBe(purged);
      }),
    );
  });

  it('purged-before-mirrored is absent when nothing was purged', () => {
    fc.assert(
      fc.property(runOf, ({ n, missing, notOnSource }) => {
        const acc = run(n, missing, sourceConsumer(n, notOnSource), [sample(1000, 0, offsetOf(n)), sample(5000, 0, offsetOf(n))]);
        expect(acc.lostSplit.purgedBeforeMirrored.count).toBe(0);
      }),
    );
  });

  it('the classes and the evidence each add up to the records missing, whatever the consumer read and the samples show', () => {
    const sampleArb = fc.record({
      atMs: fc.integer({ min: 0, max: 5000 }),
      logStart: fc.integer({ min: 0, max: 400 }),
      hw: fc.integer({ min: 0, max: 400 }),
    });
    fc.assert(
      fc.property(
        runOf,
        fc.integer({ min: 0, max: N_MAX }),
        fc.array(sampleArb, { maxLength: 6 }),
        ({ n, missing, notOnSource }, from, ss) => {
          const acc = run(
            n,
            missing,
            sourceConsumer(n, notOnSource, Math.min(from, n)),
            ss.map((s) => sample(s.atMs, s.logStart, s.hw)),
          );
          const split = acc.lostSplit;
          expect(split.lostAtSource.count + split.purgedBeforeMirrored.count + split.lostInReplication.count).toBe(
            acc.lost.count + acc.unseen.count,
          );
          expect(acc.lost.count + acc.unseen.count).toBe(missing.length);
          const reads = split.sourceReads!;
          expect(reads['read-on-source'] + reads['not-on-source'] + reads['not-reached']).toBe(missing.length);
        },
      ),
    );
  });

  it('without the consumer the split is as before: no evidence, no sourceReads', () => {
    const acc = run(10, [2, 5], undefined, [sample(1000, 0, offsetOf(10))]);
    expect(acc.lostSplit.sourceReads).toBeUndefined();
    expect(acc.lostSplit.lostInReplication.examples.some((e) => 'evidence' in e)).toBe(false);
  });
});
