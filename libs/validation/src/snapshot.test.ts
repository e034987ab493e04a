import { mergeSnapshots } from './merge-snapshots';
import type { ValidatorSnapshot } from './snapshot';
import { obs, readSeqs } from './testing/records';
import { ValidatorState } from './validator-state';

function sample(): ValidatorState {
  const s = new ValidatorState();
  readSeqs(s, [0, 1, 2, 2, 4]);
  s.observe(obs(1, 1));
  s.observeCorrupt({ topic: 't', partition: 0, offset: 7, reason: 'checksum', arrivalUs: 1 });
  return s;
}

describe('snapshots', () => {
  it('are compact plain JSON: integer sets as [lo, hi] ranges, zero counters left out', () => {
    const s = new ValidatorState();
    readSeqs(
      s,
      Array.from({ length: 1000 }, (_, i) => i),
    );
    expect(s.toSnapshot()).toEqual({
      version: 1,
      firstSeq: 0,
      maxExamples: 5,
      partitions: [
        {
          topic: 't',
          partition: 0,
          nextOffset: 1000,
          offsets: [[0, 999]],
          deliveries: 1000,
          // 16 blocks of 64 offsets: 16 XORs (4 bytes each) and 16 counts, in one run from block 0.
          fingerprints: { block: 64, runs: [[0, expect.stringMatching(/^[A-Za-z0-9+/]{86}==$/), 'QEBAQEBAQEBAQEBAQEBAKA==']] },
          keys: [{ producerId: 'p1', keyEpoch: 0, key: 'k', seqs: [[0, 999]], inOrder: 1000 }],
        },
      ],
    });
  });

  it('round-trip through JSON to an equal state', () => {
    const s = sample();
    const back = ValidatorState.fromSnapshot(JSON.parse(JSON.stringify(s.toSnapshot())));
    expect(back.toSnapshot()).toEqual(s.toSnapshot());
    expect(back.observe(obs(5, 8))).toBe('in_order');
  });

  it('merge as plain JSON through mergeSnapshots', () => {
    const a = new ValidatorState();
    readSeqs(a, [0, 1]);
    const b = new ValidatorState();
    readSeqs(b, [0], { partition: 1, key: 'other' });
    const merged = mergeSnapshots(a.toSnapshot(), b.toSnapshot());
    expect(merged.partitions.map((p) => p.partition)).toEqual([0, 1]);
    expect(mergeSnapshots()).toEqual(new ValidatorState().toSnapshot());
  });

  // Spoilers write ill-typed values on purpose: `never` lets them through the compiler.
  const cases: Array<[string, (snap: ValidatorSnapshot) => void, string]> = [
    ['a missing version', (s) => delete (s as Partial<ValidatorSnapshot>).version, 'version'],
    ['a non-array partitions', (s) => (s.partitions = {} as never), 'partitions'],
    ['a negative partition', (s) => (s.partitions[0].partition = -1), 'partitions[0].partition'],
    ['an inverted range', (s) => (s.partitions[0].offsets = [[5, 1]]), 'partitions[0].offsets[0]'],
    [
      'overlapping ranges',
      (s) =>
        (s.partitions[0].keys[0].seqs = [
          [0, 3],
          [3, 4],
        ]),
      'partitions[0].keys[0].seqs[1]',
    ],
    ['a fractional sequence', (s) => (s.partitions[0].keys[0].seqs = [[0, 1.5]]), 'partitions[0].keys[0].seqs[0][1]'],
    ['duplicates outside seqs', (s) => (s.partitions[0].keys[0].duplicateSeqs = [[50, 50]]), 'partitions[0].keys[0].duplicateSeqs'],
    ['fewer deliveries than offsets', (s) => (s.partitions[0].deliveries = 1), 'partitions[0].deliveries'],
    ['a wrong nextOffset', (s) => (s.partitions[0].nextOffset = 3), 'partitions[0].nextOffset'],
    ['a corrupt offset never read', (s) => (s.partitions[0].corrupt![0].offsets = [[99, 99]]), 'partitions[0].corrupt[0].offsets'],
    ['a key listed twice', (s) => s.partitions[0].keys.push(s.partitions[0].keys[0]), 'partitions[0].keys[1]'],
    ['a partition listed twice', (s) => s.partitions.push(s.partitions[0]), 'partitions[1]'],
    [
      'a malformed example',
      (s) => (s.partitions[0].examples!.duplicate![0].offset = 'x' as never),
      'partitions[0].examples.duplicate[0].offset',
    ],
    ['more sequences than offsets', (s) => (s.partitions[0].keys[0].seqs = [[0, 50]]), 'partitions[0].keys'],
    ['a negative counter', (s) => (s.partitions[0].keys[0].late = -1), 'partitions[0].keys[0].late'],
  ];
  it.each(cases)('reject %s, naming the field', (_, spoil, field) => {
    const snap: ValidatorSnapshot = JSON.parse(JSON.stringify(sample().toSnapshot()));
    spoil(snap);
    expect(() => ValidatorState.fromSnapshot(snap)).toThrow(expect.objectContaining({ code: 'invalid_snapshot', field }));
  });

  it('reject something that is not a snapshot at all', () => {
    expect(() => ValidatorState.fromSnapshot('nope')).toThrow(expect.objectContaining({ code: 'invalid_snapshot', field: 'snapshot' }));
  });
});
