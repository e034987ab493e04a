import { newRunRecord, progressOf, readRunRecord } from './run-record';

describe('run record', () => {
  it('round-trips through JSON (it lives in the job data)', () => {
    const r = { ...newRunRecord(), phase: 'running' as const, startAtMs: 5, endAtMs: 10, phaseTimes: { running: 4 } };
    expect(readRunRecord(JSON.parse(JSON.stringify(r)))).toEqual(r);
  });

  it('treats a missing or unreadable record as none', () => {
    expect(readRunRecord(undefined)).toBeUndefined();
    expect(readRunRecord({ phase: 'exploding' })).toBeUndefined();
  });

  it('progress moves with the phase and, while running, with time', () => {
    const r = { ...newRunRecord(), phase: 'running' as const, startAtMs: 1000, endAtMs: 11_000 };
    expect(progressOf({ ...newRunRecord() }, 0, 1000)).toBe(0);
    expect(progressOf(r, 1000, 1000)).toBe(15);
    expect(progressOf(r, 6000, 1000)).toBe(50);
    expect(progressOf(r, 99_000, 1000)).toBe(85);
    expect(progressOf({ ...r, phase: 'draining', stopAtMs: 11_000 }, 11_500, 1000)).toBe(90);
    expect(progressOf({ ...r, phase: 'done' }, 0, 1000)).toBe(100);
  });
});
