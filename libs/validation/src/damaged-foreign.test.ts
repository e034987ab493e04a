import fc from 'fast-check';
import { verdict } from './accounting';
import { reconcile } from './reconcile';
import { buildHistory, historyParams, type Read } from './testing/history';
import { obs, readSeqs, report } from './testing/records';
import { ValidatorState } from './validator-state';

const damaged = (seq: number, offset: number) => ({ ...obs(seq, offset), reason: 'payload_mismatch' });

describe('damaged payloads under an intact identity (issue 11 item 3)', () => {
  it('counts 20 damaged and 29 dropped records as 20 corrupt and 29 lost, not 49 lost', () => {
    // Key k, seqs 0..99 acked. Seqs 10..38 dropped (29), seqs 50..69 damaged (20), the rest intact.
    const s = new ValidatorState();
    let offset = 0;
    for (let seq = 0; seq < 100; seq++) {
      if (seq >= 10 && seq <= 38) continue;
      if (seq >= 50 && seq <= 69) expect(s.observeDamaged(damaged(seq, offset++))).toBe('corrupt');
      else s.observe(obs(seq, offset++));
    }
    const acc = reconcile(s, [report({ acked: [[0, 99]] })]);
    expect(acc.lost.count).toBe(29);
    expect(acc.unseen.count).toBe(0);
    expect(acc.corrupt.count).toBe(20);
    expect(acc.corrupt.seqs).toBe(20);
    expect(acc.corrupt.byReason).toEqual({ payload_mismatch: 20 });
    expect(acc.corrupt.examples[0]).toEqual({
      topic: 't',
      partition: 0,
      offset: 21,
      reason: 'payload_mismatch',
      producerId: 'p1',
      keyEpoch: 0,
      key: 'k',
      seq: 50,
    });
    expect(acc.corrupt.examples.map((e) => e.seq)).toEqual([50, 51, 52, 53, 54]);
    expect(acc.totals.seenRecords).toBe(51);
    expect(acc.duplicate.count).toBe(0);
    expect(verdict(acc, { phase: 'final' }).failures).toEqual([
      { anomaly: 'lost', count: 29 },
      { anomaly: 'corrupt', count: 20 },
    ]);
  });

  it('a damaged last record keeps the key from being unseen', () => {
    const s = new ValidatorState();
    readSeqs(s, [0, 1]);
    s.observeDamaged(damaged(2, 2));
    const acc = reconcile(s, [report({ acked: [[0, 2]] })]);
    expect([acc.lost.count, acc.unseen.count, acc.corrupt.count]).toEqual([0, 0, 1]);
  });

  it('a damaged copy re-read at the same offset is a redelivery, counted corrupt once', () => {
    const s = new ValidatorState();
    s.observeDamaged(damaged(0, 0));
    expect(s.observeDamaged(damaged(0, 0))).toBe('redelivery');
    const acc = reconcile(s, [report({ acked: [[0, 0]] })]);
    expect([acc.corrupt.count, acc.redelivery.count]).toEqual([1, 1]);
  });

  it('survives snapshots and merges, exactly', () => {
    const a = new ValidatorState();
    readSeqs(a, [0, 1]);
    a.observeDamaged(damaged(2, 2));
    const b = ValidatorState.fromSnapshot(JSON.parse(JSON.stringify(a.toSnapshot())));
    expect(b.toSnapshot()).toEqual(a.toSnapshot());
    expect(reconcile(b, [report({ acked: [[0, 3]] })])).toEqual(reconcile(a, [report({ acked: [[0, 3]] })]));
  });

  it('nothing is corrupt when no payload was damaged', () => {
    const acc = reconcile(ValidatorState.fromSnapshot(new ValidatorState().toSnapshot()), [report({ acked: [] })]);
    const s = new ValidatorState();
    readSeqs(s, [0, 1, 2]);
    const clean = reconcile(s, [report({ acked: [[0, 2]] })]);
    expect([acc.corrupt.count, clean.corrupt.count, clean.corrupt.seqs, clean.lost.count]).toEqual([0, 0, 0, 0]);
  });

  it('property: damaging any subset of intact reads moves them from seen to corrupt, never to lost or unseen', () => {
    fc.assert(
      fc.property(historyParams(true), fc.integer(), (hp, pick) => {
        const h = buildHistory(hp);
        const clean = new ValidatorState({ maxExamples: 100_000 });
        const hurt = new ValidatorState({ maxExamples: 100_000 });
        let damagedOffsets = 0;
        let i = 0;
        for (const reads of h.partitions.values()) {
          const firstReads = new Set<number>();
          for (const read of reads) {
            feed(clean, read);
            const offset = read.kind === 'record' ? read.obs.offset : read.rec.offset;
            const first = !firstReads.has(offset);
            firstReads.add(offset);
            // Damage some records at every read of their offset (a damaged log stays damaged).
            if (read.kind === 'record' && ((pick >>> (read.obs.offset % 31)) & 1) === 1 && (i++ % 3 === 0 || !first)) {
              hurt.observeDamaged({ ...read.obs, reason: 'payload_mismatch' });
              if (first) damagedOffsets++;
            } else feed(hurt, read);
          }
        }
        const a = reconcile(clean, h.reports);
        const b = reconcile(hurt, h.reports);
        expect(b.corrupt.count - a.corrupt.count).toBe(damagedOffsets);
        expect(b.lost.count).toBeLessThanOrEqual(a.lost.count);
        expect(b.unseen.count).toBeLessThanOrEqual(a.unseen.count);
        expect(b.redelivery.count).toBe(a.redelivery.count);
      }),
    );
  });
});

