import { dueAtMs, restartIfBehind } from './pace';

describe('pace', () => {
  it('spaces records 1/rate apart; no rate: at once', () => {
    expect(dueAtMs(1_000, 0, 10)).toBe(1_000);
    expect(dueAtMs(1_000, 25, 10)).toBe(3_500);
    expect(dueAtMs(1_000, 25, undefined)).toBe(1_000);
  });

  it('restarts a schedule more than the slack behind, never one on time', () => {
    expect(restartIfBehind({ startMs: 0, index: 10 }, 1_500, 10)).toEqual({ startMs: 0, index: 10 });
    expect(restartIfBehind({ startMs: 0, index: 10 }, 2_001, 10)).toEqual({ startMs: 2_001, index: 0 });
    expect(restartIfBehind({ startMs: 0, index: 10 }, 99_999, undefined)).toEqual({ startMs: 0, index: 10 });
  });
});
