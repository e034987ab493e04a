import { reconcile } from './reconcile';
import { obs, report } from './testing/records';
import { ValidatorState } from './validator-state';

/** A validator that read offsets 0..199 (seq = offset), published, then restarted from its snapshot. */
function restarted(): ValidatorState {
  const first = new ValidatorState();
  for (let offset = 0; offset < 200; offset++) first.observe(obs(offset, offset, { fingerprint: 1000 + offset }));
  return ValidatorState.fromSnapshot(JSON.parse(JSON.stringify(first.toSnapshot())));
}

describe('inconsistent offsets (issue 11 item 5)', () => {
  it('catches a re-read range whose offsets 128..191 now hold other records: one range of 64 offsets', () => {
    const s = restarted();
    // The target log was truncated at 128 and rewritten: the re-read from 64 finds other content there.
    for (let offset = 64; offset < 200; offset++) {
      const rewritten = offset >= 128 && offset < 192;
      expect(s.observe(obs(offset, offset, { fingerprint: rewritten ? 5000 + offset : 1000 + offset }))).toBe('redelivery');
    }
    const acc = reconcile(s, [report({ acked: [[0, 199]] })]);
    expect(acc.inconsistentOffset).toEqual({
      count: 1,
      offsets: 64,
      unverifiable: 0,
      examples: [{ topic: 't', partition: 0, fromOffset: 128, toOffset: 191 }],
    });
    expect(acc.redelivery.count).toBe(136);
    expect(acc.lost.count + acc.duplicate.count).toBe(0);
  });

  it('catches the same sequence re-read with a different payload (its fingerprint differs)', () => {
    const s = restarted();
    for (let offset = 0; offset < 64; offset++) s.observe(obs(offset, offset, { fingerprint: offset === 10 ? 7 : 1000 + offset }));
    expect(reconcile(s, []).inconsistentOffset).toMatchObject({ count: 1, offsets: 64, examples: [{ fromOffset: 0, toOffset: 63 }] });
  });

  it('finds nothing when the re-read offsets hold what they held before', () => {
    const s = restarted();
    for (let offset = 64; offset < 200; offset++) s.observe(obs(offset, offset, { fingerprint: 1000 + offset }));
    const acc = reconcile(s, [report({ acked: [[0, 199]] })]);
    expect(acc.inconsistentOffset).toEqual({ count: 0, offsets: 0, unverifiable: 0, examples: [] });
    expect(acc.redelivery.count).toBe(136);
  });

  it('cannot check a block re-read only in part (the edge of a re-read range): documented, not reported', () => {
    const s = restarted();
    for (let offset = 100; offset < 128; offset++) s.observe(obs(offset, offset, { fingerprint: 9 }));
    expect(reconcile(s, []).inconsistentOffset.count).toBe(0);
  });

  it('flags blocks two validators both read without a handover as unverifiable, not inconsistent', () => {
    const a = new ValidatorState();
    const b = new ValidatorState();
    for (let offset = 0; offset < 10; offset++) a.observe(obs(offset, offset, { fingerprint: offset }));
    for (let offset = 5; offset < 15; offset++) b.observe(obs(offset, offset, { fingerprint: offset }));
    const acc = reconcile(ValidatorState.merge(a, b), []);
    expect(acc.inconsistentOffset).toMatchObject({ count: 0, unverifiable: 1 });
  });
});