describe('foreign records (issue 11 item 4)', () => {
  it('counts 3 foreign records as foreign, with examples, and never as corrupt', () => {
    const s = new ValidatorState();
    readSeqs(s, [0, 1]);
    expect(s.observeForeign({ topic: 't', partition: 0, offset: 2, arrivalUs: 1 })).toBe('foreign');
    s.observeForeign({ topic: 't', partition: 0, offset: 3, arrivalUs: 1 });
    s.observeForeign({ topic: 't', partition: 1, offset: 0, arrivalUs: 1 });
    expect(s.observeForeign({ topic: 't', partition: 0, offset: 3, arrivalUs: 2 })).toBe('redelivery');
    const acc = reconcile(ValidatorState.fromSnapshot(JSON.parse(JSON.stringify(s.toSnapshot()))), [report({ acked: [[0, 1]] })]);
    expect(acc.foreign).toEqual({
      count: 3,
      examples: [
        { topic: 't', partition: 0, offset: 2 },
        { topic: 't', partition: 0, offset: 3 },
        { topic: 't', partition: 1, offset: 0 },
      ],
    });
    expect(acc.corrupt.count).toBe(0);
    expect(acc.totals.seenRecords).toBe(2);
    expect(acc.duplicate.count).toBe(0);
    expect(verdict(acc, { phase: 'final' }).failures).toEqual([{ anomaly: 'foreign', count: 3 }]);
    expect(verdict(acc, { phase: 'final', tolerate: ['foreign'] }).valid).toBe(true);
  });

  it('reports no foreign records when there were none', () => {
    const s = new ValidatorState();
    readSeqs(s, [0, 1]);
    expect(reconcile(s, [report({ acked: [[0, 1]] })]).foreign).toEqual({ count: 0, examples: [] });
  });
});

describe('went backwards (issue 11 item 12)', () => {
  it('a duplicate of the highest sequence (0,1,2,2) is a duplicate, not a key going backwards', () => {
    const s = new ValidatorState();
    expect(readSeqs(s, [0, 1, 2, 2])).toEqual(['in_order', 'in_order', 'in_order', 'duplicate']);
    const acc = reconcile(s, [report({ acked: [[0, 2]] })]);
    expect(acc.duplicate.count).toBe(1);
    expect(acc.order.backwardsKeys.count).toBe(0);
  });

  it('a duplicate of a lower sequence (0,1,2,1) does go backwards', () => {
    const s = new ValidatorState();
    readSeqs(s, [0, 1, 2, 1]);
    const acc = reconcile(s, [report({ acked: [[0, 2]] })]);
    expect([acc.duplicate.count, acc.order.backwardsKeys.count]).toEqual([1, 1]);
  });
});

function feed(state: ValidatorState, read: Read): void {
  if (read.kind === 'record') state.observe(read.obs);
  else if (read.kind === 'foreign') state.observeForeign(read.rec);
  else state.observeCorrupt(read.rec);
}

describe('pending mid-run (issue 11 item 9)', () => {
  it('mid-run, 46 records read before their producer reported them are pending, not unexpected', () => {
    const s = new ValidatorState();
    readSeqs(
      s,
      Array.from({ length: 100 }, (_, i) => i),
    );
    // The producer's latest progress report covers seqs 0..53 only.
    const mid = reconcile(s, [report({ acked: [[0, 53]] })], { phase: 'progress' });
    expect([mid.pending.count, mid.unexpected.count]).toEqual([46, 0]);
    expect(mid.pending.examples.map((e) => e.seq)).toEqual([54, 55, 56, 57, 58]);
    // The same state judged after the final reports: still uncovered records are unexpected.
    const final = reconcile(s, [report({ acked: [[0, 53]] })]);
    expect([final.pending.count, final.unexpected.count]).toEqual([0, 46]);
  });

  it('nothing is pending when every read record is covered', () => {
    const s = new ValidatorState();
    readSeqs(s, [0, 1, 2]);
    const mid = reconcile(s, [report({ acked: [[0, 2]] })], { phase: 'progress' });
    expect([mid.pending.count, mid.unexpected.count]).toEqual([0, 0]);
  });
});
